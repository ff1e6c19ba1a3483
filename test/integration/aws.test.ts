import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { assumeForUser } from '../../lib/connectors/aws/adapter.ts';
import { awsOnboarding } from '../../lib/connectors/aws/service.ts';
import type { Deps } from '../../lib/deps.ts';
import { AWS_SIM, type AwsSimulator } from '../../lib/connectors/aws/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { resetConfig } from '../../lib/config.ts';

let rt: TestRuntime;
const sim = () => rt.runtime.simulators.find((s) => s.name === 'aws') as AwsSimulator;
/** External IDs our onboarding issued; the fixture roles trust exactly these (as customers would paste them). */
const trusted = new Set<string>();

const arn = (account: string, name = 'AuroraRole') => `arn:aws:iam::${account}:role/${name}`;

async function onboard(user: string): Promise<string> {
  const r = await rt.request('GET', '/aws/onboarding', { user });
  expect(r.status).toBe(200);
  trusted.add(r.body.external_id);
  // the tests below look at what connecting asks of STS, not at onboarding's own GetCallerIdentity
  sim().control.calls.length = 0;
  return r.body.external_id;
}

async function connect(user: string, body: Record<string, unknown>) {
  return rt.request('POST', '/aws/auth', { user, body });
}

beforeAll(async () => {
  // the default STS timeout; the tests about timeouts shorten it for themselves (shortStsTimeout)
  rt = await startTestRuntime({ simulate: true, env: { AURORA_AWS_STS_MAX_ATTEMPTS: '2' } });
});

/** A short STS timeout for one test (a held request then times out quickly), the default again after it. */
async function shortStsTimeout<T>(fn: () => Promise<T>): Promise<T> {
  process.env.AURORA_AWS_STS_TIMEOUT_MS = '300';
  resetConfig();
  try {
    return await fn();
  } finally {
    delete process.env.AURORA_AWS_STS_TIMEOUT_MS;
    resetConfig();
  }
}
afterAll(async () => {
  const secrets = [AWS_SIM.serviceSecretAccessKey, ...sim().control.issuedSecrets()];
  expect(sim().control.issuedSecrets().length).toBeGreaterThan(20);
  expect(findLeaks([...rt.responses, ...rt.logs], secrets)).toEqual([]);
  await rt.close();
});
beforeEach(() => {
  sim().control.reset();
  sim().control.trustedExternalIds = trusted;
});

describe('GET /aws/onboarding', () => {
  it('issues one External ID per user, stable across calls, with our account, trust policy and template', async () => {
    const a = await rt.request('GET', '/aws/onboarding', { user: 'onb-1' });
    expect(a.status).toBe(200);
    expect(a.body.external_id).toMatch(/^[0-9a-f]{48}$/);
    expect(a.body.aurora_account_id).toBe(AWS_SIM.serviceAccountId);
    expect(a.body.trust_policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${AWS_SIM.serviceAccountId}:root` },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          Condition: { StringEquals: { 'sts:ExternalId': a.body.external_id } },
        },
      ],
    });
    const t = a.body.cloudformation_template;
    expect(t.Parameters.AuroraAccountId.Default).toBe(AWS_SIM.serviceAccountId);
    expect(t.Parameters.ExternalId.Default).toBe(a.body.external_id);
    expect(t.Parameters.AccessLevel.Default).toBe('ReadOnly');
    expect(t.Resources.AuroraRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['sts:ExternalId']).toEqual({ Ref: 'ExternalId' });
    expect(a.body.managed_policy_arn).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
    // no published template URL configured: no quick-create link (the console needs an S3 URL)
    expect(a.body.quick_create_url).toBeUndefined();

    const again = await rt.request('GET', '/aws/onboarding?access_level=PowerUser', { user: 'onb-1' });
    expect(again.body.external_id).toBe(a.body.external_id);
    expect(again.body.cloudformation_template.Parameters.AccessLevel.Default).toBe('PowerUser');
    expect(again.body.managed_policy_arn).toBe('arn:aws:iam::aws:policy/PowerUserAccess');

    const other = await rt.request('GET', '/aws/onboarding', { user: 'onb-2' });
    expect(other.body.external_id).not.toBe(a.body.external_id);
  });

  it('with a published template URL, also links it and a console quick-create page', async () => {
    const d = deps();
    const templateUrl = 'https://aurora-public.s3.amazonaws.com/aws/aurora-role.json';
    const withUrl: Deps = { config: { ...d.config, aws: { ...d.config.aws, templateUrl } }, db: d.db, secrets: d.secrets, now: () => Date.now() };
    const r = await awsOnboarding(withUrl, 'onb-url', {});
    expect(r.cloudformation_template_url).toBe(templateUrl);
    const link = new URL(r.quick_create_url!.replace('#', '%23'));
    expect(link.origin).toBe('https://console.aws.amazon.com');
    expect(r.quick_create_url).toContain(`templateURL=${encodeURIComponent(templateUrl)}`);
    expect(r.quick_create_url).toContain(`param_ExternalId=${r.external_id}`);
    expect(r.quick_create_url).toContain(`param_AuroraAccountId=${AWS_SIM.serviceAccountId}`);
  });

  it('concurrent first calls of a new user all get the same External ID', async () => {
    const rs = await Promise.all(Array.from({ length: 10 }, () => rt.request('GET', '/aws/onboarding', { user: 'onb-race' })));
    expect(rs.every((r) => r.status === 200)).toBe(true);
    expect(new Set(rs.map((r) => r.body.external_id)).size).toBe(1);
  });

  it('never takes an External ID from the client', async () => {
    const r = await rt.request('GET', '/aws/onboarding?external_id=chosen-by-the-client-000000000000000', { user: 'onb-3' });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('external_id');
  });

  it("answers 503 \"Unable to determine Aurora's AWS account ID\" when our own identity is refused", async () => {
    sim().control.serviceIdentityBroken = true;
    const r = await rt.request('GET', '/aws/onboarding', { user: 'onb-4' });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('aws_identity_unavailable');
    expect(r.body.error.message).toMatch(/^Unable to determine Aurora's AWS account ID/);
    expect(r.body.message).toBe(r.body.error.message);
  });

  it('answers 503 with the same message when STS is down', async () => {
    sim().control.fault = { status: 503 };
    const r = await rt.request('GET', '/aws/onboarding', { user: 'onb-5' });
    expect(r.status).toBe(503);
    expect(r.body.error.message).toMatch(/^Unable to determine Aurora's AWS account ID: STS did not answer/);
  });
});

describe('POST /aws/auth → connections → status → get-credentials → disconnect', () => {
  it('walks the whole lifecycle', async () => {
    const user = 'aws-life';
    const ext = await onboard(user);
    const r = await connect(user, { role_arn: arn('123456789012'), external_id: ext, region: 'eu-west-1' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'success', account_id: '123456789012' });
    expect(Date.parse(r.body.expiration) - Date.now()).toBeGreaterThan(3000_000);
    expect(r.body.message).toMatch(/123456789012/);

    // what STS saw: our External ID, a session named after the user, SourceIdentity = the user, 1 h,
    // the account read with the temporary credentials, and the probe without External ID refused
    const calls = sim().control.calls;
    const assumed = calls.filter((c) => c.action === 'AssumeRole');
    expect(assumed).toHaveLength(2);
    expect(assumed.find((c) => c.externalId === ext)).toMatchObject({ roleArn: arn('123456789012'), roleSessionName: 'aurora-aws-life', sourceIdentity: 'aws-life', durationSeconds: 3600, result: 'ok', caller: 'service' });
    expect(assumed.find((c) => c.externalId === undefined)).toMatchObject({ result: 'AccessDenied' });
    expect(calls.find((c) => c.action === 'GetCallerIdentity')).toMatchObject({ caller: `session:${arn('123456789012')}`, result: 'ok' });

    const list = await rt.request('GET', '/api/user_connections', { user });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'aws', account_id: '123456789012', account_name: 'AWS 123456789012 (AuroraRole)', status: 'connected' })]);

    const status = await rt.request('GET', '/aws/status', { user });
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ connected: true, provider: 'aws', status: 'connected', role_arn: arn('123456789012'), account_id: '123456789012' });

    const creds = await rt.request('GET', '/aws/get-credentials', { user });
    expect(creds.status).toBe(200);
    expect(creds.body).toEqual({ role_arn: arn('123456789012'), read_only_role_arn: null, account_id: '123456789012', external_id: ext, region: 'eu-west-1', status: 'connected' });

    const off = await rt.request('DELETE', '/api/auth/aws/disconnect', { user, body: {} });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ status: 'disconnected', provider: 'aws', accounts: 1 });
    expect((await rt.request('GET', '/api/user_connections', { user })).body).toEqual([]);
    expect((await rt.request('GET', '/aws/status', { user })).body).toEqual({ connected: false, provider: 'aws', status: 'not_connected', reason: 'AWS is not connected' });
    const gone = await rt.request('GET', '/aws/get-credentials', { user });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_connected');
    // the External ID survives a disconnect: the customer's trust policy still names it
    expect((await rt.request('GET', '/aws/onboarding', { user })).body.external_id).toBe(ext);
  });

  it('accepts the camelCase spelling and a read-only role in the same account', async () => {
    const user = 'aws-camel';
    const ext = await onboard(user);
    const r = await connect(user, { roleArn: arn('223456789012'), externalId: ext, readOnlyRoleArn: arn('223456789012', 'AuroraRoleReadOnly') });
    expect(r.status).toBe(200);
    const creds = await rt.request('GET', '/aws/get-credentials', { user });
    expect(creds.body).toMatchObject({ read_only_role_arn: arn('223456789012', 'AuroraRoleReadOnly'), region: 'us-east-1' });
    // both roles were assumed with the External ID and probed without it
    const roles = sim().control.calls.filter((c) => c.action === 'AssumeRole').map((c) => `${c.roleArn!.split('/')[1]}:${c.externalId ? 'ext' : 'none'}:${c.result}`);
    expect(roles.sort()).toEqual(['AuroraRole:ext:ok', 'AuroraRole:none:AccessDenied', 'AuroraRoleReadOnly:ext:ok', 'AuroraRoleReadOnly:none:AccessDenied']);
  });

  it('keeps several accounts per user, each its own connection; status and credentials take ?account_id=', async () => {
    const user = 'aws-multi';
    const ext = await onboard(user);
    expect((await connect(user, { role_arn: arn('323456789012'), external_id: ext })).status).toBe(200);
    expect((await connect(user, { role_arn: arn('423456789012'), external_id: ext })).status).toBe(200);
    const list = await rt.request('GET', '/api/user_connections', { user });
    expect(list.body.map((c: any) => c.account_id).sort()).toEqual(['323456789012', '423456789012']);
    // without account_id: the most recently connected
    expect((await rt.request('GET', '/aws/status', { user })).body.account_id).toBe('423456789012');
    expect((await rt.request('GET', '/aws/status?account_id=323456789012', { user })).body).toMatchObject({ connected: true, account_id: '323456789012' });
    expect((await rt.request('GET', '/aws/get-credentials?account_id=323456789012', { user })).body.role_arn).toBe(arn('323456789012'));
    // an account this user has not connected (another user's or none) answers 404
    expect((await rt.request('GET', '/aws/status?account_id=323456789012', { user: 'aws-stranger' })).status).toBe(404);
    expect((await rt.request('GET', '/aws/get-credentials?account_id=999999999990', { user })).status).toBe(404);
    expect((await rt.request('GET', '/aws/status?account_id=12', { user })).body.error.field).toBe('account_id');
  });
});

describe('POST /aws/auth errors', () => {
  it.each([
    ['arn:aws:iam::12345678901:role/AuroraRole', '11-digit account'],
    ['arn:aws:iam::123456789012:user/alice', 'a user, not a role'],
    ['arn:aws:iam::123456789012:role/', 'no role name'],
    ['arn:aws:s3:::bucket', 'not IAM'],
    ['AuroraRole', 'a bare name'],
  ])('400 naming role_arn for a malformed ARN: %s (%s)', async (roleArn) => {
    const ext = await onboard('aws-badarn');
    const r = await connect('aws-badarn', { role_arn: roleArn, external_id: ext });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('role_arn');
    expect(r.body.error.message).toMatch(/arn:aws:iam::<12-digit account id>:role\/<name>/);
    expect(sim().control.calls.filter((c) => c.action === 'AssumeRole')).toEqual([]);
  });

  it('400 naming read_only_role_arn when it is malformed or in another account', async () => {
    const ext = await onboard('aws-ro-bad');
    const bad = await connect('aws-ro-bad', { role_arn: arn('123456789012'), external_id: ext, read_only_role_arn: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('read_only_role_arn');
    const other = await connect('aws-ro-bad', { role_arn: arn('123456789012'), external_id: ext, read_only_role_arn: arn('210987654321', 'ReadOnly') });
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ field: 'read_only_role_arn', code: 'account_mismatch' });
  });

  it('400 telling the user to call /aws/onboarding first when no External ID was ever issued', async () => {
    const r = await connect('aws-never-onboarded', { role_arn: arn('123456789012'), external_id: 'a'.repeat(48) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'external_id_not_issued', field: 'external_id' });
    expect(r.body.error.message).toMatch(/GET \/aws\/onboarding first/);
    expect(sim().control.calls).toEqual([]);
  });

  it('400 when the External ID is not the one we issued (a client-chosen one is never accepted)', async () => {
    const ext = await onboard('aws-wrong-ext');
    const other = await onboard('aws-wrong-ext-other');
    for (const given of [other, ext.slice(0, -1) + (ext.endsWith('0') ? '1' : '0'), 'my-own-external-id-0000000000000000']) {
      const r = await connect('aws-wrong-ext', { role_arn: arn('123456789012'), external_id: given });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'external_id_mismatch', field: 'external_id' });
    }
    expect(sim().control.calls).toEqual([]);
    expect((await rt.request('GET', '/api/user_connections', { user: 'aws-wrong-ext' })).body).toEqual([]);
  });

  it('401 "Aurora cannot assume this role" with guidance when STS denies the role', async () => {
    const ext = await onboard('aws-denied');
    const r = await connect('aws-denied', { role_arn: arn('123456789012', 'DeniedRole'), external_id: ext });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'role_assumption_denied', field: 'role_arn' });
    expect(r.body.error.message).toMatch(/^Aurora cannot assume this role/);
    expect(r.body.error.message).toContain(ext);
    expect(r.body.error.message).toContain('sts:SetSourceIdentity');
    expect((await rt.request('GET', '/api/user_connections', { user: 'aws-denied' })).body).toEqual([]);
  });

  it("401 when the role's trust policy names another External ID", async () => {
    const ext = await onboard('aws-other-ext');
    const r = await connect('aws-other-ext', { role_arn: arn('123456789012', 'WrongExternalIdRole'), external_id: ext });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/^Aurora cannot assume this role/);
  });

  it('400 rejecting a role that can be assumed without the External ID (confused deputy)', async () => {
    const ext = await onboard('aws-deputy');
    const r = await connect('aws-deputy', { role_arn: arn('123456789012', 'NoExternalIdRole'), external_id: ext });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'external_id_not_enforced', field: 'role_arn' });
    expect(r.body.error.message).toMatch(/^This role can be assumed without the External ID/);
    expect((await rt.request('GET', '/api/user_connections', { user: 'aws-deputy' })).body).toEqual([]);
  });

  it('checks the read-only role the same way, naming read_only_role_arn', async () => {
    const ext = await onboard('aws-ro-check');
    const denied = await connect('aws-ro-check', { role_arn: arn('123456789012'), external_id: ext, read_only_role_arn: arn('123456789012', 'DeniedReadOnly') });
    expect(denied.status).toBe(401);
    expect(denied.body.error.field).toBe('read_only_role_arn');
    const deputy = await connect('aws-ro-check', { role_arn: arn('123456789012'), external_id: ext, read_only_role_arn: arn('123456789012', 'NoExternalIdReadOnly') });
    expect(deputy.status).toBe(400);
    expect(deputy.body.error).toMatchObject({ code: 'external_id_not_enforced', field: 'read_only_role_arn' });
    expect((await rt.request('GET', '/api/user_connections', { user: 'aws-ro-check' })).body).toEqual([]);
  });

  it('503 (never 500) when STS is down while connecting, and nothing is saved', async () => {
    const ext = await onboard('aws-down');
    sim().control.fault = { status: 500, code: 'InternalFailure' };
    const r = await connect('aws-down', { role_arn: arn('123456789012'), external_id: ext });
    expect(r.status).toBe(503);
    expect(r.body.error.message).toMatch(/STS is unavailable/);
    expect((await rt.request('GET', '/api/user_connections', { user: 'aws-down' })).body).toEqual([]);
  });

  it("403 when the body's userId is someone else", async () => {
    const ext = await onboard('aws-owner');
    const r = await connect('aws-owner', { userId: 'aws-victim', role_arn: arn('123456789012'), external_id: ext });
    expect(r.status).toBe(403);
  });
});

describe('GET /aws/status: faults, refusals and recovery', () => {
  async function connected(user: string, account: string) {
    const ext = await onboard(user);
    expect((await connect(user, { role_arn: arn(account), external_id: ext })).status).toBe(200);
    sim().control.calls.length = 0;
  }
  async function conn(user: string, account: string) {
    return (await rt.request('GET', '/api/user_connections', { user })).body.find((c: any) => c.account_id === account);
  }

  it.each([
    ['a 5xx', { status: 503 }, /AWS STS is unavailable \(ServiceUnavailable, HTTP 503\)/],
    ['a timeout', { timeout: true }, /AWS STS is unavailable \(Timeout\)/],
  ])('%s marks the connection error with the reason, keeps it, and the next good check restores it', async (_what, fault, reason) => {
    const run = async () => {
      const user = `aws-fault-${String(_what).replace(/\W/g, '')}`;
      await connected(user, '523456789012');
      const before = await getConnection(deps().db, { userId: user, provider: 'aws', accountId: '523456789012' });
      sim().control.fault = { ...fault, actions: ['AssumeRole'] };
      const s = await rt.request('GET', '/aws/status', { user });
      expect(s.status).toBe(200);
      expect(s.body).toMatchObject({ connected: false, provider: 'aws', account_id: '523456789012', status: 'error' });
      expect(s.body.reason).toMatch(reason);
      const c = await conn(user, '523456789012');
      expect(c).toMatchObject({ status: 'error' });
      expect(c.status_reason).toMatch(reason);
      const during = await getConnection(deps().db, { userId: user, provider: 'aws', accountId: '523456789012' });
      expect(during!.metadata).toEqual(before!.metadata);
      expect((await rt.request('GET', '/aws/get-credentials', { user })).body.role_arn).toBe(arn('523456789012'));

      sim().control.fault = null;
      const ok = await rt.request('GET', '/aws/status', { user });
      expect(ok.body).toEqual({ connected: true, provider: 'aws', status: 'connected', role_arn: arn('523456789012'), account_id: '523456789012' });
      const back = await conn(user, '523456789012');
      expect(back.status).toBe('connected');
      expect(back.status_reason).toBeUndefined();
    };
    await ('timeout' in fault ? shortStsTimeout(run) : run());
  });

  it('a role the customer stopped trusting us with is marked error, kept, and recovers once fixed', async () => {
    const user = 'aws-revoked';
    await connected(user, '623456789012');
    sim().control.roles.set(arn('623456789012'), { denied: true });
    const s = await rt.request('GET', '/aws/status', { user });
    expect(s.body).toMatchObject({ connected: false, status: 'error' });
    expect(s.body.reason).toMatch(/AWS refused AssumeRole on arn:aws:iam::623456789012:role\/AuroraRole \(AccessDenied\)/);
    expect((await conn(user, '623456789012')).status).toBe('error');
    sim().control.roles.clear();
    expect((await rt.request('GET', '/aws/status', { user })).body.connected).toBe(true);
    expect((await conn(user, '623456789012')).status).toBe('connected');
  });

  it('a connection marked not_connected is reported, not checked', async () => {
    const user = 'aws-marked';
    await connected(user, '723456789012');
    await rt.request('DELETE', '/api/user_connections', { user, body: { provider: 'aws', account_id: '723456789012' } });
    const s = await rt.request('GET', '/aws/status?account_id=723456789012', { user });
    expect(s.body).toMatchObject({ connected: false, status: 'not_connected' });
    expect(sim().control.calls).toEqual([]);
  });
});

describe('concurrency', () => {
  it('20 concurrent connects of one user with 20 different accounts → 20 connections, none lost', async () => {
    const user = 'aws-twenty';
    const ext = await onboard(user);
    const accounts = Array.from({ length: 20 }, (_, i) => String(100000000000 + i * 7919));
    const body = (a: string) => ({ role_arn: arn(a), external_id: ext });
    // The invariant, not the absence of throttling: on a loaded machine a connect may be refused
    // as "AWS STS is unavailable" (503) without anything being wrong. Whatever each one answered,
    // the accounts answered 200 are exactly the connected ones (no lost update, nothing saved for
    // a 503), and connecting the refused ones again completes the set.
    const rs = await Promise.all(accounts.map((a) => connect(user, body(a))));
    for (const r of rs) expect([200, 503]).toContain(r.status);
    for (const r of rs.filter((r) => r.status === 503)) expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.stringMatching(/try again/) });
    const connected = async () => (await rt.request('GET', '/api/user_connections', { user })).body.filter((c: any) => c.provider === 'aws' && c.status === 'connected').map((c: any) => c.account_id).sort();
    const answered200 = accounts.filter((_, i) => rs[i].status === 200).sort();
    expect(answered200.length).toBeGreaterThan(0);
    expect(await connected()).toEqual(answered200);
    for (const a of accounts.filter((_, i) => rs[i].status !== 200)) {
      let r = await connect(user, body(a));
      for (let attempt = 1; r.status === 503 && attempt < 10; attempt++) r = await connect(user, body(a));
      expect(r.status).toBe(200);
    }
    expect(await connected()).toEqual([...accounts].sort());
  });
});

describe('assumeForUser (short-lived credentials for cloud_tool)', () => {
  it('mints working credentials per call: main role, read-only role, or a read-only session policy', async () => {
    const user = 'aws-mint';
    const ext = await onboard(user);
    await connect(user, { role_arn: arn('823456789012'), external_id: ext, region: 'ap-south-1' });
    await connect(user, { role_arn: arn('923456789012'), external_id: ext, read_only_role_arn: arn('923456789012', 'AuroraRoleReadOnly') });
    sim().control.calls.length = 0;

    const full = await assumeForUser(deps(), user, '823456789012', { readOnly: false });
    expect(JSON.stringify(full)).toBe('"[redacted]"');
    const k = full.reveal();
    expect(k.region).toBe('ap-south-1');
    const who = await new STSClient({ region: 'us-east-1', endpoint: sim().url, credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, sessionToken: k.sessionToken }, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:sts::823456789012:assumed-role/AuroraRole/aurora-aws-mint');

    await assumeForUser(deps(), user, '823456789012', { readOnly: true });
    await assumeForUser(deps(), user, '923456789012', { readOnly: true });
    const calls = sim().control.calls.filter((c) => c.action === 'AssumeRole');
    expect(calls.map((c) => [c.roleArn, c.externalId === ext, c.policyArns ?? null, c.sourceIdentity])).toEqual([
      [arn('823456789012'), true, null, user],
      [arn('823456789012'), true, ['arn:aws:iam::aws:policy/ReadOnlyAccess'], user],
      [arn('923456789012', 'AuroraRoleReadOnly'), true, null, user],
    ]);
    // fresh credentials each time: nothing is cached across calls, users or accounts
    const again = await assumeForUser(deps(), user, '823456789012', { readOnly: false });
    expect(again.reveal().accessKeyId).not.toBe(k.accessKeyId);
  });

  it("refuses another user's account and marks a refused role error", async () => {
    const user = 'aws-mint-2';
    const ext = await onboard(user);
    await connect(user, { role_arn: arn('133456789012'), external_id: ext });
    await expect(assumeForUser(deps(), 'someone-else', '133456789012', { readOnly: true })).rejects.toMatchObject({ status: 404 });
    sim().control.roles.set(arn('133456789012'), { denied: true });
    await expect(assumeForUser(deps(), user, '133456789012', { readOnly: false })).rejects.toMatchObject({ status: 401, code: 'role_assumption_denied' });
    const c = await getConnection(deps().db, { userId: user, provider: 'aws', accountId: '133456789012' });
    expect(c?.status).toBe('error');
  });
});
