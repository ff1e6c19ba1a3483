import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AWS_SIM, startAwsSimulator, type AwsSimulator } from '../../lib/connectors/aws/simulator.ts';
import { isRetryableQueryError, QueryError, queryAction, regionalEndpoint, xmlText, type QueryEndpoint } from '../../lib/connectors/aws/query.ts';
import { setRetryDelayScale } from '../../lib/retry.ts';

/**
 * Our Query client (lib/connectors/aws/query.ts) against the STS simulator, which verifies each
 * SigV4 signature and answers with STS's documents (test/unit/aws-sim.test.ts holds the simulator
 * to what the real SDK reads).
 */
let sim: AwsSimulator;
const service = { accessKeyId: AWS_SIM.serviceAccessKeyId, secretAccessKey: AWS_SIM.serviceSecretAccessKey };
const ep = (over: Partial<QueryEndpoint> = {}): QueryEndpoint => ({ url: sim.url, region: 'us-east-1', service: 'sts', version: '2011-06-15', timeoutMs: 5000, attempts: 3, ...over });
const ROLE = 'arn:aws:iam::123456789012:role/AuroraRole';
const EXT = 'e'.repeat(40);

beforeAll(async () => {
  sim = (await startAwsSimulator({})) as AwsSimulator;
  setRetryDelayScale(0);
});
afterAll(async () => {
  setRetryDelayScale(1);
  await sim.close();
});
beforeEach(() => sim.control.reset());
afterEach(() => (sim.control.fault = null));

async function failure(p: Promise<unknown>): Promise<QueryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    return e as QueryError;
  }
  throw new Error('expected a failure');
}

describe('queryAction', () => {
  it('signs a form-encoded action the simulator accepts and answers its document', async () => {
    const xml = await queryAction(ep(), 'AssumeRole', { RoleArn: ROLE, RoleSessionName: 'aurora-u1', ExternalId: EXT, SourceIdentity: 'u1', DurationSeconds: '900', 'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, service);
    expect(xmlText(xml, ['AssumeRoleResult', 'AssumedRoleUser', 'Arn'])).toBe('arn:aws:sts::123456789012:assumed-role/AuroraRole/aurora-u1');
    expect(sim.control.calls).toEqual([
      expect.objectContaining({ action: 'AssumeRole', caller: 'service', roleArn: ROLE, externalId: EXT, sourceIdentity: 'u1', durationSeconds: 900, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], result: 'ok' }),
    ]);
    // the temporary credentials sign as the session (the security token goes with them)
    const k = (n: string) => xmlText(xml, ['AssumeRoleResult', 'Credentials', n]);
    const who = await queryAction(ep(), 'GetCallerIdentity', {}, { accessKeyId: k('AccessKeyId'), secretAccessKey: k('SecretAccessKey'), sessionToken: k('SessionToken') });
    expect(xmlText(who, ['GetCallerIdentityResult', 'Account'])).toBe('123456789012');
  });

  it("throws STS's error code and HTTP status, and does not repeat a refusal", async () => {
    const e = await failure(queryAction(ep(), 'AssumeRole', { RoleArn: 'arn:aws:iam::123456789012:role/Denied', RoleSessionName: 'aurora-u1', ExternalId: EXT, SourceIdentity: 'u1', DurationSeconds: '900' }, service));
    expect([e.code, e.httpStatus]).toEqual(['AccessDenied', 403]);
    expect(e.message).toContain('is not authorized to perform: sts:AssumeRole');
    expect(sim.control.calls).toHaveLength(1);
  });

  it('a wrong secret is refused as a bad signature', async () => {
    const e = await failure(queryAction(ep(), 'GetCallerIdentity', {}, { ...service, secretAccessKey: 'not-the-key' }));
    expect([e.code, e.httpStatus]).toEqual(['SignatureDoesNotMatch', 403]);
  });

  it.each([
    ['throttling (HTTP 400)', 400, 'Throttling'],
    ['a 503', 503, 'ServiceUnavailable'],
    ['a 500', 500, 'InternalFailure'],
  ])('repeats %s until it succeeds', async (_what, status, code) => {
    sim.control.fault = { status, code, remaining: 2 };
    const xml = await queryAction(ep(), 'GetCallerIdentity', {}, service);
    expect(xmlText(xml, ['GetCallerIdentityResult', 'Account'])).toBe(AWS_SIM.serviceAccountId);
    expect(sim.control.calls.map((c) => c.result)).toEqual([code, code, 'ok']);
  });

  it('gives up after its attempts with the last fault', async () => {
    sim.control.fault = { status: 503 };
    const e = await failure(queryAction(ep({ attempts: 2 }), 'GetCallerIdentity', {}, service));
    expect([e.code, e.httpStatus]).toEqual(['ServiceUnavailable', 503]);
    expect(sim.control.calls).toHaveLength(2);
  });

  it('names a timeout and a refused connection, which carry no HTTP status', async () => {
    sim.control.fault = { timeout: true };
    const t = await failure(queryAction(ep({ timeoutMs: 100, attempts: 1 }), 'GetCallerIdentity', {}, service));
    expect([t.code, t.httpStatus]).toEqual(['TimeoutError', undefined]);
    sim.control.fault = null;
    // a port nothing listens on: bound, then released
    const free = createServer();
    await new Promise<void>((ok) => free.listen(0, '127.0.0.1', ok));
    const port = (free.address() as AddressInfo).port;
    await new Promise((ok) => free.close(ok));
    const closed = await failure(queryAction(ep({ url: `http://127.0.0.1:${port}/`, attempts: 1 }), 'GetCallerIdentity', {}, service));
    expect([closed.code, closed.httpStatus]).toEqual(['ECONNREFUSED', undefined]);
    expect(isRetryableQueryError(closed)).toBe(true);
  });
});

describe('xmlText', () => {
  const doc = `<?xml version="1.0"?>\n<R xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><A attr="x"><B> a &amp; b &lt;c&gt; &#233;&#x263A; </B><Empty/></A><B>outer</B></R>`;
  it('reads nested text, trimmed, with entities decoded', () => {
    expect(xmlText(doc, ['A', 'B'])).toBe('a & b <c> é☺');
    expect(xmlText(doc, ['R', 'B'])).toBe('a & b <c> é☺');
  });
  it('answers empty for a missing or self-closed element', () => {
    expect(xmlText(doc, ['A', 'Empty'])).toBe('');
    expect(xmlText(doc, ['A', 'Nope'])).toBe('');
    expect(xmlText('<A><B>unclosed</A>', ['A', 'B'])).toBe('');
  });
});

describe('regionalEndpoint', () => {
  it.each([
    ['us-east-1', 'https://sts.us-east-1.amazonaws.com'],
    ['eu-west-3', 'https://sts.eu-west-3.amazonaws.com'],
    ['us-gov-west-1', 'https://sts.us-gov-west-1.amazonaws.com'],
    ['cn-north-1', 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['us-iso-east-1', 'https://sts.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', 'https://sts.us-isob-east-1.sc2s.sgov.gov'],
  ])('%s → %s', (region, url) => {
    expect(regionalEndpoint('sts', region)).toBe(url);
  });
  it('an override wins', () => {
    expect(regionalEndpoint('sts', 'us-east-1', 'https://vpce-1.sts.us-east-1.vpce.amazonaws.com')).toBe('https://vpce-1.sts.us-east-1.vpce.amazonaws.com');
  });
});
