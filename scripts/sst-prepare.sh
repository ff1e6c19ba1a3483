#!/usr/bin/env bash
# Makes the SST platform types (.sst/platform, referenced by sst.config.ts) available so that
# `tsc -p tsconfig.stacks.json` can typecheck sst.config.ts and stacks/ from a clean clone.
# Run after `npm ci`; idempotent; takes a few seconds. No AWS account or credentials needed.
#
# What `sst install` does: evaluates app() of sst.config.ts, unpacks the platform sources shipped
# inside the sst binary into .sst/platform, and installs their npm dependencies (@pulumi/pulumi,
# the pinned @pulumi/aws provider SDK, ...) with bun from the npm registry, then writes
# .sst/platform/config.d.ts. It needs the npm registry, nothing else: no Pulumi CLI, no provider
# plugins (those are only downloaded for deploy/diff), and SST_SKIP_DEPENDENCY_CHECK stops it from
# fetching its own copies of Pulumi and bun; SST_BUN_PATH points it at the bun devDependency.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export SST_SKIP_DEPENDENCY_CHECK=true SST_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
export PATH="$root/node_modules/.bin:$PATH"
# the stage only feeds app(input); nothing is deployed
stage=${SST_STAGE:-typecheck}

if [ ! -x node_modules/.bin/sst ] || [ ! -d node_modules/sst ]; then
  echo "sst-prepare: node_modules/sst is missing: run npm ci first" >&2
  exit 1
fi

# bun's postinstall puts the real binary in place of a placeholder; if it did not run, use the
# platform package's binary directly, or run the postinstall again
bun_bin=""
for candidate in "$root"/node_modules/bun/bin/bun.exe "$root"/node_modules/@oven/bun-*/bin/bun; do
  if [ -x "$candidate" ] && "$candidate" --version >/dev/null 2>&1; then bun_bin=$candidate; break; fi
done
if [ -z "$bun_bin" ]; then
  echo "sst-prepare: bun does not run, rebuilding it" >&2
  npm rebuild bun >/dev/null
  bun_bin="$root/node_modules/bun/bin/bun.exe"
  "$bun_bin" --version >/dev/null
fi
export SST_BUN_PATH="$bun_bin"

# node_modules/.bin/sst runs the CLI binary of the platform package (sst-linux-x64, sst-darwin-arm64, ...)
sst_bin="$root/node_modules/.bin/sst"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! timeout 110 "$sst_bin" install --stage "$stage" --print-logs >"$log" 2>&1; then
  grep -v ' level=INFO ' "$log" >&2 || true
  echo "sst-prepare: sst install failed (it needs the npm registry); full log above" >&2
  exit 1
fi

for f in .sst/platform/config.d.ts .sst/platform/src/global.d.ts .sst/platform/node_modules/@pulumi/aws/package.json .sst/platform/node_modules/@pulumi/pulumi/package.json; do
  [ -f "$f" ] || { echo "sst-prepare: $f missing after sst install" >&2; exit 1; }
done
echo "sst-prepare: SST $(cat .sst/platform/version) platform types ready in .sst/platform (@pulumi/aws $(node -p 'require("./.sst/platform/node_modules/@pulumi/aws/package.json").version'))"
