import type { Config } from '../../config.ts';
import { SecretValue } from '../../secret-value.ts';
import { queryAction, regionalEndpoint, xmlText, type QueryEndpoint } from './query.ts';

/**
 * The STS calls the AWS connector makes, over the Query protocol (./query.ts). A customer's
 * temporary credentials sign only the request they are passed to and are kept nowhere; Aurora's
 * own identity is the function role's (lib/aws/identity.ts: the variables Lambda sets, else the
 * SDK's default chain).
 */
export interface TempCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601 */
  expiration: string;
}

export interface AssumeRoleParams {
  roleArn: string;
  /** omitted only by the confused-deputy probe */
  externalId?: string;
  sessionName: string;
  sourceIdentity: string;
  durationSeconds: number;
  /** session policies that narrow the role (read-only mode without a read-only role) */
  policyArns?: string[];
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/**
 * Why an STS call failed, in the terms callers act on:
 * denied: STS refused the role (trust policy, External ID) — the customer must fix it;
 * own_identity: Aurora's own credentials are missing or refused — our configuration;
 * invalid: STS refused a parameter;
 * unavailable: 5xx, throttling, timeout, network — try again later.
 */
export type StsFailureKind = 'denied' | 'own_identity' | 'invalid' | 'unavailable';

export class StsFailure extends Error {
  readonly kind: StsFailureKind;
  /** the STS error code, or the fault's name (never a credential) */
  readonly code: string;
  readonly httpStatus?: number;
  constructor(kind: StsFailureKind, code: string, message: string, httpStatus?: number) {
    super(message);
    this.name = 'StsFailure';
    this.kind = kind;
    this.code = code;
    this.httpStatus = httpStatus;
  }
  /** a short, secret-free description for status reasons and logs */
  describe(): string {
    return this.httpStatus ? `${this.code}, HTTP ${this.httpStatus}` : this.code;
  }
}

const OWN_IDENTITY = new Set([
  'CredentialsProviderError',
  'ProviderError',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const INVALID = new Set(['ValidationError', 'MalformedPolicyDocument', 'MalformedPolicyDocumentException', 'PackedPolicyTooLarge', 'PackedPolicyTooLargeException']);

/** A QueryError (./query.ts), or whatever the credential chain threw, in the terms callers act on. */
export function classifyStsError(e: unknown): StsFailure {
  if (e instanceof StsFailure) return e;
  const err = e as { name?: string; code?: string; httpStatus?: number; message?: string };
  const code = err?.name && err.name !== 'Error' ? err.name : (err?.code ?? 'UnknownError');
  const status = err?.httpStatus;
  if (DENIED.has(code)) return new StsFailure('denied', code, 'STS denied the request', status);
  if (OWN_IDENTITY.has(code)) return new StsFailure('own_identity', code, "STS refused Aurora's own AWS credentials", status);
  if (INVALID.has(code)) return new StsFailure('invalid', code, 'STS refused a request parameter', status);
  const timedOut = code === 'TimeoutError' || code === 'RequestTimeout' || code === 'ETIMEDOUT';
  return new StsFailure('unavailable', timedOut ? 'Timeout' : code, timedOut ? 'STS did not answer in time' : 'STS is unavailable', status);
}

function endpoint(cfg: Config): QueryEndpoint {
  const region = cfg.aws.stsRegion ?? cfg.core.region;
  return { url: regionalEndpoint('sts', region, cfg.aws.stsEndpoint), region, service: 'sts', version: '2011-06-15', timeoutMs: cfg.aws.stsTimeoutMs, attempts: cfg.aws.stsMaxAttempts };
}

async function call(cfg: Config, action: string, params: Record<string, string>, credentials?: SecretValue<TempCredentials>): Promise<string> {
  try {
    return await queryAction(endpoint(cfg), action, params, credentials?.reveal());
  } catch (e) {
    throw classifyStsError(e);
  }
}

/** AssumeRole as Aurora; the temporary credentials come back wrapped, never as plain fields. */
export async function assumeRole(cfg: Config, p: AssumeRoleParams): Promise<{ credentials: SecretValue<TempCredentials>; assumedRoleArn: string }> {
  const params: Record<string, string> = { RoleArn: p.roleArn, RoleSessionName: p.sessionName, SourceIdentity: p.sourceIdentity, DurationSeconds: String(p.durationSeconds) };
  if (p.externalId !== undefined) params.ExternalId = p.externalId;
  p.policyArns?.forEach((arn, i) => (params[`PolicyArns.member.${i + 1}.arn`] = arn));
  const xml = await call(cfg, 'AssumeRole', params);
  const k = (name: string) => xmlText(xml, ['AssumeRoleResult', 'Credentials', name]);
  const expiration = Date.parse(k('Expiration'));
  const [accessKeyId, secretAccessKey, sessionToken] = [k('AccessKeyId'), k('SecretAccessKey'), k('SessionToken')];
  if (!accessKeyId || !secretAccessKey || !sessionToken || !Number.isFinite(expiration)) {
    throw new StsFailure('unavailable', 'IncompleteResponse', 'STS answered AssumeRole without credentials');
  }
  return {
    credentials: new SecretValue({ accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration).toISOString() }),
    assumedRoleArn: xmlText(xml, ['AssumeRoleResult', 'AssumedRoleUser', 'Arn']),
  };
}

/** GetCallerIdentity as Aurora (no credentials given) or as an assumed role. */
export async function callerIdentity(cfg: Config, credentials?: SecretValue<TempCredentials>): Promise<CallerIdentity> {
  const xml = await call(cfg, 'GetCallerIdentity', {}, credentials);
  const f = (name: string) => xmlText(xml, ['GetCallerIdentityResult', name]);
  if (!f('Account') || !f('Arn')) throw new StsFailure('unavailable', 'IncompleteResponse', 'STS answered GetCallerIdentity without an account');
  return { account: f('Account'), arn: f('Arn'), userId: f('UserId') };
}
