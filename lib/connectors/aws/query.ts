import { ownAwsCredentials, regionalEndpoint, RETRYABLE_AWS_CODES } from '../../aws/identity.ts';
import { signRequest, type SigningCredentials } from '../../aws/sigv4.ts';
import { isRetryableStatus, withRetry, type RetryPolicy } from '../../retry.ts';

/**
 * The AWS Query protocol (form-encoded POST, XML answer) for the two STS calls the AWS connector
 * makes, signed with SigV4 (lib/aws/sigv4.ts). We used @aws-sdk/client-sts before: 25 KB of
 * generated client in aws.auth, aws.reconnect and aws.onboarding, plus one more file at every cold
 * start (docs/performance.md, "What loads where"), for two actions of five parameters each. The
 * issue that set the cold-start budget allows calling simple endpoints over our own HTTP client;
 * the simulator (lib/connectors/aws/simulator.ts) verifies every signature and answers with STS's
 * own documents, so the integration tests hold this client to the wire protocol.
 *
 * Retries follow the SDK's standard mode, which the previous client had: network faults,
 * timeouts, 5xx and STS's throttling codes (an HTTP 400 with <Code>Throttling</Code>) are tried
 * again with jittered exponential backoff; a refusal is final at once. Each attempt is signed
 * afresh, so a retry after a long backoff never carries a stale X-Amz-Date.
 */
export interface QueryEndpoint {
  url: string;
  /** the signing region */
  region: string;
  service: string;
  /** the API version every request names (STS: 2011-06-15) */
  version: string;
  timeoutMs: number;
  attempts: number;
}

/** An error document's code and message, or a fault the request met on the way. */
export class QueryError extends Error {
  readonly code: string;
  readonly httpStatus?: number;
  constructor(code: string, message: string, httpStatus?: number) {
    super(message);
    this.name = code;
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** Whether a failed attempt is worth repeating: never a refusal, always a fault. */
export function isRetryableQueryError(e: unknown): boolean {
  if (!(e instanceof QueryError)) return false;
  if (e.httpStatus === undefined) return true; // network fault or timeout: nothing reached STS, or nothing came back
  return isRetryableStatus(e.httpStatus) || RETRYABLE_AWS_CODES.has(e.code);
}

export { regionalEndpoint };

const RETRY = { baseDelayMs: 100, maxDelayMs: 20_000 };

/**
 * One Query action: `params` besides Action and Version, signed as Aurora (no `credentials`) or
 * as the given temporary credentials. Answers the response document's text; an error document
 * is thrown as a QueryError with its code, a fault as a QueryError whose code names it.
 */
export async function queryAction(ep: QueryEndpoint, action: string, params: Record<string, string>, credentials?: SigningCredentials): Promise<string> {
  const creds = credentials ?? (await ownAwsCredentials());
  const body = new URLSearchParams({ Action: action, Version: ep.version, ...params }).toString();
  const policy: RetryPolicy = { attempts: ep.attempts, ...RETRY };
  return withRetry(
    policy,
    async () => {
      const headers = signRequest({ method: 'POST', url: ep.url, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, creds, { region: ep.region, service: ep.service }, new Date());
      // host is set by fetch from the URL; sending it as well is refused by undici
      delete headers.host;
      let res: Response;
      let text: string;
      try {
        res = await fetch(ep.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(ep.timeoutMs) });
        text = await res.text();
      } catch (e) {
        throw faultOf(e);
      }
      if (res.ok) return text;
      const code = xmlText(text, ['Error', 'Code']);
      // only STS's own words, which name a role or a parameter, never a credential
      throw new QueryError(code || `HTTP${res.status}`, xmlText(text, ['Error', 'Message']) || `HTTP ${res.status}`, res.status);
    },
    (o) => (!o.ok && isRetryableQueryError(o.error) ? {} : false),
  );
}

function faultOf(e: unknown): QueryError {
  const err = e as { name?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return new QueryError('TimeoutError', 'the request timed out');
  return new QueryError(err?.cause?.code ?? 'NetworkError', 'the request did not reach the service');
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITY[e],
  );

/**
 * The text of the element at `path` (each step the first element of that name inside the last),
 * entities decoded; '' when absent. Enough for STS's documents, whose elements hold text or other
 * elements, never both, and never an element inside one of the same name.
 */
export function xmlText(xml: string, path: string[]): string {
  let inner = xml;
  for (const name of path) {
    const open = new RegExp(`<${name}(?:\\s[^>]*)?(/?)>`).exec(inner);
    if (!open) return '';
    if (open[1] === '/') return '';
    const from = open.index + open[0].length;
    const close = inner.indexOf(`</${name}>`, from);
    if (close < 0) return '';
    inner = inner.slice(from, close);
  }
  return decode(inner.trim());
}
