/**
 * `npm run bench:instructions [-- --only <part of a function id>]`: how many machine instructions
 * each function's import executes, counted by valgrind, against the floor's (`npm run bench`'s
 * floor, bundled the same way). Import times need a quiet machine (on a shared one the floor's own
 * samples vary threefold in one run); an instruction count does not move with the machine's load:
 * V8 runs with `--predictable` (one thread, fixed seeds), so a count repeats to within 0.1 M (0.03 %),
 * and two versions of a function can be compared while other work runs. It is a proxy, not the
 * time: it leaves out the kernel's share (page faults, file reads) and the concurrency V8 would
 * use, so it complements `npm run bench`'s `import_ms`, measured on a quiet machine, and does not
 * replace it. Needs `valgrind` (Debian's package); about 15 s per function.
 *
 * `--with <module>` (repeatable) counts, instead of the functions, the floor with that module
 * imported too (everything it imports comes along, as in a function): what one part of our code
 * adds to every function that loads it, e.g. `--with lib/config.ts --with lib/http/handler.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FLOOR_SOURCE, bundleFunction, functionEntries } from './bench-cold.ts';

const { values } = parseArgs({ options: { only: { type: 'string' }, json: { type: 'boolean', default: false }, with: { type: 'string', multiple: true } } });

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('valgrind is not installed (apt-get install -y valgrind)');
  process.exit(2);
}

const outDir = resolve('.bench-instructions');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const bundle = async (name: string, entry: string) => (await bundleFunction(outDir, name, entry)).file;

/** Instructions of `node -e <code>` in a fresh process, V8 made deterministic. */
function instructions(code: string): number {
  const r = spawnSync(
    'valgrind',
    ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, '--predictable', '--random-seed=1', '--hash-seed=1', '--input-type=module', '-e', code],
    { env: { PATH: process.env.PATH, AURORA_STAGE: 'bench' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const out = r.stderr.toString();
  if (r.status !== 0) throw new Error(`valgrind exited ${r.status}:\n${out}`);
  const m = /I\s+refs:\s+([\d,]+)/.exec(out);
  if (!m) throw new Error(`valgrind printed no instruction count:\n${out}`);
  return Number(m[1].replaceAll(',', ''));
}

const startup = instructions('await 0');
const importOf = (file: string) => instructions(`await import(${JSON.stringify('file://' + file)})`) - startup;

const floorEntry = join(outDir, 'floor-entry.ts');
writeFileSync(floorEntry, FLOOR_SOURCE);
const floor = importOf(await bundle('floor', floorEntry));

// the floor plus one module, bundled alone: the module's namespace is kept so nothing is shaken off
const withModules = (values.with ?? []).map((m, i) => {
  const entry = join(outDir, `with-${i}-entry.ts`);
  writeFileSync(entry, `${FLOOR_SOURCE}import * as part from ${JSON.stringify(resolve(m))};\nexport const kept = part;\n`);
  return { name: `floor + ${m}`, handler: entry };
});
const entries = withModules.length ? withModules : await functionEntries();
const seen = new Set<string>();
const functions: Array<{ name: string; import_minstr: number; ratio: number }> = [];
for (const e of entries) {
  if (seen.has(e.handler) || (values.only && !e.name.includes(values.only))) continue;
  seen.add(e.handler);
  const n = importOf(await bundle(e.name.replace(/[^\w.-]+/g, '_'), e.handler));
  const row = { name: e.name, import_minstr: Math.round(n / 1e5) / 10, ratio: Math.round((n / floor) * 1000) / 1000 };
  functions.push(row);
  if (!values.json) console.log(`${row.name.padEnd(36)} ${String(row.import_minstr).padStart(7)} M  ${row.ratio.toFixed(3)}`);
}
rmSync(outDir, { recursive: true, force: true });
const summary = { floor_import_minstr: Math.round(floor / 1e5) / 10, node_startup_minstr: Math.round(startup / 1e5) / 10, functions };
if (values.json) console.log(JSON.stringify(summary, null, 2));
else console.log(`floor ${summary.floor_import_minstr} M instructions (node's own start ${summary.node_startup_minstr} M, not counted); ${functions.filter((f) => f.ratio > 1.25).length} of ${functions.length} above 1.25x`);
