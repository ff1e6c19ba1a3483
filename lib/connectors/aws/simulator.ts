import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { hold as holdRequest } from '../../local/sim-kit.ts';

/**
 * Simulated AWS STS: the Query API (POST form-encoded, Action=AssumeRole|GetCallerIdentity,
 * Version=2011-06-15) answering with STS's XML documents and error documents, SigV4-verified.
 * The same endpoint also answers the few reads cloud_tool's walkthrough makes with the real aws
 * CLI pointed at it (AWS_ENDPOINT_URL): EC2 DescribeInstances and S3 ListBuckets, told apart by
 * the service in the request's SigV4 credential scope, for the account of the caller's session.
 *
 * Callers are told apart by the access key in the SigV4 Credential scope: the static key the
 * simulator hands the service through AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY is "Aurora's own
 * identity" (account 999999999999); keys it issued through AssumeRole are sessions of the role's
 * account (they must come with their X-Amz-Security-Token).
 *
 * Roles: any `arn:aws:iam::<12 digits>:role/<name>` exists and trusts Aurora's account, and only
 * with an External ID (the confused-deputy-safe trust policy). Per-role trust can be set exactly
 * (`control.roles`); otherwise the name decides:
 *  - contains "Denied": AccessDenied, whatever is presented;
 *  - contains "NoExternalId": assumable with or without an External ID (no condition);
 *  - contains "WrongExternalId": trusts some other External ID, so ours is refused;
 *  - anything else: an External ID in `control.trustedExternalIds` when that set is given (tests),
 *    or any well-formed External ID of 32+ characters when it is null (the offline walkthrough).
 */
export const AWS_SIM = {
  serviceAccountId: '999999999999',
  serviceAccessKeyId: 'AKIAAURORASIMULATOR1',
  // fixed (not random) so SDK clients built before a restart keep signing correctly
  serviceSecretAccessKey: 'aurora/simulator/service/secret/key/0001',
  serviceArn: 'arn:aws:iam::999999999999:user/aurora-service',
  serviceUserId: 'AIDAAURORASIMULATOR1',
};

export interface RoleTrust {
  /** the External ID its trust policy names (undefined: decided by the name rules) */
  externalId?: string;
  /** trust policy without the sts:ExternalId condition */
  assumableWithoutExternalId?: boolean;
  /** trust policy that does not name Aurora's account at all */
  denied?: boolean;
  /** MaxSessionDuration (default 3600) */
  maxSessionSeconds?: number;
}

export interface StsFault {
  /** HTTP status of the error document (default 503); ignored with `timeout` */
  status?: number;
  /** error code in the document (default ServiceUnavailable / InternalFailure / Throttling by status) */
  code?: string;
  /** never answer (until `hangMs` passes or the client gives up) */
  timeout?: boolean;
  /** only these actions fail (default: all) */
  actions?: Array<'AssumeRole' | 'GetCallerIdentity'>;
  /** how many more requests fail (default: until cleared) */
  remaining?: number;
}

export interface StsCall {
  action: string;
  /** "service", "session:<role arn>" or "unknown" */
  caller: string;
  roleArn?: string;
  externalId?: string;
  roleSessionName?: string;
  sourceIdentity?: string;
  durationSeconds?: number;
  policyArns?: string[];
  /** outcome: "ok" or the error code */
  result: string;
}

export interface AwsSimControl {
  latencyMs: number;
  fault: StsFault | null;
  /** how long a `timeout` fault holds a request before dropping it */
  hangMs: number;
  /** null: any External ID of 32+ characters is trusted (walkthrough); a set: only these */
  trustedExternalIds: Set<string> | null;
  roles: Map<string, RoleTrust>;
  /** Aurora's own credentials are refused (InvalidClientTokenId), as with wrong env keys */
  serviceIdentityBroken: boolean;
  /** the latest calls (at most MAX_KEPT: a long `npm start -- --simulate` session must not grow without bound) */
  calls: StsCall[];
  /** every secret of the sessions it keeps (the latest MAX_KEPT; far more than a test file issues), for leak scans */
  issuedSecrets(): string[];
  reset(): void;
}

export interface AwsSimulator extends RunningSimulator {
  url: string;
  control: AwsSimControl;
}

interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleArn: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  sourceIdentity?: string;
  expiresAt: number;
}

type Caller = { kind: 'service' } | { kind: 'session'; session: Session };

class StsError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: 'Sender' | 'Receiver';
  constructor(status: number, code: string, message: string, type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender') {
    super(message);
    this.status = status;
    this.code = code;
    this.type = type;
  }
}

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const STS_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s).digest();
const upperAlnum = (n: number) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(randomBytes(n), (b) => abc[b % abc.length]).join('');
};

function errorXml(e: StsError, requestId: string): string {
  return `<ErrorResponse xmlns="${XMLNS}">\n  <Error>\n    <Type>${e.type}</Type>\n    <Code>${esc(e.code)}</Code>\n    <Message>${esc(e.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
}

/** AWS's canonical URI-encoding (RFC 3986 unreserved characters stay). */
const awsEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Verify a SigV4 Authorization header against the secret of its access key. Returns the access key
 * id, or throws the error STS would answer.
 */
function verifySigV4(req: IncomingMessage, body: Buffer, secretOf: (akid: string) => string | undefined): string {
  const auth = req.headers.authorization;
  if (!auth) throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) throw new StsError(400, 'IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature.');
  const [, akid, date, region, service, signedHeaders, signature] = m;
  const secret = secretOf(akid);
  if (secret === undefined) throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const url = new URL(req.url ?? '/', 'http://sts');
  const query = [...url.searchParams].map(([k, v]) => [awsEncode(k), awsEncode(v)]).sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = typeof req.headers['x-amz-content-sha256'] === 'string' ? req.headers['x-amz-content-sha256'] : sha256(body);
  const canonical = [req.method ?? 'POST', url.pathname.split('/').map(awsEncode).join('/') || '/', query.map(([k, v]) => `${k}=${v}`).join('&'), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/${service}/aws4_request`, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = hmac(key, toSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new StsError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return akid;
}

/** Two instances per account and region, with ids derived from both (stable across restarts). */
export function simInstances(account: string, region: string) {
  const h = sha256(`${account}/${region}`);
  return [
    { name: 'web-1', state: 'running', type: 't3.micro', ip: '10.0.1.12' },
    { name: 'batch-1', state: 'stopped', type: 'm5.large', ip: '10.0.2.40' },
  ].map((v, i) => ({ ...v, id: `i-0${h.slice(i * 16, i * 16 + 16)}`, reservationId: `r-0${h.slice(32 + i * 16, 32 + i * 16 + 16)}` }));
}

export const simBuckets = (account: string) => [`aurora-sim-${account}-logs`, `aurora-sim-${account}-assets`];

/**
 * How many sessions and calls the simulator keeps. Under `npm start -- --simulate` every connect
 * and status check assumes a role; kept forever, 40 000 requests held their sessions and request
 * bodies for good (issue 14). Our code mints credentials per use and uses them at once, so the
 * oldest session is long unused when it is dropped. 10 000 was itself the growth between 5 000 and
 * 40 000 requests (every status check and connect assumes a role, so the cap was reached only
 * after about 15 000 requests); 1 000 is still far more than a test file issues, and the load
 * reaches it within its first 2 000 requests (docs/performance.md).
 */
const MAX_KEPT = 1_000;

export const startAwsSimulator: SimulatorStarter = async (opts) => {
  const sessions = new Map<string, Session>();
  const control: AwsSimControl = {
    latencyMs: opts.latencyMs ?? 0,
    fault: null,
    hangMs: 30_000,
    trustedExternalIds: null,
    roles: new Map(),
    serviceIdentityBroken: false,
    calls: [],
    issuedSecrets: () => [...sessions.values()].flatMap((s) => [s.secretAccessKey, s.sessionToken]),
    reset() {
      control.latencyMs = opts.latencyMs ?? 0;
      control.fault = null;
      control.hangMs = 30_000;
      control.trustedExternalIds = null;
      control.roles.clear();
      control.serviceIdentityBroken = false;
      control.calls.length = 0;
    },
  };
  const keepCall = (call: StsCall) => {
    control.calls.push(call);
    if (control.calls.length > MAX_KEPT) control.calls.splice(0, control.calls.length - MAX_KEPT);
  };
  const closing = new AbortController();
  const hold = (res: ServerResponse) => holdRequest(res, control.hangMs, closing.signal);

  function callerOf(req: IncomingMessage, body: Buffer): Caller {
    const akid = verifySigV4(req, body, (id) => {
      if (id === AWS_SIM.serviceAccessKeyId) return control.serviceIdentityBroken ? undefined : AWS_SIM.serviceSecretAccessKey;
      return sessions.get(id)?.secretAccessKey;
    });
    if (akid === AWS_SIM.serviceAccessKeyId) return { kind: 'service' };
    const session = sessions.get(akid)!;
    if (req.headers['x-amz-security-token'] !== session.sessionToken) throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (session.expiresAt <= Date.now()) throw new StsError(400, 'ExpiredToken', 'The security token included in the request is expired');
    return { kind: 'session', session };
  }

  const callerArn = (c: Caller) => (c.kind === 'service' ? AWS_SIM.serviceArn : `arn:aws:sts::${c.session.accountId}:assumed-role/${c.session.roleName}/${c.session.sessionName}`);

  function trusts(roleArn: string, name: string, externalId: string | undefined): boolean {
    const t = control.roles.get(roleArn);
    if (t?.denied ?? name.includes('Denied')) return false;
    const noCondition = t?.assumableWithoutExternalId ?? name.includes('NoExternalId');
    if (noCondition) return true;
    if (externalId === undefined) return false;
    if (t?.externalId !== undefined) return t.externalId === externalId;
    if (name.includes('WrongExternalId')) return false;
    return control.trustedExternalIds ? control.trustedExternalIds.has(externalId) : externalId.length >= 32;
  }

  function assumeRole(p: URLSearchParams, caller: Caller, call: StsCall): string {
    const roleArn = p.get('RoleArn');
    const sessionName = p.get('RoleSessionName');
    if (!roleArn) throw new StsError(400, 'MissingParameter', 'The request must contain the parameter RoleArn');
    if (!sessionName) throw new StsError(400, 'MissingParameter', 'The request must contain the parameter RoleSessionName');
    const externalId = p.get('ExternalId') ?? undefined;
    const sourceIdentity = p.get('SourceIdentity') ?? undefined;
    const duration = Number(p.get('DurationSeconds') ?? 3600);
    const policyArns = [...p.keys()].filter((k) => /^PolicyArns\.member\.\d+\.arn$/.test(k)).map((k) => p.get(k)!);
    Object.assign(call, { roleArn, externalId, roleSessionName: sessionName, sourceIdentity, durationSeconds: duration, policyArns: policyArns.length ? policyArns : undefined });
    const m = ROLE_ARN.exec(roleArn);
    if (!m) throw new StsError(400, 'ValidationError', `${roleArn} is invalid`);
    if (!STS_NAME.test(sessionName)) {
      throw new StsError(400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    if (sourceIdentity !== undefined && (!STS_NAME.test(sourceIdentity) || sourceIdentity.startsWith('aws:'))) {
      throw new StsError(400, 'ValidationError', `1 validation error detected: Value '${sourceIdentity}' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
      throw new StsError(400, 'ValidationError', "1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
    }
    const [, , accountId, , roleName] = m;
    const maxSession = control.roles.get(roleArn)?.maxSessionSeconds ?? 3600;
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      throw new StsError(400, 'ValidationError', "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200");
    }
    if (duration > maxSession) throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    // The trust policy names Aurora's account: only Aurora's own identity may assume (no chaining from customer sessions).
    const trusted = caller.kind === 'service' && trusts(roleArn, roleName, externalId);
    if (!trusted) throw new StsError(403, 'AccessDenied', `User: ${callerArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    const session: Session = {
      accessKeyId: `ASIA${upperAlnum(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(180).toString('base64')}`,
      accountId,
      roleArn,
      roleName,
      roleId: `AROA${createHash('sha256').update(roleArn).digest('hex').slice(0, 17).toUpperCase()}`,
      sessionName,
      sourceIdentity,
      expiresAt: Date.now() + duration * 1000,
    };
    sessions.set(session.accessKeyId, session);
    // a Map iterates in insertion order: the first key is the oldest session
    while (sessions.size > MAX_KEPT) sessions.delete(sessions.keys().next().value!);
    return (
      `<AssumeRoleResponse xmlns="${XMLNS}">\n  <AssumeRoleResult>\n` +
      (sourceIdentity ? `    <SourceIdentity>${esc(sourceIdentity)}</SourceIdentity>\n` : '') +
      `    <AssumedRoleUser>\n      <Arn>arn:${m[1]}:sts::${accountId}:assumed-role/${esc(roleName)}/${esc(sessionName)}</Arn>\n      <AssumedRoleId>${session.roleId}:${esc(sessionName)}</AssumedRoleId>\n    </AssumedRoleUser>\n` +
      `    <Credentials>\n      <AccessKeyId>${session.accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${esc(session.secretAccessKey)}</SecretAccessKey>\n      <SessionToken>${esc(session.sessionToken)}</SessionToken>\n      <Expiration>${new Date(session.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>\n    </Credentials>\n` +
      (policyArns.length ? `    <PackedPolicySize>${Math.min(100, 6 * policyArns.length)}</PackedPolicySize>\n` : '') +
      `  </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n`
    );
  }

  function getCallerIdentity(caller: Caller): string {
    const [arn, userId, account] =
      caller.kind === 'service'
        ? [AWS_SIM.serviceArn, AWS_SIM.serviceUserId, AWS_SIM.serviceAccountId]
        : [callerArn(caller), `${caller.session.roleId}:${caller.session.sessionName}`, caller.session.accountId];
    return `<GetCallerIdentityResponse xmlns="${XMLNS}">\n  <GetCallerIdentityResult>\n    <Arn>${esc(arn)}</Arn>\n    <UserId>${esc(userId)}</UserId>\n    <Account>${account}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`;
  }

  function faultFor(action: string): StsFault | null {
    const f = control.fault;
    if (!f || (f.actions && !f.actions.includes(action as 'AssumeRole'))) return null;
    if (f.remaining !== undefined) {
      if (f.remaining <= 0) return null;
      f.remaining--;
    }
    return f;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const requestId = randomUUID();
    const send = (status: number, xml: string) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(xml) });
      res.end(xml);
    };
    if (control.latencyMs > 0) await sleep(control.latencyMs);
    const params = new URLSearchParams(req.method === 'POST' ? body.toString('utf8') : new URL(req.url ?? '/', 'http://sts').search);
    const scopeService = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (scopeService === 'ec2' || scopeService === 's3') return serviceRead(req, res, body, params, scopeService, requestId);
    const action = params.get('Action') ?? '';
    const call: StsCall = { action, caller: 'unknown', result: 'ok' };
    keepCall(call);
    try {
      const fault = faultFor(action);
      if (fault?.timeout) {
        call.result = 'Timeout';
        await hold(res);
        return;
      }
      if (fault) {
        const status = fault.status ?? 503;
        const code = fault.code ?? (status === 400 ? 'Throttling' : status === 503 ? 'ServiceUnavailable' : 'InternalFailure');
        throw new StsError(status, code, status === 400 ? 'Rate exceeded' : 'The service is unavailable. Please try again later.');
      }
      if (req.method !== 'POST') throw new StsError(400, 'InvalidAction', 'STS Query API requests are POSTed here');
      if (params.get('Version') !== '2011-06-15') throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
      const caller = callerOf(req, body);
      call.caller = caller.kind === 'service' ? 'service' : `session:${caller.session.roleArn}`;
      if (action === 'AssumeRole') send(200, assumeRole(params, caller, call));
      else if (action === 'GetCallerIdentity') send(200, getCallerIdentity(caller));
      else throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
    } catch (e) {
      const err = e instanceof StsError ? e : new StsError(500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.');
      call.result = err.code;
      send(err.status, errorXml(err, requestId));
    }
  }

  /** EC2 DescribeInstances and S3 ListBuckets for the caller's account (an assumed-role session). */
  function serviceRead(req: IncomingMessage, res: ServerResponse, body: Buffer, params: URLSearchParams, service: 'ec2' | 's3', requestId: string) {
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': service === 's3' ? 'application/xml' : 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId, 'content-length': Buffer.byteLength(xml) });
      res.end(xml);
    };
    let caller: Caller;
    try {
      caller = callerOf(req, body);
    } catch (e) {
      const err = e as StsError;
      if (service === 's3') return send(err.status, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code === 'SignatureDoesNotMatch' ? 'SignatureDoesNotMatch' : 'InvalidAccessKeyId'}</Code><Message>${esc(err.message)}</Message><RequestId>${requestId}</RequestId></Error>`);
      return send(err.status, `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>AuthFailure</Code><Message>${esc(err.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`);
    }
    const account = caller.kind === 'service' ? AWS_SIM.serviceAccountId : caller.session.accountId;
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'us-east-1';
    keepCall({ action: service === 's3' ? 'ListBuckets' : (params.get('Action') ?? ''), caller: caller.kind === 'service' ? 'service' : `session:${caller.session.roleArn}`, result: 'ok' });
    if (service === 's3') {
      if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://s3').pathname !== '/') return send(501, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NotImplemented</Code><Message>The simulator answers ListBuckets only</Message><RequestId>${requestId}</RequestId></Error>`);
      const buckets = simBuckets(account).map((b) => `<Bucket><Name>${b}</Name><CreationDate>2024-03-01T10:00:00.000Z</CreationDate></Bucket>`).join('');
      return send(200, `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${sha256(account)}</ID><DisplayName>aurora-sim-${account}</DisplayName></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
    }
    if (params.get('Action') !== 'DescribeInstances') {
      return send(400, `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidAction</Code><Message>The simulator answers DescribeInstances only</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`);
    }
    const items = simInstances(account, region)
      .map(
        (i) =>
          `<item><reservationId>${i.reservationId}</reservationId><ownerId>${account}</ownerId><groupSet/><instancesSet><item><instanceId>${i.id}</instanceId><imageId>ami-0sim000000000001</imageId><instanceState><code>${i.state === 'running' ? 16 : 80}</code><name>${i.state}</name></instanceState><privateDnsName>ip-${i.ip.replace(/\./g, '-')}.${region}.compute.internal</privateDnsName><dnsName/><instanceType>${i.type}</instanceType><launchTime>2024-03-01T10:00:00.000Z</launchTime><placement><availabilityZone>${region}a</availabilityZone><tenancy>default</tenancy></placement><privateIpAddress>${i.ip}</privateIpAddress><architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><tagSet><item><key>Name</key><value>${i.name}</value></item></tagSet></item></instancesSet></item>`,
      )
      .join('');
    return send(200, `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId><reservationSet>${items}</reservationSet></DescribeInstancesResponse>`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sim: AwsSimulator = {
    name: 'aws',
    url,
    control,
    env: {
      AURORA_AWS_STS_ENDPOINT: url,
      // the real aws CLI of cloud_tool runs: STS, EC2 and S3 all answered here
      AURORA_AWS_CLI_ENDPOINT_URL: url,
      AURORA_AWS_STS_REGION: 'us-east-1',
      // Aurora's own identity as the default credential chain finds it (env keys come first in it)
      AWS_ACCESS_KEY_ID: AWS_SIM.serviceAccessKeyId,
      AWS_SECRET_ACCESS_KEY: AWS_SIM.serviceSecretAccessKey,
      AWS_SESSION_TOKEN: '',
    },
    close: () =>
      new Promise<void>((ok) => {
        closing.abort();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  return sim;
};
