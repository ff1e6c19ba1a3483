import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { load } from '../../lib/config.ts';
import { setRetryDelayScale } from '../../lib/retry.ts';
import { secret } from '../../lib/secret-value.ts';
import { googleCall, GoogleApiError, resourcePath, seg, type GoogleCtx } from '../../lib/connectors/gcp/google.ts';
import { projectBillingEnabled } from '../../lib/connectors/gcp/billing.ts';
import { getProjectPolicy } from '../../lib/connectors/gcp/crm.ts';
import { ensureServiceAccount } from '../../lib/connectors/gcp/iam.ts';
import { getOperation } from '../../lib/connectors/gcp/service-usage.ts';

/**
 * googleCall (lib/connectors/gcp/google.ts) against a local HTTP server that answers from a
 * script, one answer per request: what goes on the wire, what is retried, and what an error
 * carries. Retry delays are scaled down (no sleeps); the one timeout test uses a server that never
 * answers, so it does not depend on how fast the machine is.
 */
type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const FIRST = 'ya29.first-token-value';
const SECOND = 'ya29.second-token-value';

let server: Server;
let base: string;
let script: Answer[] = [];
let seen: Seen[] = [];
const hanging: ServerResponse[] = [];

function answer(res: ServerResponse, a: Answer) {
  if (a === 'hang') return void hanging.push(res);
  const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
  res.writeHead(a.status, { 'content-type': typeof a.body === 'string' ? 'text/html' : 'application/json; charset=UTF-8', ...a.headers });
  res.end(text);
}

beforeAll(async () => {
  setRetryDelayScale(0.001);
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    // the last answer repeats: "always 503" is a script of one
    answer(res, script.length > 1 ? script.shift()! : (script[0] ?? { status: 200, body: {} }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  setRetryDelayScale(1);
  for (const r of hanging) r.destroy();
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

beforeEach(() => {
  script = [];
  seen = [];
});

/** A context on the local server; `renews` counts the token renewals googleCall asked for. */
function context(env: Record<string, string> = {}): GoogleCtx & { renews: number } {
  const cfg = load({ GCP_HTTP_ATTEMPTS: '3', GCP_CRM_ROOT_URL: base.slice(0, -1), GCP_IAM_ROOT_URL: base.slice(0, -1), GCP_SERVICEUSAGE_ROOT_URL: base.slice(0, -1), ...env }).gcp;
  const ctx = {
    cfg,
    renews: 0,
    auth: {
      token: async () => secret(FIRST),
      renew: async () => {
        ctx.renews++;
        return secret(SECOND);
      },
    },
  };
  return ctx;
}

const failure = async (p: Promise<unknown>): Promise<GoogleApiError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(GoogleApiError);
  return e as GoogleApiError;
};

/** Everything an error could be printed or logged as. */
const printed = (e: Error) => [e.message, String(e), e.stack ?? '', JSON.stringify(e), JSON.stringify({ ...e })].join('\n');

describe('googleCall: the request', () => {
  it('sends the bearer token, JSON body with its content type and the query, and parses the JSON answer', async () => {
    script = [{ status: 200, body: { ok: true, n: 1 } }];
    const r = await googleCall<{ ok: boolean; n: number }>(context(), 'test.post', { method: 'POST', url: `${base}v1/things:do`, body: { a: [1, 'x'] }, query: { pageSize: 100, pageToken: 'a b/c', skipped: undefined } });
    expect(r).toEqual({ ok: true, n: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/things:do?pageSize=100&pageToken=a+b%2Fc', body: '{"a":[1,"x"]}' });
    expect(seen[0].headers.authorization).toBe(`Bearer ${FIRST}`);
    expect(seen[0].headers['content-type']).toBe('application/json');
  });

  it('a GET has no body and no content type; an empty 2xx answer is an empty object', async () => {
    script = [{ status: 200 }];
    expect(await googleCall(context(), 'test.get', { url: `${base}v1/x` })).toEqual({});
    expect(seen[0]).toMatchObject({ method: 'GET', body: '' });
    expect(seen[0].headers['content-type']).toBeUndefined();
  });

  it('keeps the paths the generated clients sent; a project id cannot add segments, a query or walk up the path', async () => {
    const ctx = context();
    script = [{ status: 200, body: { version: 1, bindings: [] } }];
    await getProjectPolicy(ctx, 'my-project');
    await getProjectPolicy(ctx, 'evil/../../x?y#z');
    await getOperation(ctx, 'operations/acat.p2-1-0001');
    script = [{ status: 200, body: { email: 'sa-1@p-1.iam.gserviceaccount.com' } }];
    await ensureServiceAccount(ctx, 'p-1', 'sa-1', 'd', 'd');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /v3/projects/my-project:getIamPolicy',
      'POST /v3/projects/evil%2F..%2F..%2Fx%3Fy%23z:getIamPolicy',
      'GET /v1/operations/acat.p2-1-0001',
      'GET /v1/projects/p-1/serviceAccounts/sa-1@p-1.iam.gserviceaccount.com',
    ]);
    expect(JSON.parse(seen[0].body)).toEqual({ options: { requestedPolicyVersion: 3 } });
    expect(seg('a/b?c#d%2F\\e')).toBe('a%2Fb%3Fc%23d%252F%5Ce');
    expect(resourcePath('operations/x/../y')).toBe('operations/x/../y');
  });

  it('refuses a dot segment before asking for a token or sending anything', async () => {
    let tokens = 0;
    const ctx = { ...context({ GCP_BILLING_ROOT_URL: base.slice(0, -1) }), auth: { token: async () => (tokens++, secret(FIRST)) } };
    for (const id of ['..', '.']) {
      expect(await failure(projectBillingEnabled(ctx, id))).toMatchObject({ status: 400, reason: 'INVALID_ARGUMENT', retryable: false });
      expect((await failure(googleCall(ctx, 'x', { url: `${base}v1/projects/${seg(id)}/services` }))).status).toBe(400);
    }
    expect((await failure(getOperation(ctx, 'operations/../../v1/projects/p'))).status).toBe(400);
    expect((await failure(googleCall(ctx, 'x', { url: `${base}v1/a/%2E%2e/b` }))).status).toBe(400);
    expect(seen).toEqual([]);
    expect(tokens).toBe(0);
  });
});

describe('googleCall: retries', () => {
  it('retries a 503 and returns the answer that follows', async () => {
    script = [{ status: 503, body: { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } } }, { status: 200, body: { done: true } }];
    expect(await googleCall(context(), 'test.get', { url: `${base}v1/x` })).toEqual({ done: true });
    expect(seen).toHaveLength(2);
  });

  it('gives up after GCP_HTTP_ATTEMPTS with the last fault as a retryable GoogleApiError', async () => {
    script = [{ status: 500, body: '<html>Server Error</html>' }];
    const e = await failure(googleCall(context(), 'test.get', { url: `${base}v1/x` }));
    expect(e).toMatchObject({ api: 'test.get', status: 500, reason: 'HTTP_500', message: 'test.get: HTTP 500', retryable: true });
    expect(seen).toHaveLength(3);
  });

  it('honours Retry-After: a wait the policy allows is retried, a longer one ends the retries at once', async () => {
    script = [{ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } } }, { status: 200, body: { ok: 1 } }];
    expect(await googleCall(context(), 'test.get', { url: `${base}v1/x` })).toEqual({ ok: 1 });
    expect(seen).toHaveLength(2);

    seen = [];
    // the policy's longest delay is 8 s: coming back sooner than Google asked would be refused again
    script = [{ status: 429, headers: { 'retry-after': '30' }, body: { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } } }, { status: 200, body: {} }];
    const e = await failure(googleCall(context(), 'test.get', { url: `${base}v1/x` }));
    expect(e).toMatchObject({ status: 429, reason: 'RESOURCE_EXHAUSTED', retryable: true, retryAfter: '30' });
    expect(seen).toHaveLength(1);
  });

  it('a 401 renews the token once, outside the retry budget, and a second 401 is the answer', async () => {
    const ctx = context({ GCP_HTTP_ATTEMPTS: '1' });
    script = [{ status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } }, { status: 200, body: { ok: true } }];
    expect(await googleCall(ctx, 'test.get', { url: `${base}v1/x` })).toEqual({ ok: true });
    expect(seen.map((s) => s.headers.authorization)).toEqual([`Bearer ${FIRST}`, `Bearer ${SECOND}`]);
    expect(ctx.renews).toBe(1);

    seen = [];
    const again = context();
    script = [{ status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } }];
    const e = await failure(googleCall(again, 'test.get', { url: `${base}v1/x` }));
    expect(e).toMatchObject({ status: 401, reason: 'UNAUTHENTICATED', retryable: false });
    expect(again.renews).toBe(1);
    expect(seen).toHaveLength(2);
  });

  it('a timeout is a retryable network fault, "timed out", retried up to the attempts', async () => {
    script = ['hang'];
    const e = await failure(googleCall(context({ GCP_HTTP_TIMEOUT_MS: '100', GCP_HTTP_ATTEMPTS: '2' }), 'test.get', { url: `${base}v1/slow` }));
    expect(e).toMatchObject({ status: 0, reason: 'NETWORK', message: 'test.get: timed out', retryable: true });
    expect(seen).toHaveLength(2);
  });

  it('a refused connection is a retryable "network error"', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const e = await failure(googleCall(context({ GCP_HTTP_ATTEMPTS: '2' }), 'test.get', { url: `http://127.0.0.1:${port}/v1/x` }));
    expect(e).toMatchObject({ status: 0, reason: 'NETWORK', message: 'test.get: network error', retryable: true });
    expect(printed(e)).not.toContain(FIRST);
  });
});

describe('googleCall: errors', () => {
  it('404 and 409 are answers: not retried, with Google\'s status, reason and message', async () => {
    script = [{ status: 404, body: { error: { code: 404, message: 'Unknown service account', status: 'NOT_FOUND' } } }];
    const nf = await failure(googleCall(context(), 'iam.serviceAccounts.get', { url: `${base}v1/x` }));
    expect(nf).toMatchObject({ api: 'iam.serviceAccounts.get', status: 404, reason: 'NOT_FOUND', message: 'iam.serviceAccounts.get: Unknown service account', retryable: false });
    script = [{ status: 409, body: { error: { code: 409, message: 'There were concurrent policy changes.', status: 'ABORTED' } } }];
    const conflict = await failure(googleCall(context(), 'crm.setIamPolicy', { method: 'POST', url: `${base}v1/x`, body: {} }));
    expect(conflict).toMatchObject({ status: 409, reason: 'ABORTED', retryable: false });
    expect(seen).toHaveLength(2);
  });

  it('reads OAuth-style errors, and caps the message at 300 characters', async () => {
    script = [{ status: 400, body: { error: 'invalid_request', error_description: 'Invalid Credentials' } }];
    expect(await failure(googleCall(context(), 'openidconnect.userinfo', { url: `${base}v1/userinfo` }))).toMatchObject({ status: 400, reason: 'invalid_request', message: 'openidconnect.userinfo: invalid_request: Invalid Credentials' });
    script = [{ status: 403, body: { error: { code: 403, message: 'x'.repeat(1000), status: 'PERMISSION_DENIED' } } }];
    expect((await failure(googleCall(context(), 'a', { url: `${base}v1/x` }))).message).toBe(`a: ${'x'.repeat(300)}`);
  });

  it('never carries the token or the request body, even from a server that echoes them', async () => {
    const ctx = context();
    script = [{ status: 403, body: { error: { code: 403, message: `you sent Bearer ${FIRST}`, status: 'PERMISSION_DENIED' } } }];
    const e = await failure(googleCall(ctx, 'a', { method: 'POST', url: `${base}v1/x`, body: { password: 'hunter2' } }));
    expect(e.message).toBe('a: you sent Bearer [redacted]');
    // the token at the 300-character cut: no prefix of it is left either
    script = [{ status: 403, body: { error: { code: 403, message: `${'x'.repeat(290)}${FIRST}`, status: 'PERMISSION_DENIED' } } }];
    const cut = await failure(googleCall(ctx, 'a', { url: `${base}v1/x` }));
    expect(printed(cut)).not.toContain(FIRST.slice(0, 10));
    for (const err of [e, cut]) {
      expect(printed(err)).not.toContain(FIRST);
      expect(printed(err)).not.toContain('hunter2');
    }
  });

  it('does not follow a redirect with the token, and reports an unreadable 2xx without repeating it', async () => {
    script = [{ status: 302, headers: { location: `${base}elsewhere` } }];
    expect(await failure(googleCall(context(), 'a', { url: `${base}v1/x` }))).toMatchObject({ status: 302, retryable: false });
    expect(seen.map((s) => s.url)).toEqual(['/v1/x']);
    seen = [];
    script = [{ status: 200, body: '<html>sign in</html>' }];
    expect(await failure(googleCall(context(), 'a', { method: 'POST', url: `${base}v1/x`, body: {} }))).toMatchObject({ reason: 'INVALID_RESPONSE', retryable: false });
    expect(seen).toHaveLength(1);
  });
});
