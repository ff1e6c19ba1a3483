import type { Agent, IncomingHttpHeaders, IncomingMessage, request as httpRequest } from 'node:http';
import { isRetryableStatus, realClock, withRetry, type RetryClock } from '../retry.ts';
import { RETRYABLE_AWS_CODES } from './identity.ts';
import { signRequest, type SigningCredentials } from './sigv4.ts';

/**
 * One signed request to an AWS service, for the clients we keep ourselves instead of the SDK's
 * (DynamoDB, lib/db/dynamodb.ts; API Gateway's management API, lib/kubectl/management.ts): over
 * node:http(s) with kept-alive connections, SigV4 afresh on each attempt, and the SDK's standard
 * retry mode (the attempts the caller gives, full-jitter backoff from 100 ms capped at 20 s, the
 * retry quota below) for throttling, server faults, timeouts and connections that break. A
 * refusal is thrown at once.
 */

/**
 * An error the service answered (its code is the name: ConditionalCheckFailedException,
 * GoneException...) or a fault on the way (NetworkError, TimeoutError). `$fault` and `$metadata`
 * are the SDK's, so lib/http/handler.ts answers a server-side fault as 503.
 */
export class AwsError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number; requestId?: string };
  /** the answer's document, for a client that reads more than the code and message from it */
  readonly document?: Record<string, unknown>;
  constructor(name: string, message: string, opts: { status?: number; requestId?: string; document?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = name;
    this.$fault = opts.status === undefined || opts.status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: opts.status, requestId: opts.requestId };
    if (opts.document) this.document = opts.document;
  }
}

export interface AwsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface AwsEndpoint {
  /** the service's base URL (a string: the stacks' typecheck sees these modules with another @types/node, whose URL type differs) */
  url: string;
  region: string;
  /** the signing name: dynamodb, execute-api */
  service: string;
  credentials: () => Promise<SigningCredentials>;
  /** attempts in all, the first included (the SDK's maxAttempts) */
  attempts: number;
  /** how long one attempt may go without a byte from the service */
  timeoutMs: number;
  clock?: RetryClock;
}

const RETRY_DELAYS = { baseDelayMs: 100, maxDelayMs: 20_000 };

/**
 * The standard mode's retry quota, per endpoint as the SDK keeps one per client: 500 tokens, a
 * retry costs 5 (10 after a timeout or a broken connection), a success gives back what its retry
 * cost, or 1 when it needed none. During an outage retries stop once the quota is spent, so the
 * callers' load on a struggling service is not multiplied by the attempts; they come back as
 * requests succeed again.
 */
export const RETRY_QUOTA = { capacity: 500, cost: 5, timeoutCost: 10 } as const;
const quotas = new WeakMap<AwsEndpoint, { tokens: number }>();
const quotaOf = (ep: AwsEndpoint) => {
  let q = quotas.get(ep);
  if (!q) quotas.set(ep, (q = { tokens: RETRY_QUOTA.capacity }));
  return q;
};

// One keep-alive agent per scheme for the process (the SDK's NodeHttpHandler keeps one per client):
// a TLS handshake per call would cost more than most calls.
const agents = new Map<string, { agent: Agent; request: typeof httpRequest }>();
function transport(protocol: string): { agent: Agent; request: typeof httpRequest } {
  let t = agents.get(protocol);
  if (!t) {
    // process.getBuiltinModule, not an import: an ES import of node:http builds its module
    // namespace by reading every export, and its WebSocket, CloseEvent and MessageEvent getters
    // load undici, about 30 ms of a cold start for a client that never uses it (docs/performance.md,
    // "Our own AWS clients")
    const http = process.getBuiltinModule(protocol === 'https:' ? 'node:https' : 'node:http');
    t = { agent: new http.Agent({ keepAlive: true, maxSockets: 50 }), request: http.request as typeof httpRequest };
    agents.set(protocol, t);
  }
  return t;
}

/** Closes the kept-alive connections (the end of a test or a script; a function never needs to). */
export function closeAwsConnections(): void {
  for (const t of agents.values()) t.agent.destroy();
  agents.clear();
}

/**
 * Send the request, retried as the SDK would; answers a 2xx as it came, throws anything else as
 * an AwsError named as the SDK names it (`errorOf`).
 */
export async function awsCall(ep: AwsEndpoint, req: { method: string; url: string; headers: Record<string, string>; body: string }): Promise<AwsAnswer> {
  const clock = ep.clock ?? realClock;
  const quota = quotaOf(ep);
  let spent = 0;
  return withRetry(
    { attempts: ep.attempts, ...RETRY_DELAYS },
    async () => {
      const answer = await send(ep, req, await ep.credentials(), clock);
      if (answer.status >= 200 && answer.status < 300) {
        quota.tokens = Math.min(RETRY_QUOTA.capacity, quota.tokens + (spent || 1));
        return answer;
      }
      throw errorOf(answer);
    },
    (outcome) => {
      if (outcome.ok || !isRetryableAwsError(outcome.error)) return false;
      const cost = (outcome.error as AwsError).$metadata.httpStatusCode === undefined ? RETRY_QUOTA.timeoutCost : RETRY_QUOTA.cost;
      if (quota.tokens < cost) return false;
      quota.tokens -= cost;
      spent = cost;
      return {};
    },
    clock,
  );
}

function send(ep: AwsEndpoint, req: { method: string; url: string; headers: Record<string, string>; body: string }, creds: SigningCredentials, clock: RetryClock): Promise<AwsAnswer> {
  const headers = signRequest({ method: req.method, url: req.url, headers: req.headers, body: req.body }, creds, { region: ep.region, service: ep.service }, new Date(clock.now()));
  headers['content-length'] = String(Buffer.byteLength(req.body));
  const { agent, request } = transport(new URL(req.url).protocol);
  return new Promise((resolve, reject) => {
    const r = request(req.url, { method: req.method, headers, agent }, (res) => {
      readAll(res).then(
        (text) => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }),
        (e: unknown) => reject(new AwsError('NetworkError', `the answer from ${ep.service} was cut off`, { cause: e })),
      );
    });
    r.setTimeout(ep.timeoutMs, () => r.destroy(new AwsError('TimeoutError', `${ep.service} sent nothing for ${ep.timeoutMs} ms`)));
    r.on('error', (e) => reject(e instanceof AwsError ? e : new AwsError('NetworkError', `${ep.service} could not be reached (${(e as NodeJS.ErrnoException).code ?? e.message})`, { cause: e })));
    r.end(req.body);
  });
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('aborted')));
  });
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * An error answer as the SDK names it: the JSON protocols' `__type` ("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"),
 * else the X-Amzn-ErrorType header ("GoneException:http://internal.amazon.com/..."), else the
 * status. The message is the service's own words, which name a resource or a parameter, never a value.
 */
function errorOf(a: AwsAnswer): AwsError {
  let doc: Record<string, unknown> | undefined;
  try {
    doc = a.text ? (JSON.parse(a.text) as Record<string, unknown>) : undefined;
  } catch {
    doc = undefined;
  }
  const type = String(doc?.__type ?? header(a.headers, 'x-amzn-errortype') ?? '');
  const name = type.split('#').pop()!.split(':')[0] || (a.status >= 500 ? 'InternalServerError' : `HTTP${a.status}`);
  const message = String(doc?.message ?? doc?.Message ?? `the service answered HTTP ${a.status}`);
  return new AwsError(name, message, { status: a.status, requestId: header(a.headers, 'x-amzn-requestid') ?? header(a.headers, 'x-amz-request-id'), document: doc });
}

export function isRetryableAwsError(e: unknown): boolean {
  if (!(e instanceof AwsError)) return false;
  const status = e.$metadata.httpStatusCode;
  // nothing came back: a reused connection the server had closed, a reset, a timeout
  if (status === undefined) return true;
  return isRetryableStatus(status) || RETRYABLE_AWS_CODES.has(e.name);
}
