import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { allSettings } from '../../lib/config.ts';
import { EXECUTOR_COMPONENT, planExecutor } from '../../lib/stacks/plan/executor.ts';
import { planFunction, planRoutes, planCapabilities, DEFAULT_SETTINGS, deploySettings } from '../../lib/stacks-plan.ts';
import { routes } from '../../lib/http/routes.ts';
import { cloudToolRoute } from '../../lib/commands/routes.ts';

/**
 * The deployed executor, without a Docker engine or an AWS account: executor/Dockerfile is
 * linted (its instructions parsed and checked), and the deploy plan is checked for what the
 * executor's role and environment may hold, and what cloudTool.run may do instead of running CLIs.
 */

interface Instruction {
  cmd: string;
  args: string;
  line: number;
}

/** Dockerfile instructions, with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (!buf && (line.trim() === '' || line.trim().startsWith('#'))) return;
    if (!buf) start = i + 1;
    if (line.trim().startsWith('#')) return;
    buf += (buf ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (!line.endsWith('\\')) {
      const m = /^(\S+)\s*(.*)$/.exec(buf)!;
      out.push({ cmd: m[1].toUpperCase(), args: m[2], line: start });
      buf = '';
    }
  });
  return out;
}

const DOCKERFILE = readFileSync('executor/Dockerfile', 'utf8');
const steps = parseDockerfile(DOCKERFILE);
const args = Object.fromEntries(steps.filter((s) => s.cmd === 'ARG').map((s) => s.args.split('=') as [string, string]));
const runs = steps.filter((s) => s.cmd === 'RUN');
const stages = steps.filter((s) => s.cmd === 'FROM');
const finalStage = steps.slice(steps.lastIndexOf(stages[stages.length - 1]));

describe('executor/Dockerfile (linted, not built: there is no Docker engine here)', () => {
  it('starts from the AWS Lambda Node.js 24 base image, by tag, in every stage', () => {
    expect(args.NODE_IMAGE).toBe('public.ecr.aws/lambda/nodejs:24');
    expect(stages.length).toBeGreaterThanOrEqual(1);
    for (const s of stages) expect(s.args).toMatch(/^\$\{NODE_IMAGE\}( AS \w+)?$/);
  });

  it('pins every CLI version, and checks every download against a pinned SHA-256', () => {
    for (const [name, value] of Object.entries(args).filter(([k]) => k.endsWith('_VERSION'))) {
      expect(value, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
    for (const [name, value] of Object.entries(args).filter(([k]) => k.endsWith('_SHA256'))) expect(value, name).toMatch(/^[0-9a-f]{64}$/);
    const downloads = runs.filter((r) => /\bcurl\b/.test(r.args));
    expect(downloads.length).toBe(5);
    for (const r of downloads) {
      const out = /-o (\S+)/.exec(r.args)?.[1];
      expect(out, `line ${r.line}`).toBeTruthy();
      expect(r.args, `line ${r.line}: curl must fail on HTTP errors and refuse anything but https`).toMatch(/curl -fsSL --proto '=https'/);
      const check = new RegExp(`echo "\\$\\{(\\w+_SHA256)\\}  ${out!.replace(/[.$]/g, '\\$&')}" \\| sha256sum -c -`).exec(r.args);
      expect(check, `line ${r.line}: ${out} is not checked`).not.toBeNull();
      expect(args[check![1]], check![1]).toBeDefined();
      // the check comes right after the download, before anything uses the file
      expect(r.args.split('&&')[1], `line ${r.line}`).toMatch(/sha256sum -c -/);
    }
    // nothing piped into a shell, no unpinned package
    for (const r of runs) expect(r.args).not.toMatch(/\|\s*(ba)?sh\b/);
    const az = runs.find((r) => r.args.includes('azure-cli'))!;
    expect(az.args).toMatch(/microdnf install -y "azure-cli-\$\{AZURE_CLI_VERSION\}"/);
    expect(az.args).toMatch(/gpgcheck=1/);
  });

  it('puts gcloud, gsutil, bq, aws, az, kubectl, scw and ovhcloud on the PATH', () => {
    const env = finalStage.find((s) => s.cmd === 'ENV' && s.args.startsWith('PATH='))!;
    expect(env.args.split('=')[1].split(':')[0]).toBe('/opt/cli/bin');
    const text = runs.map((r) => r.args).join('\n');
    expect(text).toContain('for c in gcloud gsutil bq; do ln -s "/opt/google-cloud-sdk/bin/$c" "/opt/cli/bin/$c"');
    expect(text).toMatch(/--bin-dir \/opt\/cli\/bin/); // aws
    for (const cli of ['kubectl', 'scw', 'ovhcloud', 'az']) expect(text).toContain(`/opt/cli/bin/${cli}`);
  });

  it("holds none of the service's settings, runs its own bundle as the entry point, fails a pipe on any error", () => {
    const settingNames = new Set(allSettings().map((s) => s.name));
    for (const s of steps.filter((x) => x.cmd === 'ENV' || x.cmd === 'ARG')) {
      const name = s.args.split(/[= ]/)[0];
      expect(settingNames.has(name), `${s.cmd} ${name}`).toBe(false);
    }
    const entry = finalStage.find((s) => s.cmd === 'ENTRYPOINT')!;
    expect(JSON.parse(entry.args)).toEqual(['/var/lang/bin/node', '/var/task/executor.mjs']);
    const copies = finalStage.filter((s) => s.cmd === 'COPY');
    expect(copies.map((c) => c.args)).toEqual(['--from=bundle /out/executor.mjs /var/task/executor.mjs']);
    expect(finalStage.find((s) => s.cmd === 'SHELL')?.args).toBe('["/bin/bash", "-o", "pipefail", "-c"]');
    expect(readFileSync('executor/Dockerfile.dockerignore', 'utf8').split('\n')).toEqual(expect.arrayContaining(['*', '!package.json', '!package-lock.json', '!executor/']));
  });

  it('the entry point bundles as the image builds it, with nothing outside Node itself left to import', async () => {
    const r = await build({ entryPoints: ['executor/lambda.ts'], bundle: true, platform: 'node', target: 'node24', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const imports = Object.values(r.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(imports.every((p) => p.startsWith('node:'))).toBe(true);
    expect(r.outputFiles[0].text).toContain('/2018-06-01/runtime');
  });
});

describe('the deploy plan', () => {
  const prod = deploySettings({ SECRET_BACKEND: 'vault', VAULT_MOUNT: 'kv', VAULT_ADDR: 'https://vault.example.com', VAULT_AWS_ROLE: 'aurora', FRONTURL: 'https://app.example.com/chat', GCP_REQUIRED_APIS: 'compute.googleapis.com' }, allSettings());

  it("the executor's role may write its own logs and nothing else; its environment holds nothing of the service", () => {
    const plan = planExecutor('aurora-connectors', 'prod');
    expect(plan.name).toBe(EXECUTOR_COMPONENT);
    expect(plan.permissions).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`arn:aws:logs:{{aws.region}}:{{aws.account}}:log-group:/aws/lambda/aurora-connectors-prod-CloudToolExecutor:*`] },
    ]);
    expect(plan.logGroup).toBe('/aws/lambda/aurora-connectors-prod-CloudToolExecutor');
    expect(plan.environment).toEqual({});
    // what any route function gets from the same deploy settings, none of it for the executor
    const routeEnv = planCapabilities(['table', 'secrets'], 'prod', prod).environment;
    for (const k of ['TABLE_NAME', 'SECRET_BACKEND', 'VAULT_AUTH_METHOD', 'VAULT_ADDR', 'VAULT_MOUNT', 'AURORA_STAGE', 'GCP_REQUIRED_APIS']) {
      expect(routeEnv, k).toHaveProperty(k);
      expect(plan.environment).not.toHaveProperty(k);
    }
    expect(() => planExecutor('aurora-connectors', 'a-very-long-stage-name-that-does-not-fit-lambda')).toThrow(/64 characters/);
  });

  it('cloudTool.run has no exec capability and may invoke the executor and nothing else of Lambda', () => {
    expect(cloudToolRoute.capabilities).not.toContain('exec');
    expect(cloudToolRoute.capabilities).toContain('executor');
    const plan = planFunction(cloudToolRoute, 'prod', DEFAULT_SETTINGS);
    const lambda = plan.permissions.filter((p) => p.actions.some((a) => a.startsWith('lambda:')));
    expect(lambda).toEqual([{ actions: ['lambda:InvokeFunction'], resources: ['{{executor.arn}}'] }]);
    expect(plan.environment.CLOUD_TOOL_EXECUTOR_FUNCTION).toBe('{{executor.arn}}');
    expect(plan.timeout).toBe(29);
    // and no function of the route table runs CLIs, or may invoke the executor, but cloudTool.run
    // and the MCP endpoint (its cloud_tool and kubectl tools call runCloudTool: lib/mcp/tools.ts)
    const mcp = planFunction(routes.find((r) => r.id === 'mcp.endpoint')!, 'prod', DEFAULT_SETTINGS);
    expect(mcp.permissions.filter((p) => p.actions.some((a) => a.startsWith('lambda:')))).toEqual(lambda);
    for (const p of planRoutes(routes, 'prod', DEFAULT_SETTINGS)) {
      expect(p.capabilities, p.name).not.toContain('exec');
      if (p.name !== plan.name && p.name !== mcp.name) expect(p.permissions.flatMap((x) => x.actions).filter((a) => a.startsWith('lambda:')), p.name).toEqual([]);
    }
  });
});
