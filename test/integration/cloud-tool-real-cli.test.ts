import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { listAudit } from '../../lib/connections/repo.ts';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import { execute } from '../../lib/commands/execute.ts';
import type { ExecRequest } from '../../executor/contract.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * The attacks of issue 9, with the real aws, gcloud and kubectl CLIs of this machine, over HTTP
 * through the local runtime in simulate mode, in Ask and Agent mode, with and without
 * confirmation. They must hold by isolation alone: where an argument rule refuses a command
 * (400 command_rejected) nothing ran, and where it runs, it runs in the executor's sandbox and
 * gets nothing of the service. The same attacks also go straight to the executor, past every
 * rule, to show the sandbox alone holds. A canary variable in the service's environment and a
 * canary file in its data directory never appear in a response or an audit item.
 */

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      /* not here */
    }
  }
  return null;
}

const CLIS = { aws: onPath('aws'), gcloud: onPath('gcloud'), kubectl: onPath('kubectl') };
for (const [name, file] of Object.entries(CLIS)) if (!file) console.warn(`cloud-tool-real-cli: skipping the ${name} tests: the real ${name} CLI is not installed here`);
const has = (name: keyof typeof CLIS) => CLIS[name] !== null;

const CANARY_ENV = 'canary-real-env-91c4d7e2';
const CANARY_FILE = 'canary-real-file-3e8b5a60';
const ACCOUNT = '123456789012';
/** values users type into secret-bearing commands; never in an audit item (the hardening leak scan checks too) */
const TYPED_SECRETS = ['TypedSsmValue-5f2a9c81d3', 'TypedLiteralPassword-7b3e0d16', 'TypedAwsSecretKey-c4a1e9f02b'];

let rt: TestRuntime;
let work: string;
const texts: string[] = [];

async function tool(user: string, body: Record<string, unknown>) {
  const r = await rt.request('POST', '/api/cloud_tool', { user, body });
  texts.push(r.text);
  return r;
}

/** Run as the user would: confirm when asked (Agent mode), and report what came back. */
async function attempt(user: string, body: { provider: string; command: string; mode: 'ask' | 'agent' }) {
  const first = await tool(user, body);
  if (first.body?.requires_confirmation) {
    const confirmed = await tool(user, { ...body, confirmation_id: first.body.confirmation_id });
    return { ...confirmed, confirmed: true };
  }
  return { ...first, confirmed: false };
}

/** Refused by a rule or the policy (nothing ran), or ran and failed to read what it was pointed at. */
function nothingLeaked(r: { status: number; text: string; body: any }, label: string) {
  expect([200, 400, 403], `${label}: ${r.text.slice(0, 300)}`).toContain(r.status);
  if (r.status === 400) expect(r.body.error.code, label).toBe('command_rejected');
  if (r.status === 403) expect(r.body.error.code, label).toBe('write_not_allowed_in_ask_mode');
  expect(r.text, label).not.toContain(CANARY_ENV);
  expect(r.text, label).not.toContain(CANARY_FILE);
}

beforeAll(async () => {
  process.env.AURORA_REAL_CLI_CANARY = CANARY_ENV;
  work = mkdtempSync(join(tmpdir(), 'real-cli-'));
  const path = [...new Set(Object.values(CLIS).filter((f): f is string => !!f).map((f) => dirname(f))), '/usr/bin', '/bin'].join(':');
  rt = await startTestRuntime({
    simulate: true,
    env: { CLOUD_TOOL_PATH: path, CLOUD_TOOL_TIMEOUT_READ_MS: '25000', CLOUD_TOOL_TIMEOUT_WRITE_MS: '25000', GCP_LOCAL_WAIT_MS: '5', GCP_LOCAL_RETRY_MS: '5', GCP_ENABLE_POLL_INTERVAL_MS: '10' },
  });
  expect(rt.runtime.executor.isolation, `no sandbox here (${rt.runtime.executor.reason}); install bubblewrap`).toBe('namespaces');
  writeFileSync(join(rt.dataDir, 'canary.txt'), CANARY_FILE);
  // two users with AWS accounts, one with GCP, all through the real routes against the simulators
  for (const user of ['ana', 'ben']) {
    const ext = (await rt.request('GET', '/aws/onboarding', { user })).body.external_id;
    const auth = await rt.request('POST', '/aws/auth', { user, body: { role_arn: `arn:aws:iam::${user === 'ana' ? ACCOUNT : '210987654321'}:role/AuroraRole`, external_id: ext } });
    expect(auth.status, auth.text).toBe(200);
  }
  expect((await connectGcp(rt.url, 'ana', { intervalMs: 20 })).final?.state).toBe('SUCCESS');
}, 60_000);

afterAll(async () => {
  delete process.env.AURORA_REAL_CLI_CANARY;
  const audit = JSON.stringify([...(await listAudit(deps().db, 'ana')), ...(await listAudit(deps().db, 'ben'))]);
  for (const t of [...texts, audit]) {
    expect(t).not.toContain(CANARY_ENV);
    expect(t).not.toContain(CANARY_FILE);
  }
  rt.addSecrets({ audit: TYPED_SECRETS });
  await rt.close();
  rmSync(work, { recursive: true, force: true });
});

describe.concurrent('real CLIs reach the simulated clouds with only the minted credentials', () => {
  it.skipIf(!has('aws'))('aws sts get-caller-identity is the assumed role of the connected account', async () => {
    const r = await tool('ana', { provider: 'aws', mode: 'ask', command: 'aws sts get-caller-identity' });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ success: true, classification: 'read', account_id: ACCOUNT });
    expect(r.body.output.Account).toBe(ACCOUNT);
    expect(r.body.output.Arn).toMatch(new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/AuroraRole/`));
  });

  it.skipIf(!has('aws'))('aws ec2 describe-instances and aws s3 ls read that account', async () => {
    const ec2 = await tool('ana', { provider: 'aws', mode: 'ask', command: 'aws ec2 describe-instances --output json' });
    expect(ec2.status, ec2.text).toBe(200);
    expect(ec2.body.output.Reservations.map((r: any) => r.OwnerId)).toEqual([ACCOUNT, ACCOUNT]);
    const s3 = await tool('ana', { provider: 'aws', mode: 'ask', command: 'aws s3 ls' });
    expect(s3.body.output).toMatch(new RegExp(`aurora-sim-${ACCOUNT}-logs`));
  });

  it.skipIf(!has('gcloud'))("gcloud projects list returns the user's projects", async () => {
    const r = await tool('ana', { provider: 'gcp', mode: 'ask', command: 'gcloud projects list --format=json' });
    expect(r.status, r.text).toBe(200);
    const mine = (await rt.request('GET', '/api/gcp/projects', { user: 'ana' })).body.projects.filter((p: any) => p.billing_enabled).map((p: any) => p.project_id);
    expect(r.body.output.map((p: any) => p.projectId).sort()).toEqual(mine.sort());
    expect(mine.length).toBeGreaterThan(0);
    const vms = await tool('ana', { provider: 'gcp', mode: 'ask', command: 'gcloud compute instances list --format=json' });
    expect(vms.status, vms.text).toBe(200);
    expect(vms.body.output.map((i: any) => i.name)).toEqual(['web-1', 'db-1']);
  });
});

describe.concurrent('the attacks of issue 9 get nothing of the service', () => {
  const pid = () => process.pid;
  const secretFiles = () => readdirSync(join(rt.dataDir, 'secrets')).filter((f) => f !== '.key');

  it.skipIf(!has('aws'))('Ask mode: --cli-input-json file:// and fileb:// of the service environ, the store key, a secret file, a canary file', async () => {
    const targets = [`file:///proc/${pid()}/environ`, `fileb://${rt.dataDir}/secrets/.key`, `file://${rt.dataDir}/secrets/${secretFiles()[0]}`, `file://${rt.dataDir}/canary.txt`];
    expect(secretFiles().length).toBeGreaterThan(0);
    for (const t of targets) {
      const r = await attempt('ana', { provider: 'aws', mode: 'ask', command: `aws ec2 describe-instances --cli-input-json ${t}` });
      nothingLeaked(r, t);
      if (r.status === 200) expect(r.body.output, t).toMatch(/Unable to load paramfile .*No such file or directory/);
    }
  });

  it.skipIf(!has('gcloud'))('Agent mode: gcloud ai-platform / ml-engine local train runs Python in the sandbox, which sees none of the service', async () => {
    const probe = `import os;print('PIDS', [int(p) for p in os.listdir('/proc') if p.isdigit()]);print('DATA', os.path.exists(${JSON.stringify(rt.dataDir)}));print('ENV', open('/proc/1/environ').read().count('='))`;
    for (const group of ['ai-platform', 'ml-engine']) {
      const r = await attempt('ana', { provider: 'gcp', mode: 'agent', command: `gcloud ${group} local train --module-name=timeit --package-path=/tmp -- -n1 -r1 ${JSON.stringify(probe)}` });
      nothingLeaked(r, group);
      if (r.status === 200 && r.body.success) {
        expect(r.body.output).toMatch(/DATA False/);
        const pids = JSON.parse(/PIDS (\[[^\]]*\])/.exec(r.body.output)![1]) as number[];
        // the sandbox's own few processes, not this machine's
        expect(Math.max(...pids)).toBeLessThan(200);
        expect(pids).not.toContain(pid());
        expect(r.body.output).toMatch(/ENV 0/);
      }
    }
  });

  it.skipIf(!has('kubectl'))('Ask mode: kubectl kustomize --enable-helm --helm-command on a directory of this machine finds nothing', async () => {
    const dir = join(work, 'chart');
    mkdirSync(dir);
    writeFileSync(join(dir, 'kustomization.yaml'), 'helmCharts:\n- name: x\n  repo: https://charts.example.com\n  version: 1.0.0\n');
    for (const dirArg of [dir, rt.dataDir]) {
      const r = await attempt('ana', { provider: 'gcp', mode: 'ask', command: `kubectl kustomize ${dirArg} --enable-helm --helm-command=/usr/bin/id` });
      nothingLeaked(r, dirArg);
      if (r.status === 200) {
        expect(r.body.success).toBe(false);
        expect(r.body.output).toMatch(/no such file or directory/);
        expect(r.body.output).not.toMatch(/uid=/);
      }
    }
  });

  it.skipIf(!has('aws'))('Agent mode, confirmed: --endpoint-url at the embedded DynamoDB or the gateway reaches nothing', async () => {
    const dynamo = process.env.DYNAMODB_ENDPOINT!;
    for (const command of [`aws dynamodb scan --table-name ${deps().db.table} --endpoint-url ${dynamo}`, `aws sts get-caller-identity --endpoint-url ${rt.url}`]) {
      const r = await attempt('ana', { provider: 'aws', mode: 'agent', command });
      nothingLeaked(r, command);
      if (r.status === 200) {
        expect(r.body.success).toBe(false);
        expect(r.body.output).toMatch(/Could not connect to the endpoint URL/);
        // nothing of the table: no other user, no item keys
        expect(r.text).not.toContain('ben');
        expect(r.text).not.toContain('USER#');
      }
    }
  });

  it.skipIf(!has('gcloud') || !has('kubectl'))('Ask and Agent mode (confirmed): --flags-file and -f read nothing of the service', async () => {
    for (const [provider, command] of [
      ['gcp', `gcloud projects list --flags-file=/proc/${pid()}/environ`],
      ['gcp', `gcloud projects list --flags-file=${rt.dataDir}/canary.txt`],
      ['gcp', `kubectl get -f ${rt.dataDir}/canary.txt`],
    ] as const) {
      for (const mode of ['ask', 'agent'] as const) {
        const r = await attempt('ana', { provider, mode, command });
        nothingLeaked(r, `${mode}: ${command}`);
        if (r.status === 200) expect(r.body.success, command).toBe(false);
      }
    }
  });

  it.skipIf(!has('aws') || !has('kubectl'))('secret values typed into commands never reach the audit', async () => {
    const [ssm, literal, key] = TYPED_SECRETS;
    for (const [provider, command] of [
      ['aws', `aws ssm put-parameter --name /app/db --type SecureString --value ${ssm}`],
      ['gcp', `kubectl create secret generic db --from-literal=password=${literal}`],
      ['aws', `aws configure set aws_secret_access_key ${key}`],
    ] as const) {
      const r = await attempt('ana', { provider, mode: 'agent', command });
      expect([200, 400], command).toContain(r.status);
    }
    const audit = JSON.stringify(await listAudit(deps().db, 'ana'));
    for (const s of TYPED_SECRETS) expect(audit).not.toContain(s);
  });
});

describe.concurrent('the same attacks straight to the executor, past every argument rule: the sandbox alone holds', () => {
  let n = 0;
  const direct = async (argv: string[], o: Partial<ExecRequest> = {}) => {
    const r = await execute(deps(), { version: 1, runId: `run_direct_${++n}_${Date.now()}`, argv, env: { AWS_RETRY_MODE: 'standard', CLOUDSDK_CONFIG: '{HOME}/.config/gcloud', CLOUDSDK_CORE_DISABLE_PROMPTS: '1' }, files: [], prepare: [], timeoutMs: 25000, killGraceMs: 500, maxOutputBytes: 400000, ...o });
    if (r.status !== 'completed') throw new Error(`${argv.join(' ')}: ${JSON.stringify(r)}`);
    const text = r.stdout.text + r.stderr.text;
    texts.push(text);
    expect(text).not.toContain(CANARY_ENV);
    expect(text).not.toContain(CANARY_FILE);
    return { r, text };
  };

  it.skipIf(!has('aws'))('aws --cli-input-json file:// and fileb:// find no service environ, store key or secret file', async () => {
    const secret = readdirSync(join(rt.dataDir, 'secrets')).find((f) => f !== '.key')!;
    for (const target of [`file:///proc/${process.pid}/environ`, `fileb://${rt.dataDir}/secrets/.key`, `file://${rt.dataDir}/secrets/${secret}`, `file://${rt.dataDir}/canary.txt`]) {
      const { r, text } = await direct(['aws', 'ec2', 'describe-instances', '--cli-input-json', target]);
      expect(r.exitCode, target).toBe(255);
      expect(text, target).toMatch(/Unable to load paramfile .*No such file or directory/);
    }
  });

  it.skipIf(!has('gcloud'))('gcloud ai-platform local train runs Python as the sandbox user, which finds no service file, process or variable', async () => {
    const probe = `import os;print('PIDS', [int(p) for p in os.listdir('/proc') if p.isdigit()]);print('DATA', os.path.exists(${JSON.stringify(rt.dataDir)}));print('SERVICE', os.path.exists('/proc/${process.pid}/environ'));print('UID', os.getuid())`;
    const { r, text } = await direct(['gcloud', 'ai-platform', 'local', 'train', '--module-name=timeit', '--package-path=/tmp', '--', '-n1', '-r1', probe]);
    expect(r.exitCode, text).toBe(0);
    expect(text).toMatch(/DATA False/);
    expect(text).toMatch(/SERVICE False/);
    expect(text).toMatch(/UID 1000/);
    const pids = JSON.parse(/PIDS (\[[^\]]*\])/.exec(text)![1]) as number[];
    expect(Math.max(...pids)).toBeLessThan(200);
  });

  it.skipIf(!has('kubectl'))('kubectl kustomize --helm-command runs the binary it names, in the sandbox', async () => {
    const chart = { path: 'chart/kustomization.yaml', content: 'helmCharts:\n- name: x\n  repo: https://charts.example.com\n  version: 1.0.0\n' };
    const { text } = await direct(['kubectl', 'kustomize', '/home/aurora/chart', '--enable-helm', '--helm-command=/usr/bin/id'], { files: [chart] });
    // it ran (and refused kustomize's arguments): an arbitrary binary, with nothing to reach
    expect(text).toMatch(/\/usr\/bin\/id: invalid option/);
    const data = await direct(['kubectl', 'kustomize', rt.dataDir, '--enable-helm', '--helm-command=/usr/bin/id']);
    expect(data.text).toMatch(/no such file or directory/);
  });

  it.skipIf(!has('aws'))('aws --endpoint-url at the embedded DynamoDB or the gateway connects to nothing', async () => {
    for (const endpoint of [process.env.DYNAMODB_ENDPOINT!, rt.url]) {
      const { r, text } = await direct(['aws', 'dynamodb', 'scan', '--table-name', deps().db.table, '--endpoint-url', endpoint], { env: { AWS_RETRY_MODE: 'standard', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example-secret-example', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' } });
      expect(r.exitCode).not.toBe(0);
      expect(text, endpoint).toMatch(/Could not connect to the endpoint URL/);
      expect(text).not.toContain('USER#');
    }
  });
});
