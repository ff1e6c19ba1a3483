import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { saveConnection } from '../../lib/connections/service.ts';
import { listAudit } from '../../lib/connections/repo.ts';
import { overrideCredentialSource } from '../../lib/commands/credentials.ts';
import { secret, SecretValue } from '../../lib/secret-value.ts';
import { SCALEWAY_FIXTURES as SCW } from '../../lib/connectors/scaleway/simulator.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * What a run can reach, by isolation alone (no argument rule involved): stand-in CLIs
 * (test/fixtures/fake-cli) that do what an attacker's flag would make a real CLI do (read a file,
 * open a port, leave a daemon) run in the local executor's sandbox. A canary variable in the
 * service's environment and a canary file in its data directory must never come back, in any
 * response or audit item; the service's ports must be unreachable; nothing a run leaves may be
 * there for the next one.
 */

const FAKE = resolve('test/fixtures/fake-cli');
const CANARY_ENV = 'canary-env-4f1e9b2c7d';
const CANARY_FILE = 'canary-file-8a3d6e0f1b';
const GCP_TOKEN = 'ya29.isolation-test-token-5c2e';

let rt: TestRuntime;
let binDir: string;
const texts: string[] = [];

async function tool(user: string, body: Record<string, unknown>) {
  const r = await rt.request('POST', '/api/cloud_tool', { user, body });
  texts.push(r.text);
  return r;
}

/** Run a command, confirming it when the policy asks. */
async function run(user: string, body: Record<string, unknown>) {
  const first = await tool(user, body);
  if (first.body?.requires_confirmation) return tool(user, { ...body, confirmation_id: first.body.confirmation_id });
  return first;
}

const out = (r: { body: any }) => (typeof r.body.output === 'string' ? r.body.output : JSON.stringify(r.body.output));

function hostProcessesWith(tag: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(tag) && readFileSync(`/proc/${e}/stat`, 'utf8').split(' ')[2] !== 'Z') found.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return found;
}

beforeAll(async () => {
  process.env.AURORA_ISOLATION_CANARY = CANARY_ENV;
  binDir = mkdtempSync(join(tmpdir(), 'fake-bin-'));
  for (const f of readdirSync(FAKE).filter((f) => !f.includes('.'))) symlinkSync(join(FAKE, f), join(binDir, f));
  rt = await startTestRuntime({ simulate: true, env: { CLOUD_TOOL_PATH: `${binDir}:${dirname(process.execPath)}`, CLOUD_TOOL_TIMEOUT_READ_MS: '8000' } });
  expect(rt.runtime.executor.isolation, `no sandbox here (${rt.runtime.executor.reason}); install bubblewrap`).toBe('namespaces');
  writeFileSync(join(rt.dataDir, 'canary.txt'), CANARY_FILE);
  overrideCredentialSource('gcp', async () => new SecretValue({ token: GCP_TOKEN }));
  for (const u of ['alice', 'bob']) await saveConnection(deps(), { userId: u, provider: 'gcp', accountId: `${u}@example.com`, accountName: u, metadata: {} });
  // a stored secret, so the local store's key and an encrypted secret file exist in the data dir
  expect((await rt.request('POST', '/scaleway_api/scaleway/connect', { user: 'alice', body: { access_key: SCW.validKey.accessKey, secret_key: SCW.validKey.secretKey } })).status).toBe(200);
  await saveConnection(deps(), { userId: 'carol', provider: 'gcp', accountId: 'carol@example.com', accountName: 'carol', metadata: {}, secret: secret({ refresh_token: `1//canary-${CANARY_FILE}` }) });
});

afterAll(async () => {
  overrideCredentialSource('gcp', undefined);
  delete process.env.AURORA_ISOLATION_CANARY;
  // nothing of the service in any response or audit item of this suite
  const audit = JSON.stringify([...(await listAudit(deps().db, 'alice')), ...(await listAudit(deps().db, 'bob'))]);
  for (const t of [...texts, audit]) {
    expect(t).not.toContain(CANARY_ENV);
    expect(t).not.toContain(CANARY_FILE);
  }
  await rt.close();
  rmSync(binDir, { recursive: true, force: true });
});

describe("the service's files, environment and processes are not there", () => {
  const secretsDir = () => join(rt.dataDir, 'secrets');

  it('file-reading flags find neither the data directory, its key and secret files, the repository nor the service HOME (Ask and Agent, with and without confirmation)', async () => {
    const secretFiles = readdirSync(secretsDir());
    expect(secretFiles).toContain('.key');
    const paths = [
      join(rt.dataDir, 'canary.txt'),
      join(secretsDir(), '.key'),
      ...secretFiles.filter((f) => f !== '.key').map((f) => join(secretsDir(), f)),
      resolve('package.json'),
      join(homedir(), '.bash_history'),
      `/proc/${process.pid}/environ`,
      `/proc/${process.pid}/cmdline`,
    ];
    for (const path of paths) {
      // a read in Ask mode, and a destructive command confirmed in Agent mode, carrying the same read
      const ask = await run('alice', { provider: 'gcp', mode: 'ask', command: `gcloud compute instances list --format=__fake_read=${path}__` });
      const agent = await run('alice', { provider: 'gcp', mode: 'agent', command: `gcloud compute instances delete vm-1 --zone=__fake_read=${path}__` });
      for (const r of [ask, agent]) {
        expect(r.status, path).toBe(200);
        expect(r.body.return_code, path).toBe(1);
        expect(r.body.stderr).toMatch(/^cannot read .*: ENOENT\n$/);
      }
      expect(agent.body.classification).toBe('destructive');
    }
  });

  it("/proc shows the run's own processes only, and no process's environment holds the service's", async () => {
    const r = await run('alice', { provider: 'gcp', command: 'gcloud compute instances list --format=__fake_look=nothing__' });
    expect(r.status).toBe(200);
    const procs = r.body.output.processes as Array<{ pid: number; cmd: string }>;
    // bubblewrap's reaper, the sandbox init and the CLI itself: nothing else
    expect(procs.length).toBeLessThanOrEqual(3);
    expect(procs.map((p) => p.pid).every((pid) => pid < 10)).toBe(true);
    expect(procs.some((p) => p.cmd.includes('vitest'))).toBe(false);
    for (const pid of procs.map((p) => p.pid)) {
      const env = await run('alice', { provider: 'gcp', command: `gcloud compute instances list --format=__fake_read=/proc/${pid}/environ__` });
      expect(out(env)).not.toContain('AURORA_ISOLATION_CANARY');
    }
    const self = await run('alice', { provider: 'gcp', command: 'gcloud compute instances list --format=__fake_read=/proc/self/environ__' });
    expect(out(self)).toContain('CLOUDSDK_AUTH_ACCESS_TOKEN=[redacted]');
    expect(out(self)).not.toContain('DYNAMODB_ENDPOINT');
    expect(out(self)).not.toContain('AURORA_DATA_DIR');
  });
});

describe("this machine's kernel settings", () => {
  it('are read-only in a run: kernel.core_pattern, vm sysctls, PSI triggers', async () => {
    for (const path of ['/proc/sys/kernel/core_pattern', '/proc/sys/vm/swappiness', '/proc/sys/fs/binfmt_misc/status', '/proc/pressure/cpu']) {
      const r = await run('alice', { provider: 'gcp', command: `gcloud compute instances list --format=__fake_rewrite=${path}__` });
      expect(r.status).toBe(200);
      expect(r.body.output.written, path).toBe(false);
      expect(['EROFS', 'EACCES', 'EPERM', 'ENOENT']).toContain(r.body.output.error);
    }
  });
});

describe('network', () => {
  const port = (url: string) => Number(new URL(url).port);

  it("a CLI that dials the embedded DynamoDB's or the gateway's port directly reaches nothing", async () => {
    const dynamo = port(process.env.DYNAMODB_ENDPOINT!);
    for (const p of [dynamo, rt.runtime.gateway.port]) {
      const r = await run('alice', { provider: 'gcp', command: `gcloud compute instances list --format=__fake_connect=${p}__` });
      expect(r.status).toBe(200);
      expect(r.body.output).toEqual({ port: p, connected: false, error: 'ECONNREFUSED' });
    }
  });

  it('the simulated clouds are reachable on their own ports, and only they', async () => {
    const sim = port(rt.runtime.simulators.find((s) => s.name === 'tailscale')!.env.TAILSCALE_API_URL);
    const r = await run('alice', { provider: 'gcp', command: `gcloud compute instances list --format=__fake_connect=${sim}__` });
    expect(r.body.output).toEqual({ port: sim, connected: true });
  });

  it('the HTTPS proxy, the only way out, refuses loopback, private and metadata addresses', async () => {
    const dynamo = port(process.env.DYNAMODB_ENDPOINT!);
    for (const target of [`127.0.0.1:${rt.runtime.gateway.port}`, `localhost:${dynamo}`, '169.254.169.254:80', '10.0.0.1:443', '[::1]:443', '100.100.100.100:443']) {
      const r = await run('alice', { provider: 'gcp', command: `gcloud compute instances list '--format=__fake_proxy=${target}__'` });
      expect(r.body.output, target).toEqual({ target, status_line: 'HTTP/1.1 403 Forbidden' });
    }
  });
});

describe('no state survives a run', () => {
  it('a daemonised grandchild (own session, ignoring SIGTERM) and files in /tmp and HOME are gone after the run, and the next run (another user) sees none of them', async () => {
    const tag = `leftover-${Date.now().toString(36)}`;
    const left = await run('alice', { provider: 'gcp', mode: 'agent', command: `gcloud compute instances list --format=__fake_daemon=${tag}__` });
    expect(left.status).toBe(200);
    expect(left.body.output.daemon_pid).toBeGreaterThan(0);
    // gone from this machine: the process, and any file (the run's /tmp was its own tmpfs)
    expect(hostProcessesWith(tag).map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8'))).toEqual([]);
    expect(readdirSync('/tmp').filter((f) => f.includes(tag))).toEqual([]);
    const audit = (await listAudit(deps().db, 'alice')).filter((a) => a.action === 'cloud_tool.run').pop()!;
    expect(audit.detail).toMatchObject({ outcome: 'completed', survivorsKilled: 1 });

    for (const user of ['bob', 'alice']) {
      const look = await run(user, { provider: 'gcp', command: `gcloud compute instances list --format=__fake_look=${tag}__` });
      expect(look.status).toBe(200);
      expect(look.body.output.tagged_processes).toBe(0);
      expect(look.body.output.tagged_files).toEqual([]);
      // the run's /tmp is empty but for the CLI directories of CLOUD_TOOL_PATH that lie under /tmp
      // (bound read-only): this suite's, and node's when the repository itself was cloned there
      const boundUnderTmp = [binDir, dirname(process.execPath)].filter((d) => d.startsWith('/tmp/')).map((d) => d.split('/')[2]);
      expect([...look.body.output.tmp_files].sort()).toEqual([...new Set(boundUnderTmp)].sort());
    }
  });
});
