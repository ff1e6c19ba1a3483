import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AWS_SIM, startAwsSimulator, type AwsSimulator } from '../../lib/connectors/aws/simulator.ts';

/**
 * The STS simulator is only worth something if the real SDK reads its documents as it reads STS's:
 * every case here goes through @aws-sdk/client-sts, signing and parsing included.
 */
let sim: AwsSimulator;
const service = { accessKeyId: AWS_SIM.serviceAccessKeyId, secretAccessKey: AWS_SIM.serviceSecretAccessKey };
const EXT = 'e'.repeat(40);

function sts(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = service, extra: Record<string, unknown> = {}) {
  return new STSClient({ region: 'us-east-1', endpoint: sim.url, credentials, maxAttempts: 1, ...extra });
}

async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string; fault?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number }; message: string; $fault?: string };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message, fault: err.$fault };
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  sim = (await startAwsSimulator({})) as AwsSimulator;
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

describe('STS simulator, read by the real SDK', () => {
  it('GetCallerIdentity with the service keys answers the service account', async () => {
    const r = await sts().send(new GetCallerIdentityCommand({}));
    expect(r).toMatchObject({ Account: AWS_SIM.serviceAccountId, Arn: AWS_SIM.serviceArn, UserId: AWS_SIM.serviceUserId });
    expect(r.$metadata.httpStatusCode).toBe(200);
  });

  it('AssumeRole returns credentials the SDK parses, which then identify as the assumed role of that account', async () => {
    const r = await sts().send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/ops/AuroraRole', RoleSessionName: 'aurora-u1', ExternalId: EXT, SourceIdentity: 'u1', DurationSeconds: 3600 }),
    );
    expect(r.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(r.Credentials?.SecretAccessKey).toBeTruthy();
    expect(r.Credentials?.SessionToken).toBeTruthy();
    expect(r.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(r.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(r.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/AuroraRole/aurora-u1');
    expect(r.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[0-9A-F]+:aurora-u1$/);
    expect(r.SourceIdentity).toBe('u1');
    const temp = { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! };
    const who = await sts(temp).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('123456789012');
    expect(who.Arn).toBe('arn:aws:sts::123456789012:assumed-role/AuroraRole/aurora-u1');
    expect(sim.control.calls.map((c) => [c.action, c.caller, c.result])).toEqual([
      ['AssumeRole', 'service', 'ok'],
      ['GetCallerIdentity', 'session:arn:aws:iam::123456789012:role/ops/AuroraRole', 'ok'],
    ]);
  });

  it('records session policies sent as PolicyArns', async () => {
    await sts().send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/AuroraRole', RoleSessionName: 'aurora-u1', ExternalId: EXT, PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] }),
    );
    expect(sim.control.calls[0].policyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  });

  it('AccessDenied arrives as the SDK error AccessDenied, HTTP 403, client fault, with STS message', async () => {
    const f = await failure(sts().send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/DeniedRole', RoleSessionName: 'aurora-u1', ExternalId: EXT })));
    expect(f).toMatchObject({ name: 'AccessDenied', status: 403, fault: 'client' });
    expect(f.message).toBe(`User: ${AWS_SIM.serviceArn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/DeniedRole`);
  });

  it('roles require the External ID, except NoExternalId roles; WrongExternalId roles refuse ours', async () => {
    const base = { RoleSessionName: 'aurora-u1' };
    expect((await failure(sts().send(new AssumeRoleCommand({ ...base, RoleArn: 'arn:aws:iam::123456789012:role/AuroraRole' })))).name).toBe('AccessDenied');
    await expect(sts().send(new AssumeRoleCommand({ ...base, RoleArn: 'arn:aws:iam::123456789012:role/NoExternalIdRole' }))).resolves.toBeTruthy();
    expect((await failure(sts().send(new AssumeRoleCommand({ ...base, ExternalId: EXT, RoleArn: 'arn:aws:iam::123456789012:role/WrongExternalIdRole' })))).name).toBe('AccessDenied');
  });

  it('with a trustedExternalIds registry, only registered External IDs are trusted; per-role trust wins', async () => {
    sim.control.trustedExternalIds = new Set([EXT]);
    const base = { RoleSessionName: 'aurora-u1', RoleArn: 'arn:aws:iam::123456789012:role/AuroraRole' };
    await expect(sts().send(new AssumeRoleCommand({ ...base, ExternalId: EXT }))).resolves.toBeTruthy();
    expect((await failure(sts().send(new AssumeRoleCommand({ ...base, ExternalId: 'f'.repeat(40) })))).name).toBe('AccessDenied');
    sim.control.roles.set(base.RoleArn, { externalId: 'f'.repeat(40) });
    await expect(sts().send(new AssumeRoleCommand({ ...base, ExternalId: 'f'.repeat(40) }))).resolves.toBeTruthy();
  });

  it('validates names like STS (ValidationError, HTTP 400)', async () => {
    const f = await failure(sts().send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/AuroraRole', RoleSessionName: 'bad name|x', ExternalId: EXT })));
    expect(f).toMatchObject({ name: 'ValidationError', status: 400 });
  });

  it('refuses unknown keys, wrong signatures and customer sessions trying to chain', async () => {
    expect((await failure(sts({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({}))))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect((await failure(sts({ ...service, secretAccessKey: 'wrong' }).send(new GetCallerIdentityCommand({}))))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    const r = await sts().send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/AuroraRole', RoleSessionName: 'aurora-u1', ExternalId: EXT }));
    const temp = { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! };
    expect((await failure(sts({ ...temp, sessionToken: 'forged' }).send(new GetCallerIdentityCommand({}))))).toMatchObject({ name: 'InvalidClientTokenId' });
    expect((await failure(sts(temp).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/AuroraRole', RoleSessionName: 'x1', ExternalId: EXT }))))).toMatchObject({ name: 'AccessDenied' });
  });

  it('a broken service identity is refused like wrong env keys', async () => {
    sim.control.serviceIdentityBroken = true;
    expect((await failure(sts().send(new GetCallerIdentityCommand({}))))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
  });

  it('faults: 503 ServiceUnavailable as a server fault, throttling, and timeouts', async () => {
    sim.control.fault = { status: 503 };
    expect(await failure(sts().send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'ServiceUnavailable', status: 503, fault: 'server' });
    sim.control.fault = { status: 400, code: 'Throttling', remaining: 1 };
    expect(await failure(sts().send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'Throttling', status: 400 });
    await expect(sts().send(new GetCallerIdentityCommand({}))).resolves.toBeTruthy();
    sim.control.fault = { timeout: true, actions: ['GetCallerIdentity'] };
    const f = await failure(sts(service, { requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } }).send(new GetCallerIdentityCommand({})));
    expect(f.name).toBe('TimeoutError');
  });

  it('the SDK retries a transient 503 and succeeds when STS recovers', async () => {
    sim.control.fault = { status: 503, remaining: 1 };
    const r = await sts(service, { maxAttempts: 3 }).send(new GetCallerIdentityCommand({}));
    expect(r.Account).toBe(AWS_SIM.serviceAccountId);
    expect(sim.control.calls.map((c) => c.result)).toEqual(['ServiceUnavailable', 'ok']);
  });
});
