import { CookieJar, defaultBrowser } from '../../local/cookie-jar.ts';

/**
 * The GCP connect flow as a browser and a frontend would drive it, over HTTP against a running
 * service whose Google is the simulator: login → consent (approves at once) → callback → poll
 * the setup status. Used by the tests, the workflow bench and the README walkthrough. The login
 * and the callback share a cookie jar, as they share a browser (the callback needs the cookie the
 * login set: lib/oauth/binding.ts); another jar is another browser.
 */
export interface FlowResult {
  /** where the callback sent the browser */
  location: string;
  taskId?: string;
  /** every status payload seen while polling */
  statuses: Array<Record<string, unknown>>;
  final?: Record<string, unknown>;
}

export async function startGcpLogin(baseUrl: string, userId: string, jar: CookieJar = defaultBrowser): Promise<string> {
  const r = await fetch(`${baseUrl}/gcp/login`, { method: 'POST', headers: { 'x-user-id': userId, 'content-type': 'application/json' }, body: '{}' });
  jar.store(r);
  const body = (await r.json()) as { login_url?: string };
  if (r.status !== 200 || !body.login_url) throw new Error(`login answered ${r.status}`);
  return body.login_url;
}

/** Open the consent URL; the simulator answers 302 back to our callback (code and state in the query). */
export async function consent(loginUrl: string): Promise<string> {
  const r = await fetch(loginUrl, { redirect: 'manual' });
  const loc = r.headers.get('location');
  if (r.status !== 302 || !loc) throw new Error(`consent answered ${r.status}`);
  return loc;
}

/** Follow the redirect to our callback on `baseUrl` (the host in it may be BACKEND_URL's). */
export async function callback(baseUrl: string, callbackUrl: string, headers: Record<string, string> = {}, jar: CookieJar = defaultBrowser): Promise<{ status: number; location: string | null; body: string }> {
  const u = new URL(callbackUrl);
  const cookie = jar.header();
  const r = await fetch(`${baseUrl}${u.pathname}${u.search}`, { redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });
  jar.store(r);
  return { status: r.status, location: r.headers.get('location'), body: await r.text() };
}

export async function pollSetup(baseUrl: string, userId: string, taskId: string, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<FlowResult['statuses']> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const seen: FlowResult['statuses'] = [];
  for (;;) {
    const r = await fetch(`${baseUrl}/gcp/setup/status/${encodeURIComponent(taskId)}`, { headers: { 'x-user-id': userId } });
    const body = (await r.json()) as Record<string, unknown>;
    if (r.status !== 200) throw new Error(`status answered ${r.status}: ${JSON.stringify(body)}`);
    seen.push(body);
    if (body.complete === true) return seen;
    if (Date.now() > deadline) throw new Error(`setup did not complete in time; last status ${JSON.stringify(body)}`);
    await new Promise((ok) => setTimeout(ok, opts.intervalMs ?? 20));
  }
}

export async function connectGcp(baseUrl: string, userId: string, opts: { timeoutMs?: number; intervalMs?: number; jar?: CookieJar } = {}): Promise<FlowResult> {
  const jar = opts.jar ?? defaultBrowser;
  const loginUrl = await startGcpLogin(baseUrl, userId, jar);
  const back = await consent(loginUrl);
  const cb = await callback(baseUrl, back, {}, jar);
  const location = cb.location ?? '';
  const taskId = location ? (new URL(location).searchParams.get('task_id') ?? undefined) : undefined;
  if (!taskId) return { location, statuses: [] };
  const statuses = await pollSetup(baseUrl, userId, taskId, opts);
  return { location, taskId, statuses, final: statuses[statuses.length - 1] };
}
