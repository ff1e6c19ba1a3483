import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Config } from '../../config.ts';
import { SecretValue } from '../../secret-value.ts';

/**
 * The STS calls the AWS connector makes, over the AWS SDK v3. A client is built per call: clients
 * holding a customer's temporary credentials must never outlive the request that minted them, and
 * Aurora's own identity comes from the SDK's default chain (function role, env keys, web identity).
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
  /** the STS error code or the SDK error name (never a credential) */
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

export function classifyStsError(e: unknown): StsFailure {
  if (e instanceof StsFailure) return e;
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  const code = err?.name && err.name !== 'Error' ? err.name : (err?.code ?? 'UnknownError');
  const status = err?.$metadata?.httpStatusCode;
  if (DENIED.has(code)) return new StsFailure('denied', code, 'STS denied the request', status);
  if (OWN_IDENTITY.has(code)) return new StsFailure('own_identity', code, "STS refused Aurora's own AWS credentials", status);
  if (INVALID.has(code)) return new StsFailure('invalid', code, 'STS refused a request parameter', status);
  const timedOut = code === 'TimeoutError' || code === 'RequestTimeout' || code === 'ETIMEDOUT' || /timed? ?out/i.test(err?.message ?? '');
  return new StsFailure('unavailable', timedOut ? 'Timeout' : code, timedOut ? 'STS did not answer in time' : 'STS is unavailable', status);
}

function client(cfg: Config, credentials?: SecretValue<TempCredentials>): STSClient {
  const c = credentials?.reveal();
  return new STSClient({
    region: cfg.aws.stsRegion ?? cfg.core.region,
    ...(cfg.aws.stsEndpoint ? { endpoint: cfg.aws.stsEndpoint } : {}),
    maxAttempts: cfg.aws.stsMaxAttempts,
    // without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes
    requestHandler: { requestTimeout: cfg.aws.stsTimeoutMs, connectionTimeout: cfg.aws.stsTimeoutMs, throwOnRequestTimeout: true },
    ...(c ? { credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken } } : {}),
  });
}

async function call<T>(cfg: Config, credentials: SecretValue<TempCredentials> | undefined, fn: (c: STSClient) => Promise<T>): Promise<T> {
  const c = client(cfg, credentials);
  try {
    return await fn(c);
  } catch (e) {
    throw classifyStsError(e);
  } finally {
    c.destroy();
  }
}

/** AssumeRole as Aurora; the temporary credentials come back wrapped, never as plain fields. */
export async function assumeRole(cfg: Config, p: AssumeRoleParams): Promise<{ credentials: SecretValue<TempCredentials>; assumedRoleArn: string }> {
  return call(cfg, undefined, async (c) => {
    const r = await c.send(
      new AssumeRoleCommand({
        RoleArn: p.roleArn,
        RoleSessionName: p.sessionName,
        SourceIdentity: p.sourceIdentity,
        DurationSeconds: p.durationSeconds,
        ...(p.externalId !== undefined ? { ExternalId: p.externalId } : {}),
        ...(p.policyArns?.length ? { PolicyArns: p.policyArns.map((arn) => ({ arn })) } : {}),
      }),
    );
    const k = r.Credentials;
    if (!k?.AccessKeyId || !k.SecretAccessKey || !k.SessionToken || !k.Expiration) {
      throw new StsFailure('unavailable', 'IncompleteResponse', 'STS answered AssumeRole without credentials');
    }
    return {
      credentials: new SecretValue({ accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, sessionToken: k.SessionToken, expiration: k.Expiration.toISOString() }),
      assumedRoleArn: r.AssumedRoleUser?.Arn ?? '',
    };
  });
}

/** GetCallerIdentity as Aurora (no credentials given) or as an assumed role. */
export async function callerIdentity(cfg: Config, credentials?: SecretValue<TempCredentials>): Promise<CallerIdentity> {
  return call(cfg, credentials, async (c) => {
    const r = await c.send(new GetCallerIdentityCommand({}));
    if (!r.Account || !r.Arn) throw new StsFailure('unavailable', 'IncompleteResponse', 'STS answered GetCallerIdentity without an account');
    return { account: r.Account, arn: r.Arn, userId: r.UserId ?? '' };
  });
}
