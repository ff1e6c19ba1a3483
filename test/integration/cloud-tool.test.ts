import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps, resetDeps, type Deps } from '../../lib/deps.ts';
import { saveConnection, setProviderPreference } from '../../lib/connections/service.ts';
import { listAudit } from '../../lib/connections/repo.ts';
import { overrideCredentialSource } from '../../lib/commands/credentials.ts';
import { secret, SecretValue } from '../../lib/secret-value.ts';
import { SCALEWAY_FIXTURES as SCW } from '../../lib/connectors/scaleway/simulator.ts';
import { TAILSCALE_FIXTURES as TS, type TailscaleSimulator } from '../../lib/connectors/tailscale/simulator.ts';
import { isGoogleSimulator, type GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { OVH_FIXTURES as OVH, type OvhSimulator } from '../../lib/connectors/ovh/simulator.ts';
import { resetConfig } from '../../lib/config.ts';
import { AWS_SIM, type AwsSimulator } from '../../lib/connectors/aws/simulator.ts';
import { AZURE_SIM } from '../../lib/connectors/azure/simulator.ts';
import type { ProviderId } from '../../lib/connectors/generated/ids.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * cloud_tool over real HTTP, running the fake CLIs of test/fixtures/fake-cli (they print their
 * argv, the NAMES of their variables with a hash of each value, and facts about HOME) in the local
 * executor's sandboxes (executor/sandbox.ts). The real CLIs get their own suite
 * (cloud-tool-real-cli.test.ts).
 *
 * Where the credentials come from: one user per provider connects through the provider's real
 * routes against its simulator (GCP OAuth + setup, AWS onboarding + auth, Azure login, Scaleway,
 * Tailscale, OVH OAuth), and cloud_tool mints through the real adapters (service-account
 * impersonation, STS AssumeRole, the stored service principal, the stored key, OAuth tokens).
 * The other users (alice, bob, mallory) are seeded with saveConnection; for them GCP and AWS
 * credentials come from overrideCredentialSource (the registry's test seam), so that each test
 * can tell users, accounts and modes apart by the hash of what the CLI received.
 */

const FAKE = resolve('test/fixtures/fake-cli');
const h16 = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 16);

/** The service's own variables: none may reach a CLI, by name or by value. */
const SENTINELS: Record<string, string> = {
  VAULT_TOKEN: 'sentinel-vault-token-5b1f0c9e',
  AWS_ACCESS_KEY_ID: 'ASIASENTINELSERVICE0001',
  AWS_SECRET_ACCESS_KEY: 'sentinel-service-aws-secret-77aa',
  AWS_SESSION_TOKEN: 'sentinel-service-aws-session-88bb',
  GOOGLE_APPLICATION_CREDENTIALS: '/sentinel/service-account-key.json',
  AURORA_SENTINEL_SECRET: 'sentinel-own-secret-9d8c7b6a',
};

// The executor's own: the CLI directories, the run's HOME, and the HTTPS proxy that is the run's only way out.
const BASE = ['HOME', 'HTTPS_PROXY', 'LANG', 'LC_ALL', 'NO_COLOR', 'NO_PROXY', 'PATH', 'TERM', 'TMPDIR', 'TZ', 'https_proxy', 'no_proxy'];
/** In simulate mode the CLIs are pointed at the simulated clouds with their own endpoint settings. */
const GCP_ENDPOINTS = ['CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER', 'CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE'];
const SANDBOX_HOME = '/home/aurora';
const ENV_NAMES: Record<string, string[]> = {
  gcp: [...BASE, ...GCP_ENDPOINTS, 'BOTO_CONFIG', 'CLOUDSDK_AUTH_ACCESS_TOKEN', 'CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK', 'CLOUDSDK_CONFIG', 'CLOUDSDK_CORE_DISABLE_PROMPTS', 'CLOUDSDK_CORE_DISABLE_USAGE_REPORTING', 'KUBECONFIG'].sort(),
  aws: [...BASE, 'AWS_ACCESS_KEY_ID', 'AWS_CLI_AUTO_PROMPT', 'AWS_CONFIG_FILE', 'AWS_DEFAULT_REGION', 'AWS_EC2_METADATA_DISABLED', 'AWS_ENDPOINT_URL', 'AWS_PAGER', 'AWS_REGION', 'AWS_RETRY_MODE', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SHARED_CREDENTIALS_FILE', 'KUBECONFIG'].sort(),
  azure: [...BASE, 'AZURE_CONFIG_DIR', 'AZURE_CORE_COLLECT_TELEMETRY', 'AZURE_CORE_LOGIN_EXPERIENCE_V2', 'AZURE_CORE_NO_COLOR', 'AZURE_CORE_OUTPUT', 'AZURE_EXTENSION_USE_DYNAMIC_INSTALL', 'KUBECONFIG'].sort(),
  scaleway: [...BASE, 'SCW_ACCESS_KEY', 'SCW_API_URL', 'SCW_CONFIG_PATH', 'SCW_DEFAULT_ORGANIZATION_ID', 'SCW_DEFAULT_PROJECT_ID', 'SCW_SECRET_KEY'].sort(),
  ovh: [...BASE, 'OVH_ACCESS_TOKEN', 'OVH_ENDPOINT'].sort(),
};

// Short-lived credentials the test seam mints: distinct per user, account and mode.
const gcpToken = (user: string, ro: boolean) => `ya29.fake-${ro ? 'ro' : 'rw'}-${user}-4f1c2b7d9e`;
const awsKeys = (user: string, account: string, ro: boolean) => ({
  accessKeyId: `ASIA${h16(`${user}${account}${ro}`).toUpperCase()}`,
  secretAccessKey: `aws-secret-${ro ? 'ro' : 'rw'}-${user}-${account}-x9`,
  sessionToken: `aws-session-${ro ? 'ro' : 'rw'}-${user}-${account}-z8`,
  expiration: new Date(Date.now() + 3600_000).toISOString(),
});
const AZURE_SECRET = 'azure-client-secret-Qp7~vX2.mN4';
const AZURE_BAD_SECRET = 'reject-me';

const minted: string[] = [];
const runs: any[] = [];
let rt: TestRuntime;
let binDir: string;
let ts: TailscaleSimulator;
let google: GoogleSimulator;
let ovh: OvhSimulator;
let awsSim: AwsSimulator;
const saved: Record<string, string | undefined> = {};

/** Live processes of this machine whose argv holds `tag` (a zombie is dead: killed, not yet reaped). */
function hostProcessesWith(tag: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (!readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(tag)) continue;
      if (readFileSync(`/proc/${e}/stat`, 'utf8').split(' ')[2] !== 'Z') found.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return found;
}

async function tool(user: string, body: Record<string, unknown>) {
  const r = await rt.request('POST', '/api/cloud_tool', { user, body });
  if (r.status === 200 && r.body?.output?.fake) runs.push(r.body.output);
  return r;
}

/** Run with a provider's real adapter instead of the test seam, then put the seam back. */
async function withRealSource<T>(provider: 'gcp' | 'aws', fn: () => Promise<T>): Promise<T> {
  overrideCredentialSource(provider, undefined);
  try {
    return await fn();
  } finally {
    installSeam(provider);
  }
}

function installSeam(provider: 'gcp' | 'aws') {
  if (provider === 'gcp') {
    overrideCredentialSource('gcp', async ({ userId, readOnly }) => {
      minted.push(gcpToken(userId, readOnly));
      return new SecretValue({ token: gcpToken(userId, readOnly) });
    });
  } else {
    overrideCredentialSource('aws', async ({ userId, connection, readOnly }) => {
      const k = awsKeys(userId, connection.accountId, readOnly);
      minted.push(k.secretAccessKey, k.sessionToken);
      return new SecretValue(k);
    });
  }
}

/** OVH exists only behind its feature flag: on for one block (config.ts re-reads it), then off again. */
async function withOvh<T>(fn: () => Promise<T>): Promise<T> {
  process.env.FEATURE_FLAG_OVH_ENABLED = 'true';
  resetConfig();
  try {
    return await fn();
  } finally {
    delete process.env.FEATURE_FLAG_OVH_ENABLED;
    resetConfig();
  }
}

async function listAccounts(user: string): Promise<string[]> {
  const r = await rt.request('GET', '/api/user_connections', { user });
  return r.body.filter((c: any) => c.provider === 'gcp').map((c: any) => c.account_id);
}

async function seed(userId: string, provider: ProviderId, accountId: string, metadata: Record<string, string>, secretDoc?: Record<string, string>) {
  return saveConnection(deps(), { userId, provider, accountId, accountName: accountId, metadata, secret: secretDoc ? secret(secretDoc) : undefined });
}

beforeAll(async () => {
  for (const [k, v] of Object.entries(SENTINELS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  // The CLI path: every fake but bq (to see a missing CLI), and the node the fakes run under.
  binDir = mkdtempSync(join(tmpdir(), 'fake-bin-'));
  for (const f of readdirSync(FAKE).filter((f) => !f.includes('.') && f !== 'bq')) symlinkSync(join(FAKE, f), join(binDir, f));
  rt = await startTestRuntime({
    simulate: true,
    env: {
      CLOUD_TOOL_PATH: `${binDir}:${dirname(process.execPath)}`,
      CLOUD_TOOL_TIMEOUT_READ_MS: '5000',
      CLOUD_TOOL_TIMEOUT_WRITE_MS: '8000',
      CLOUD_TOOL_KILL_GRACE_MS: '300',
    },
  });
  ts = rt.runtime.simulators.find((s) => s.name === 'tailscale') as TailscaleSimulator;
  google = rt.runtime.simulators.find(isGoogleSimulator)!;
  ovh = rt.runtime.simulators.find((s) => s.name === 'ovh') as OvhSimulator;
  awsSim = rt.runtime.simulators.find((s) => s.name === 'aws') as AwsSimulator;
  // These tests are about what a sandboxed run sees; without bubblewrap there is no sandbox.
  expect(rt.runtime.executor.isolation, `the local executor has no sandbox here (${rt.runtime.executor.reason}); install bubblewrap`).toBe('namespaces');

  installSeam('gcp');
  installSeam('aws');

  for (const u of ['alice', 'bob']) {
    await seed(u, 'gcp', `${u}@example.com`, { email: `${u}@example.com` });
    await seed(u, 'aws', '111111111111', { role_arn: 'arn:aws:iam::111111111111:role/Aurora', region: 'eu-west-3' });
  }
  await seed('alice', 'aws', '222222222222', { role_arn: 'arn:aws:iam::222222222222:role/Aurora', region: 'us-east-2' });
  await seed('alice', 'azure', 'sub-0001', { tenant_id: 'tenant-0001', client_id: 'client-0001', subscription_id: 'sub-0001' }, { client_secret: AZURE_SECRET });
  await seed('mallory', 'azure', 'sub-0666', { tenant_id: 'tenant-0666', client_id: 'client-0666', subscription_id: 'sub-0666' }, { client_secret: AZURE_BAD_SECRET });
});

afterAll(async () => {
  overrideCredentialSource('gcp', undefined);
  overrideCredentialSource('aws', undefined);
  const secrets = [...Object.values(SENTINELS).filter((v) => !v.startsWith('/')), ...minted, AZURE_SECRET, SCW.validKey.secretKey, TS.client.clientSecret, ...ts.issuedTokens(), ...google.issuedSecrets(), ...ovh.issued(), ...Object.values(OVH.clients).map((c) => c.clientSecret), ...awsSim.control.issuedSecrets(), AWS_SIM.serviceSecretAccessKey, AZURE_SIM.clientSecret];
  expect(findLeaks([...rt.responses, ...rt.logs], secrets)).toEqual([]);
  await rt.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(binDir, { recursive: true, force: true });
});

describe('execution: argv, environment, HOME', () => {
  it('passes argv untouched with no shell: a quoted filter with | and quotes arrives as one argument', async () => {
    const r = await tool('alice', { provider: 'gcp', mode: 'agent', command: `gcloud compute instances list --filter="name~'web|api'" --format=json 'two words' "a&&b>c"` });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, provider: 'gcp', return_code: 0, classification: 'read', timed_out: false, truncated: false });
    expect(r.body.output.cli).toBe('gcloud');
    expect(r.body.output.argv).toEqual(['compute', 'instances', 'list', `--filter=name~'web|api'`, '--format=json', 'two words', 'a&&b>c']);
    expect(r.body.command).toBe(`gcloud compute instances list '--filter=name~'\\''web|api'\\''' --format=json 'two words' 'a&&b>c'`);
  });

  it("gives the CLI exactly its config variables and the calling user's credentials: nothing of the service, nothing of another user", async () => {
    const a = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud projects list' });
    const b = await tool('bob', { provider: 'gcp', mode: 'agent', command: 'gcloud projects list' });
    for (const [r, user] of [
      [a, 'alice'],
      [b, 'bob'],
    ] as const) {
      expect(r.status).toBe(200);
      expect(r.body.output.env_names).toEqual(ENV_NAMES.gcp);
      expect(r.body.output.env_hashes.CLOUDSDK_AUTH_ACCESS_TOKEN).toBe(h16(gcpToken(user, false)));
      expect(r.body.output.env_hashes.PATH).toBe(h16(`${binDir}:${dirname(process.execPath)}`));
      expect(r.body.output.home_files).toEqual(['.boto', '.config/gsutil/token.json']);
    }
    expect(a.body.output.env_hashes.CLOUDSDK_AUTH_ACCESS_TOKEN).not.toBe(b.body.output.env_hashes.CLOUDSDK_AUTH_ACCESS_TOKEN);
  });

  it('AWS: the STS session of the selected account, its region, no metadata fallback; the service keys never', async () => {
    const r = await tool('alice', { provider: 'aws', mode: 'agent', command: 'aws ec2 describe-instances --output json', selected_project_id: '222222222222' });
    expect(r.status).toBe(200);
    expect(r.body.account_id).toBe('222222222222');
    const o = r.body.output;
    expect(o.env_names).toEqual(ENV_NAMES.aws);
    const k = awsKeys('alice', '222222222222', false);
    expect(o.env_hashes.AWS_ACCESS_KEY_ID).toBe(h16(k.accessKeyId));
    expect(o.env_hashes.AWS_SECRET_ACCESS_KEY).toBe(h16(k.secretAccessKey));
    expect(o.env_hashes.AWS_SESSION_TOKEN).toBe(h16(k.sessionToken));
    expect(o.env_hashes.AWS_REGION).toBe(h16('us-east-2'));
    expect(o.env_hashes.AWS_EC2_METADATA_DISABLED).toBe(h16('true'));
    expect(o.env_hashes.AWS_PAGER).toBe(h16(''));
    expect(o.argv).toEqual(['ec2', 'describe-instances', '--output', 'json']);

    const other = await tool('alice', { provider: 'aws', mode: 'agent', command: 'aws s3 ls', selected_project_id: '333333333333' });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('connection_not_found');
    const bobs = await tool('bob', { provider: 'aws', mode: 'agent', command: 'aws s3 ls', selected_project_id: '222222222222' });
    expect(bobs.status).toBe(404);
  });

  it('a private HOME (0700, the working directory) holding only this run\'s credential files', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await tool('alice', { provider: 'gcp', command: 'gcloud config list' });
      expect(r.status).toBe(200);
      expect(r.body.output.home).toBe(SANDBOX_HOME);
      expect(r.body.output.home_exists).toBe(true);
      expect(r.body.output.home_mode).toBe('700');
      expect(r.body.output.cwd).toBe(SANDBOX_HOME);
      expect(r.body.output.home_files).toEqual(['.boto', '.config/gsutil/token.json']);
      expect(r.body.output.env_hashes.CLOUDSDK_CONFIG).toBe(h16(join(SANDBOX_HOME, '.config', 'gcloud')));
      expect(r.body.output.env_hashes.TMPDIR).toBe(h16(join(SANDBOX_HOME, 'tmp')));
    }
    // the sandbox HOME is a tmpfs of the run: nothing of it exists on this machine
    expect(existsSync(SANDBOX_HOME)).toBe(false);
  });

  it('GCP connected through the real OAuth flow and setup: a token minted by impersonating the read-only account in Ask mode, the full one in Agent mode', async () => {
    const flow = await connectGcp(rt.url, 'erin', { intervalMs: 20 });
    expect(flow.final?.state).toBe('SUCCESS');
    const conn = (await getConnection(deps().db, { userId: 'erin', provider: 'gcp', accountId: (await listAccounts('erin'))[0] }))!;
    const ro = String(conn.metadata.readonly_sa_email);
    const full = String(conn.metadata.full_sa_email);
    expect(ro).toMatch(/@/);
    await withRealSource('gcp', async () => {
      const run = async (mode: 'ask' | 'agent') => {
        const before = new Set(google.issuedSecrets());
        const r = await tool('erin', { provider: 'gcp', mode, command: 'gcloud compute instances list --format=json' });
        const issued = google.issuedSecrets().filter((t) => !before.has(t));
        return { r, issued };
      };
      for (const mode of ['ask', 'agent'] as const) {
        const { r, issued } = await run(mode);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.output.env_names).toEqual([...ENV_NAMES.gcp, 'CLOUDSDK_CORE_PROJECT'].sort());
        // a fresh service-account token, not the user's own OAuth token
        expect(issued.map(h16)).toContain(r.body.output.env_hashes.CLOUDSDK_AUTH_ACCESS_TOKEN);
        expect(conn.metadata.root_project ? h16(String(conn.metadata.root_project)) : r.body.output.env_hashes.CLOUDSDK_CORE_PROJECT).toBe(r.body.output.env_hashes.CLOUDSDK_CORE_PROJECT);
      }
      // Which account each mode impersonates: refuse one at Google, and only that mode fails.
      const local = (email: string) => new RegExp(email.split('@')[0]);
      google.fail({ path: local(ro), status: 403, times: 1 });
      expect((await run('ask')).r.status).toBeGreaterThanOrEqual(500);
      expect((await run('agent')).r.status).toBe(200);
      google.fail({ path: local(full), status: 403, times: 1 });
      expect((await run('agent')).r.status).toBeGreaterThanOrEqual(500);
      expect((await run('ask')).r.status).toBe(200);
    });
  });

  it('AWS connected through the real onboarding and auth routes: AssumeRole into the read-only role in Ask mode, the main role in Agent mode', async () => {
    const ext = (await rt.request('GET', '/aws/onboarding', { user: 'grace' })).body.external_id;
    const main = 'arn:aws:iam::444455556666:role/AuroraRole';
    const ro = 'arn:aws:iam::444455556666:role/AuroraReadOnly';
    expect((await rt.request('POST', '/aws/auth', { user: 'grace', body: { role_arn: main, read_only_role_arn: ro, external_id: ext, region: 'eu-central-1' } })).status).toBe(200);
    const single = 'arn:aws:iam::777788889999:role/AuroraRole';
    expect((await rt.request('POST', '/aws/auth', { user: 'grace', body: { role_arn: single, external_id: ext, region: 'eu-west-1' } })).status).toBe(200);
    await withRealSource('aws', async () => {
      const run = async (mode: 'ask' | 'agent', account: string) => {
        awsSim.control.calls.length = 0;
        const r = await tool('grace', { provider: 'aws', mode, command: 'aws ec2 describe-instances --output json', selected_project_id: account });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const assumed = awsSim.control.calls.filter((c) => c.action === 'AssumeRole');
        expect(assumed).toHaveLength(1);
        expect(assumed[0]).toMatchObject({ externalId: ext, sourceIdentity: 'grace', result: 'ok' });
        const o = r.body.output;
        expect(o.env_names).toEqual(ENV_NAMES.aws);
        expect(awsSim.control.issuedSecrets().map(h16)).toContain(o.env_hashes.AWS_SECRET_ACCESS_KEY);
        expect(awsSim.control.issuedSecrets().map(h16)).toContain(o.env_hashes.AWS_SESSION_TOKEN);
        return { call: assumed[0], o };
      };
      const ask = await run('ask', '444455556666');
      expect(ask.call.roleArn).toBe(ro);
      expect(ask.call.policyArns ?? []).toEqual([]);
      expect(ask.o.env_hashes.AWS_REGION).toBe(h16('eu-central-1'));
      const agent = await run('agent', '444455556666');
      expect(agent.call.roleArn).toBe(main);
      expect(agent.o.env_hashes.AWS_SECRET_ACCESS_KEY).not.toBe(ask.o.env_hashes.AWS_SECRET_ACCESS_KEY);
      // no read-only role: the main role narrowed by the ReadOnlyAccess session policy
      const narrowed = await run('ask', '777788889999');
      expect(narrowed.call.roleArn).toBe(single);
      expect(narrowed.call.policyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
      expect((await run('agent', '777788889999')).call.policyArns ?? []).toEqual([]);
      // the service's own keys (what the STS client signed with) never reach the CLI
      for (const o of [ask.o, agent.o, narrowed.o]) {
        expect(o.env_hashes.AWS_ACCESS_KEY_ID).not.toBe(h16(AWS_SIM.serviceAccessKeyId));
        expect(o.env_hashes.AWS_SECRET_ACCESS_KEY).not.toBe(h16(AWS_SIM.serviceSecretAccessKey));
      }
    });
  });

  it('Azure connected through the real login route: az logs in as that service principal', async () => {
    const sub = AZURE_SIM.subscriptions.production.subscriptionId;
    const login = await rt.request('POST', '/azure/login', { user: 'heidi', body: { tenant_id: AZURE_SIM.tenantId, client_id: AZURE_SIM.clientId, client_secret: AZURE_SIM.clientSecret, subscription_id: sub } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const r = await tool('heidi', { command: 'az group list', selected_project_id: sub });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.provider).toBe('azure');
    expect(r.body.output.az_login).toEqual({ service_principal: true, username: AZURE_SIM.clientId, tenant: AZURE_SIM.tenantId, password_hash: h16(AZURE_SIM.clientSecret), password_from_file: true });
    expect(r.body.output.argv).toEqual(['group', 'list', `--subscription=${sub}`]);
  });

  it('Azure: logs in as the service principal inside the run\'s own config dir, then runs scoped to the subscription', async () => {
    const r = await tool('alice', { provider: 'azure', mode: 'agent', command: 'az vm list', selected_project_id: 'sub-0001' });
    expect(r.status).toBe(200);
    const o = r.body.output;
    expect(o.argv).toEqual(['vm', 'list', '--subscription=sub-0001']);
    expect(o.env_names).toEqual(ENV_NAMES.azure);
    // the secret reached `az login` as a file in HOME (argv shows only its path)
    expect(o.az_login).toEqual({ service_principal: true, username: 'client-0001', tenant: 'tenant-0001', password_hash: h16(AZURE_SECRET), password_from_file: true });
    expect(o.env_hashes.AZURE_CONFIG_DIR).toBe(h16(join(SANDBOX_HOME, '.azure')));
    expect(o.home_files).toEqual(['.azure/aurora-service-principal-secret', '.azure/fake-login.json']);
  });

  it('Azure: a refused login is a clear 401 and nothing runs', async () => {
    const r = await tool('mallory', { provider: 'azure', mode: 'agent', command: 'az vm list' });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('cli_login_failed');
    expect(r.text).not.toContain('AADSTS');
  });

  it('Scaleway (connected through the real route and simulator): the stored key, the organisation and the selected project', async () => {
    const c = await rt.request('POST', '/scaleway_api/scaleway/connect', { user: 'carol', body: { access_key: SCW.validKey.accessKey, secret_key: SCW.validKey.secretKey } });
    expect(c.status).toBe(200);
    const r = await tool('carol', { command: 'scw instance server list', selected_project_id: SCW.projects[1].id });
    expect(r.status).toBe(200);
    expect(r.body.provider).toBe('scaleway');
    const o = r.body.output;
    expect(o.env_names).toEqual(ENV_NAMES.scaleway);
    expect(o.env_hashes.SCW_SECRET_KEY).toBe(h16(SCW.validKey.secretKey));
    expect(o.env_hashes.SCW_ACCESS_KEY).toBe(h16(SCW.validKey.accessKey));
    expect(o.env_hashes.SCW_DEFAULT_ORGANIZATION_ID).toBe(h16(SCW.organizationId));
    expect(o.env_hashes.SCW_DEFAULT_PROJECT_ID).toBe(h16(SCW.projects[1].id));
    expect(o.argv).toEqual(['instance', 'server', 'list']);
  });

  it('a secret value typed into a Scaleway command (data=…) reaches the CLI but never the audit', async () => {
    const typed = 'TypedScwSecretData-93c1f0a7';
    rt.addSecrets({ audit: [typed] });
    const command = `scw secret version create secret-id=11111111-1111-4111-8111-111111111111 data=${typed}`;
    const ask = await tool('carol', { command, mode: 'agent' });
    expect(ask.body.requires_confirmation).toBe(true);
    const r = await tool('carol', { command, mode: 'agent', confirmation_id: ask.body.confirmation_id });
    expect(r.status).toBe(200);
    expect(r.body.output.argv).toEqual(['secret', 'version', 'create', 'secret-id=11111111-1111-4111-8111-111111111111', `data=${typed}`]);
    const audit = JSON.stringify((await listAudit(deps().db, 'carol')).filter((a) => a.action === 'cloud_tool.run'));
    expect(audit).toContain('data=[redacted]');
    expect(audit).not.toContain(typed);
  });

  it('Tailscale (connected through the real route and simulator): commands are served from the Tailscale API with a fresh token, never by the CLI', async () => {
    const c = await rt.request('POST', '/tailscale_api/tailscale/connect', { user: 'dave', body: { client_id: TS.client.clientId, client_secret: TS.client.clientSecret } });
    expect(c.status).toBe(200);
    const before = ts.issuedTokens().length;
    ts.requests.length = 0;
    const r = await tool('dave', { command: 'tailscale devices list' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ success: true, provider: 'tailscale', classification: 'read', return_code: 0 });
    expect(r.body.output.devices.map((d: any) => d.hostname)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(ts.issuedTokens().length).toBeGreaterThan(before);
    expect(ts.requests).toContain('GET /api/v2/tailnet/-/devices');
    // the host's tailscaled commands do not exist here; the message names the real ones
    const host = await tool('dave', { command: 'tailscale status --json' });
    expect(host.status).toBe(400);
    expect(host.body.error.code).toBe('command_rejected');
    expect(host.body.error.message).toMatch(/tailscale CLI is never run/);
    expect(host.body.error.message).toMatch(/tailscale devices/);
  });

  it('OVH (connected through the real OAuth routes and simulator): the user\'s access token and region API, the project as --cloud-project', async () => {
    await withOvh(async () => {
      const init = await rt.request('POST', '/ovh_api/ovh/oauth2/initiate', { user: 'frank', body: { endpoint: 'ovh-eu' } });
      expect(init.status).toBe(200);
      const consent = await fetch(init.body.authorizationUrl, { redirect: 'manual' });
      const back = new URL(consent.headers.get('location')!);
      const cb = await rt.request('GET', `/ovh_api/ovh/oauth2/callback?${back.searchParams}`, { user: null });
      expect(new URL(cb.headers.get('location')!).searchParams.get('login')).toBe('ovh_success');
      const project = OVH.accounts.eu.projects[0];
      const r = await tool('frank', { command: 'ovhcloud cloud instance list --json', selected_project_id: project });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.provider).toBe('ovh');
      const o = r.body.output;
      expect(o.env_names).toEqual(ENV_NAMES.ovh);
      expect(ovh.issued().map(h16)).toContain(o.env_hashes.OVH_ACCESS_TOKEN);
      expect(o.env_hashes.OVH_ENDPOINT).toBe(h16(deps().config.ovh.regions['ovh-eu'].apiUrl));
      expect(o.argv).toEqual(['cloud', 'instance', 'list', '--json', `--cloud-project=${project}`]);
    });
  });

  it("never lets the service's own variables through, by name or by value", () => {
    expect(runs.length).toBeGreaterThan(8);
    const allowed = new Set([...Object.values(ENV_NAMES).flat(), 'CLOUDSDK_CORE_PROJECT']);
    // every value of the service's environment, but the CLI path and the API endpoints handed on on purpose
    const deliberate = /^(CLOUD_TOOL_PATH|SCALEWAY_API_URL|TAILSCALE_API_URL|OVH_(EU|CA|US)_API_URL|AURORA_AWS_CLI_ENDPOINT_URL|AURORA_AWS_STS_ENDPOINT|GCP_CRM_ROOT_URL)$/;
    const serviceValues = Object.entries(process.env).filter(([k, v]) => v && v.length >= 12 && !deliberate.test(k)).map(([, v]) => v!);
    expect(serviceValues).toContain(AWS_SIM.serviceSecretAccessKey);
    const sentinelHashes = new Set([...Object.values(SENTINELS), ...serviceValues].map(h16));
    for (const o of runs) {
      for (const name of o.env_names) expect(allowed, name).toContain(name);
      expect(o.env_names).not.toContain('VAULT_TOKEN');
      expect(o.env_names).not.toContain('AURORA_SENTINEL_SECRET');
      expect(o.env_names).not.toContain('GOOGLE_APPLICATION_CREDENTIALS');
      expect(o.env_names).not.toContain('TABLE_NAME');
      expect(o.env_names).not.toContain('DYNAMODB_ENDPOINT');
      expect(o.env_names).not.toContain('CLOUD_TOOL_PATH');
      for (const v of Object.values(o.env_hashes as Record<string, string>)) expect(sentinelHashes.has(v)).toBe(false);
    }
  });

  it('never returns a credential value it handed the CLI, even when the CLI prints it', async () => {
    const r = await tool('alice', { provider: 'aws', mode: 'agent', command: 'aws ec2 describe-instances --query __fake_echo_env=AWS_SECRET_ACCESS_KEY__', selected_project_id: '111111111111' });
    expect(r.status).toBe(200);
    expect(r.body.output).toBe('value of AWS_SECRET_ACCESS_KEY: [redacted]\n');
  });
});

describe('policy', () => {
  it('Ask mode (the default) refuses writes, destructive and sensitive commands', async () => {
    for (const command of ['gcloud compute instances create vm-9 --zone=europe-west1-b', 'gcloud compute instances delete vm-1 --zone=europe-west1-b']) {
      const r = await tool('alice', { provider: 'gcp', command });
      expect(r.status, command).toBe(403);
      expect(r.body.error.code).toBe('write_not_allowed_in_ask_mode');
      expect(r.body.error.message).toBe('Write operations not allowed in Ask mode');
    }
    const s = await tool('alice', { provider: 'aws', mode: 'ask', command: 'aws secretsmanager get-secret-value --secret-id prod/db' });
    expect(s.status).toBe(403);
    expect(s.body.error.message).toMatch(/^Write operations not allowed in Ask mode: only read commands run in Ask mode/);
    expect(s.body.classification).toBe('sensitive');
  });

  it('Ask mode runs reads with the read-only credentials; Agent mode with the full ones', async () => {
    const ask = await tool('alice', { provider: 'gcp', command: 'gcloud compute instances list' });
    expect(ask.status).toBe(200);
    expect(ask.body.output.env_hashes.CLOUDSDK_AUTH_ACCESS_TOKEN).toBe(h16(gcpToken('alice', true)));
    const agent = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud compute instances list' });
    expect(agent.body.output.env_hashes.CLOUDSDK_AUTH_ACCESS_TOKEN).toBe(h16(gcpToken('alice', false)));
    const awsAsk = await tool('alice', { provider: 'aws', mode: 'ask', command: 'aws s3 ls', selected_project_id: '111111111111' });
    expect(awsAsk.body.output.env_hashes.AWS_SECRET_ACCESS_KEY).toBe(h16(awsKeys('alice', '111111111111', true).secretAccessKey));
  });

  it('Agent mode runs writes directly', async () => {
    const r = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud compute instances create vm-9 --zone=europe-west1-b' });
    expect(r.status).toBe(200);
    expect(r.body.classification).toBe('write');
    expect(r.body.output.argv).toEqual(['compute', 'instances', 'create', 'vm-9', '--zone=europe-west1-b']);
  });

  it('rejects shell syntax and programs of another provider with the reason', async () => {
    const bad = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud compute instances list; rm -rf /' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('command_rejected');
    expect(bad.body.error.field).toBe('command');
    const sub = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud compute instances list --project=$(whoami)' });
    expect(sub.status).toBe(400);
    const other = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'aws s3 ls' });
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('command_rejected');
    const path = await tool('alice', { provider: 'gcp', mode: 'agent', command: '/usr/bin/gcloud projects list' });
    expect(path.status).toBe(400);
  });
});

describe('provider selection', () => {
  it('explicit, else preference order among providers that run the program, else first connected', async () => {
    await setProviderPreference(deps(), 'alice', ['aws', 'gcp']);
    const g = await tool('alice', { mode: 'agent', command: 'gcloud projects list' });
    expect(g.status).toBe(200);
    expect(g.body.provider).toBe('gcp');
    const k = await tool('alice', { mode: 'agent', command: 'kubectl get pods' });
    expect(k.status).toBe(200);
    expect(k.body.provider).toBe('aws');
    expect(k.body.output.env_names).toContain('AWS_SESSION_TOKEN');
    await setProviderPreference(deps(), 'alice', ['gcp', 'aws']);
    const k2 = await tool('alice', { mode: 'agent', command: 'kubectl get pods' });
    expect(k2.body.provider).toBe('gcp');
    expect(k2.body.output.env_names).toContain('CLOUDSDK_AUTH_ACCESS_TOKEN');
    expect(k2.body.output.env_names).not.toContain('AWS_SESSION_TOKEN');
  });

  it('a provider that is not connected, no provider at all, an unsupported one: clear 400s', async () => {
    const nc = await tool('bob', { provider: 'azure', command: 'az vm list' });
    expect(nc.status).toBe(400);
    expect(nc.body.error.code).toBe('provider_not_connected');
    expect(nc.body.action).toBe('CONNECT_REQUIRED');
    const implicit = await tool('bob', { command: 'az vm list' });
    expect(implicit.status).toBe(400);
    expect(implicit.body.error.message).toMatch(/Azure is not connected/);
    const none = await tool('nobody', { command: 'gcloud projects list' });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('provider_not_connected');
    const unsupported = await tool('alice', { provider: 'digitalocean', command: 'doctl compute droplet list' });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toMatchObject({ code: 'unsupported_provider', field: 'provider' });
    expect(unsupported.body.error.message).toMatch(/^Unsupported provider: digitalocean/);
    const ovh = await tool('alice', { provider: 'ovh', command: 'ovhcloud vps list' });
    expect(ovh.body.error.code).toBe('unsupported_provider');
  });

  it('validates the body, naming the field', async () => {
    expect((await tool('alice', { provider: 'gcp' })).body.error.field).toBe('command');
    expect((await tool('alice', { command: 'gcloud projects list', mode: 'yolo' })).body.error.field).toBe('mode');
    expect((await tool('alice', { command: 'gcloud projects list', selected_project_id: '--impersonate-service-account=x' })).body.error.field).toBe('selected_project_id');
    expect((await tool('alice', { command: 'gcloud projects list', confirmation_id: 'nope' })).body.error.field).toBe('confirmation_id');
    expect((await tool('alice', { command: 'gcloud projects list', shell: true })).body.error.field).toBe('shell');
    const camel = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud projects list', selectedProjectId: 'p-camel' });
    expect(camel.status).toBe(200);
    expect(camel.body.output.argv).toEqual(['projects', 'list', '--project=p-camel']);
  });
});

describe('selected_project_id', () => {
  it("is applied as the CLI's own flag, and a command naming another project is refused", async () => {
    const g = await tool('alice', { provider: 'gcp', command: 'gcloud compute instances list', selected_project_id: 'prod-123' });
    expect(g.body.output.argv).toEqual(['compute', 'instances', 'list', '--project=prod-123']);
    expect(g.body.command).toBe('gcloud compute instances list --project=prod-123');
    const same = await tool('alice', { provider: 'gcp', command: 'gcloud compute instances list --project prod-123', selected_project_id: 'prod-123' });
    expect(same.body.output.argv).toEqual(['compute', 'instances', 'list', '--project', 'prod-123']);
    const conflict = await tool('alice', { provider: 'gcp', command: 'gcloud compute instances list --project=other', selected_project_id: 'prod-123' });
    expect(conflict.status).toBe(400);
    expect(conflict.body.error).toMatchObject({ code: 'project_conflict', field: 'selected_project_id' });
  });
});

describe('confirmations', () => {
  const del = 'gcloud compute instances delete vm-1 --zone=europe-west1-b';

  afterEach(() => resetDeps(undefined));

  async function ask(user = 'alice', command = del, extra: Record<string, unknown> = {}) {
    const r = await tool(user, { provider: 'gcp', mode: 'agent', command, ...extra });
    expect(r.status).toBe(200);
    expect(r.body.requires_confirmation).toBe(true);
    return r.body;
  }

  it('destructive → confirmation bound to the exact command; confirming runs it once; a replay is refused', async () => {
    const auditBefore = (await listAudit(deps().db, 'alice')).filter((a) => a.action === 'cloud_tool.run').length;
    const t0 = Date.now();
    const c = await ask('alice', del, { selected_project_id: 'prod-123' });
    expect(c).toMatchObject({ requires_confirmation: true, provider: 'gcp', classification: 'destructive', command: `${del} --project=prod-123` });
    expect(c.confirmation_id).toMatch(/^conf_/);
    expect(typeof c.reason).toBe('string');
    const exp = Date.parse(c.expires_at);
    expect(exp).toBeGreaterThanOrEqual(t0 + 299_000);
    expect(exp).toBeLessThanOrEqual(Date.now() + 301_000);
    // nothing ran yet
    expect((await listAudit(deps().db, 'alice')).filter((a) => a.action === 'cloud_tool.run').length).toBe(auditBefore);

    const ok = await tool('alice', { provider: 'gcp', mode: 'agent', command: del, selected_project_id: 'prod-123', confirmation_id: c.confirmation_id });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, classification: 'destructive' });
    expect(ok.body.output.argv).toEqual(['compute', 'instances', 'delete', 'vm-1', '--zone=europe-west1-b', '--project=prod-123']);

    const replay = await tool('alice', { provider: 'gcp', mode: 'agent', command: del, selected_project_id: 'prod-123', confirmation_id: c.confirmation_id });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('confirmation_used');
  });

  it('is refused for a different command, project or provider, and stays usable for its own', async () => {
    const c = await ask();
    const other = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud compute instances delete vm-2 --zone=europe-west1-b', confirmation_id: c.confirmation_id });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('confirmation_mismatch');
    const project = await tool('alice', { provider: 'gcp', mode: 'agent', command: del, selected_project_id: 'elsewhere', confirmation_id: c.confirmation_id });
    expect(project.body.error.code).toBe('confirmation_mismatch');
    const own = await tool('alice', { provider: 'gcp', mode: 'agent', command: del, confirmation_id: c.confirmation_id });
    expect(own.status).toBe(200);
  });

  it("another user's confirmation id is not found (404), and not spent", async () => {
    const c = await ask('alice');
    const r = await tool('bob', { provider: 'gcp', mode: 'agent', command: del, confirmation_id: c.confirmation_id });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('confirmation_not_found');
    const cancel = await rt.request('POST', `/api/cloud_tool/confirmations/${c.confirmation_id}/cancel`, { user: 'bob' });
    expect(cancel.status).toBe(404);
    expect((await tool('alice', { provider: 'gcp', mode: 'agent', command: del, confirmation_id: c.confirmation_id })).status).toBe(200);
  });

  it('expires after five minutes (checked by the code, not by TTL)', async () => {
    const c = await ask();
    const real = deps();
    const later = (ms: number): Deps => ({
      get config() {
        return real.config;
      },
      get db() {
        return real.db;
      },
      get secrets() {
        return real.secrets;
      },
      now: () => Date.now() + ms,
    });
    resetDeps(later(299_000));
    // still valid just before expiry: a mismatch is reported, not expiry
    expect((await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud compute instances delete vm-3 --zone=europe-west1-b', confirmation_id: c.confirmation_id })).body.error.code).toBe('confirmation_mismatch');
    resetDeps(later(301_000));
    const r = await tool('alice', { provider: 'gcp', mode: 'agent', command: del, confirmation_id: c.confirmation_id });
    expect(r.status).toBe(410);
    expect(r.body.error.code).toBe('confirmation_expired');
  });

  it('can be cancelled by its owner; a cancelled one cannot be used', async () => {
    const c = await ask();
    const x = await rt.request('POST', `/api/cloud_tool/confirmations/${c.confirmation_id}/cancel`, { user: 'alice' });
    expect(x.status).toBe(200);
    expect(x.body).toEqual({ status: 'cancelled' });
    expect((await rt.request('POST', `/api/cloud_tool/confirmations/${c.confirmation_id}/cancel`, { user: 'alice' })).status).toBe(200);
    const r = await tool('alice', { provider: 'gcp', mode: 'agent', command: del, confirmation_id: c.confirmation_id });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('confirmation_cancelled');
    expect((await rt.request('POST', '/api/cloud_tool/confirmations/conf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/cancel', { user: 'alice' })).status).toBe(404);
    expect((await rt.request('POST', '/api/cloud_tool/confirmations/not-an-id/cancel', { user: 'alice' })).status).toBe(400);
  });

  it('a used confirmation cannot be cancelled', async () => {
    const c = await ask();
    expect((await tool('alice', { provider: 'gcp', mode: 'agent', command: del, confirmation_id: c.confirmation_id })).status).toBe(200);
    const x = await rt.request('POST', `/api/cloud_tool/confirmations/${c.confirmation_id}/cancel`, { user: 'alice' });
    expect(x.status).toBe(409);
    expect(x.body.error.code).toBe('confirmation_used');
  });

  it('two concurrent uses: exactly one runs', async () => {
    const c = await ask();
    const both = await Promise.all([1, 2].map(() => tool('alice', { provider: 'gcp', mode: 'agent', command: del, confirmation_id: c.confirmation_id })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('sensitive and unknown commands need one too; Ask mode refuses them even with one', async () => {
    const s = await tool('alice', { provider: 'aws', mode: 'agent', command: 'aws secretsmanager get-secret-value --secret-id prod/db', selected_project_id: '111111111111' });
    expect(s.body).toMatchObject({ requires_confirmation: true, classification: 'sensitive', account_id: '111111111111' });
    const u = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud compute instances frobnicate vm-1' });
    expect(u.body).toMatchObject({ requires_confirmation: true, classification: 'unknown' });
    const c = await ask();
    const r = await tool('alice', { provider: 'gcp', mode: 'ask', command: del, confirmation_id: c.confirmation_id });
    expect(r.status).toBe(403);
  });
});

describe('limits', () => {
  it('a command that outlives its timeout is stopped with everything it started', async () => {
    const t0 = Date.now();
    const tag = `hang-${Date.now()}`;
    const r = await tool('alice', { provider: 'gcp', mode: 'agent', command: `kubectl get pods --selector=__fake_hang=${tag}__` });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: false, timed_out: true, return_code: 124, classification: 'read' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5000);
    expect(r.body.output).toMatch(/\[command stopped: it ran longer than 5 s, the limit for read commands\]$/);
    // the CLI ignored SIGTERM and its grandchild too: the sandbox went down with both in it
    expect(JSON.parse(r.body.output.split('\n')[0]).grandchild_pid).toBeGreaterThan(0);
    expect(hostProcessesWith(tag)).toEqual([]);
  });

  it('output over 50,000 characters is cut with a note', async () => {
    const r = await tool('alice', { provider: 'gcp', command: 'gcloud compute instances list --format=__fake_big__' });
    expect(r.status).toBe(200);
    expect(r.body.truncated).toBe(true);
    expect(r.body.output.startsWith('x'.repeat(99) + '\n')).toBe(true);
    expect(r.body.output).toMatch(/\n\[output truncated: showing the first 50000 of 120000 characters\]$/);
    expect(r.body.output.length).toBeLessThan(50100);
  });

  it('ANSI escapes and NUL bytes are stripped; text output stays text', async () => {
    const r = await tool('alice', { provider: 'gcp', command: 'gcloud compute instances list --format=__fake_ansi__' });
    expect(r.body.output).toBe('red plain nul\ndone\n');
  });

  it('a failing command reports its exit status and stderr', async () => {
    const r = await tool('alice', { provider: 'gcp', command: 'gcloud compute instances list --format=__fake_exit=3__' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: false, return_code: 3 });
    expect(r.body.output.fake).toBe(true);
    expect(r.body.stderr).toBe('ERROR: gcloud failed on purpose\n');
  });

  it('a CLI that is not installed is named', async () => {
    const r = await tool('alice', { provider: 'gcp', command: 'bq ls' });
    expect(r.status).toBe(501);
    expect(r.body.error).toMatchObject({ code: 'cli_not_installed', message: 'bq is not installed on this runtime' });
  });
});

describe('audit', () => {
  it('records every run: who, provider, account, argv, class and why, who approved, outcome, exit status, duration, output hash; never output or secrets', async () => {
    const items = (await listAudit(deps().db, 'alice')).filter((a) => a.action === 'cloud_tool.run');
    expect(items.length).toBeGreaterThan(10);
    for (const a of items) {
      expect(a.userId).toBe('alice');
      expect(['gcp', 'aws', 'azure']).toContain(a.provider);
      expect(typeof a.accountId).toBe('string');
      const d = a.detail!;
      expect(Object.keys(d)).toEqual(expect.arrayContaining(['argv', 'classification', 'reason', 'mode', 'approvedBy', 'outcome', 'exitCode', 'timedOut', 'durationMs']));
      expect(Array.isArray(d.argv)).toBe(true);
      expect(typeof d.reason).toBe('string');
      if (d.outcome === 'completed') {
        expect(d.outputSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(d.isolation).toBe('namespaces');
      }
    }
    const timedOut = items.find((a) => a.detail!.timedOut);
    expect(timedOut?.detail).toMatchObject({ exitCode: 124, classification: 'read', approvedBy: null, outcome: 'completed' });
    expect(String((timedOut?.detail!.argv as string[])[3])).toMatch(/^--selector=__fake_hang=hang-\d+__$/);
    const deleted = items.find((a) => a.detail!.classification === 'destructive');
    expect(deleted?.detail).toMatchObject({ approvedBy: 'alice', outcome: 'completed' });
    expect(deleted?.detail!.confirmationId).toMatch(/^conf_/);
    // the hash is of exactly what the CLI printed
    const run = await tool('alice', { provider: 'gcp', mode: 'agent', command: 'gcloud compute instances list --format=__fake_text__' });
    const latest = (await listAudit(deps().db, 'alice')).filter((a) => a.action === 'cloud_tool.run').pop()!;
    expect(latest.detail!.outputSha256).toBe(createHash('sha256').update(run.body.output).digest('hex'));
    const text = JSON.stringify(items);
    expect(text).not.toContain('"fake":true');
    expect(findLeaks([text], [...minted, AZURE_SECRET])).toEqual([]);
  });
});


