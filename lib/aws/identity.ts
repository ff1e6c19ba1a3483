import type { SigningCredentials } from './sigv4.ts';

/**
 * What every AWS call we make ourselves needs: Aurora's own credentials, the service's regional
 * endpoint, and which error codes are worth another attempt. Used by the DynamoDB client
 * (lib/db/dynamodb.ts), the AWS connector's STS calls (lib/connectors/aws/query.ts) and Vault's
 * IAM login (lib/secrets/index.ts).
 */

let chain: Promise<() => Promise<SigningCredentials>> | undefined;

/**
 * Aurora's own identity. On Lambda these are the function role's credentials, which the runtime
 * puts in the environment for the life of the execution environment: read there first, as the
 * SDK's default chain does (its fromEnv comes first too), with nothing loaded. Anywhere else
 * (SnapStart's container endpoint, a profile, an instance role) the SDK's default chain takes
 * over, imported only then; it memoizes and refreshes credentials that carry an expiry.
 */
export async function ownAwsCredentials(env: NodeJS.ProcessEnv = process.env): Promise<SigningCredentials> {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  // the promise is kept, not the provider: requests that start together share one chain and its cache
  chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => {
    const provider = defaultProvider();
    return async () => {
      const c = await provider();
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
    };
  });
  return (await chain)();
}

const DNS_SUFFIX: Array<[RegExp, string]> = [
  [/^cn-/, 'amazonaws.com.cn'],
  [/^us-isob-/, 'sc2s.sgov.gov'],
  [/^us-iso-/, 'c2s.ic.gov'],
  [/^eusc-/, 'amazonaws.eu'],
];

/** The regional endpoint of a service, as the SDK resolves it in each partition (the override wins). */
export function regionalEndpoint(service: string, region: string, override?: string): string {
  if (override) return override;
  const suffix = DNS_SUFFIX.find(([re]) => re.test(region))?.[1] ?? 'amazonaws.com';
  return `https://${service}.${region}.${suffix}`;
}

/**
 * The SDK's THROTTLING_ERROR_CODES and TRANSIENT_ERROR_CODES: an error of one of these names (with
 * any HTTP status) says "not now", and its request is tried again with backoff.
 */
export const RETRYABLE_AWS_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalServerError',
  'ServiceUnavailable',
]);
