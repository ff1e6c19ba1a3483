import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../deps.ts';
import { ForbiddenError, NotFoundError, ProviderUnavailableError, ValidationError } from '../errors.ts';
import { log } from '../log.ts';
import { listConnections, writeAudit } from '../connections/repo.ts';
import type { Connection } from '../connections/types.ts';
import { CONNECTOR_IDS, type ConnectorId } from '../connectors/generated/ids.ts';
import { CONNECTOR_NAMES } from '../connectors/generated/clis.ts';
import { loadProxy } from '../connectors/generated/load/proxy.ts';
import { checkedPath, matchesPattern } from './path.ts';
import type { ProxyInput } from './types.ts';

/**
 * The credential proxy: the agent reaches a tool's API through us, so the tool's token never leaves
 * the service. The request names a connector and a path; the host is the connector's API base for
 * the caller's connection (proxy.ts of the connector, from settings and the record), never anything
 * of the request. The stored credential is attached here, the response comes back without
 * hop-by-hop or credential headers, with every stored value of the connection redacted from it, and
 * at most PROXY_MAX_RESPONSE_BYTES of body. Ask mode reads only: GET, and the POSTs the connector
 * lists as read-only (searches, queries). Every call that reaches the tool is audited (method,
 * path without its query, status, sizes): never a header or a body.
 */
export type { ProxyInput, ProxyMode } from './types.ts';

export interface ProxyResult {
  connector: string;
  account_id: string;
  status: number;
  headers: Record<string, string>;
  /** JSON when the tool answered JSON (and the body was not cut), text otherwise */
  body: unknown;
  truncated: boolean;
}

/** Never passed back: hop-by-hop (RFC 9110 §7.6.1), framing we redo, and whatever carries a credential or a session. */
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'content-encoding', 'set-cookie', 'set-cookie2', 'authorization', 'www-authenticate', 'cookie', 'x-api-key', 'x-auth-token']);
const REDACTED = '[redacted]';

const isConnector = (id: string): id is ConnectorId => (CONNECTOR_IDS as readonly string[]).includes(id);

async function connectionOf(d: Deps, userId: string, connector: ConnectorId, accountId: string | undefined): Promise<Connection> {
  const usable = (await listConnections(d.db, userId, connector)).filter((c) => c.status === 'connected' || c.status === 'error');
  const conn = accountId === undefined ? usable.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0] : usable.find((c) => c.accountId === accountId);
  if (!conn) throw new NotFoundError(accountId === undefined ? `${CONNECTOR_NAMES[connector]} is not connected` : `No ${CONNECTOR_NAMES[connector]} connection ${accountId}`, { code: 'not_connected', ...(accountId === undefined ? {} : { field: 'account_id' }) });
  return conn;
}

/** The stored values of a connection (every string of its secret document), longest first, so a value inside another is redacted as part of it. */
async function storedValues(d: Deps, conn: Connection): Promise<string[]> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 8) out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(doc);
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

const redact = (text: string, values: string[]) => values.reduce((t, v) => t.split(v).join(REDACTED), text);

/** Read at most `limit` bytes of a body (plus `slack`, so a stored value cut by the limit is still whole when redacted). */
async function readCapped(res: Awaited<ReturnType<typeof fetch>>, limit: number, slack: number): Promise<{ text: string; truncated: boolean }> {
  const reader = res.body?.getReader();
  if (!reader) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let more = true;
  while (size < limit + slack) {
    const { done, value } = await reader.read();
    if (done) {
      more = false;
      break;
    }
    chunks.push(value);
    size += value.length;
  }
  if (more) await reader.cancel().catch(() => undefined);
  const all = Buffer.concat(chunks);
  return { text: all.toString('utf8'), truncated: all.length > limit };
}

export async function proxyRequest(d: Deps, principal: { userId: string }, input: ProxyInput): Promise<ProxyResult> {
  const { connector } = input;
  if (!isConnector(connector) || !d.config.features[connector]) throw new NotFoundError(`No connector ${connector}`, { code: 'unknown_connector', field: 'connector' });
  const entry = await loadProxy(connector);
  if (!entry) throw new NotFoundError(`${CONNECTOR_NAMES[connector]} has no API the proxy can reach`, { code: 'no_proxy', field: 'connector' });
  const path = checkedPath(input.path);
  const mode = input.mode ?? 'ask';
  if (mode !== 'ask' && mode !== 'agent') throw new ValidationError('mode must be "ask" or "agent"', 'mode');
  if (input.query && (input.query.length > 4096 || /[\u0000-\u001f\u007f#]/.test(input.query))) throw new ValidationError('query: too long or holds characters a URL cannot', 'query');
  const readOnly = input.method === 'GET' || entry.readOnlyPosts.some((p) => matchesPattern(p, path));
  if (mode === 'ask' && !readOnly) {
    throw new ForbiddenError(`Ask mode only reads: ${input.method} ${path} may change ${CONNECTOR_NAMES[connector]} (Ask allows GET${entry.readOnlyPosts.length ? ` and POST ${entry.readOnlyPosts.join(', ')}` : ''}); use Agent mode`, { code: 'read_only_mode', field: 'mode' });
  }
  const conn = await connectionOf(d, principal.userId, connector, input.accountId);

  const base = entry.hooks.base(d, conn).replace(/\/+$/, '');
  const target = new URL(base + path + (input.query ? `?${input.query}` : ''));
  // belt and braces: whatever the path held, the request goes to the base's origin, under its path
  const baseUrl = new URL(base);
  if (target.origin !== baseUrl.origin || !`${target.pathname}/`.startsWith(`${baseUrl.pathname.replace(/\/$/, '')}/`)) throw new ValidationError('path: leaves the connector base', 'path');

  const credentials = await entry.hooks.credentials(d, conn);
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [k, v] of Object.entries(credentials)) headers[k] = v.reveal();
  if (input.method === 'POST') headers['content-type'] = input.contentType && /^application\/([\w.+-]*\+)?json\b/i.test(input.contentType) ? input.contentType : 'application/json';

  const started = Date.now();
  const audit = (detail: Record<string, unknown>) => writeAudit(d.db, { userId: principal.userId, action: 'proxy.request', provider: connector, accountId: conn.accountId, detail: { method: input.method, path, mode, durationMs: Date.now() - started, ...detail } });
  let res: Awaited<ReturnType<typeof fetch>>;
  try {
    res = await fetch(target.href, { method: input.method, headers, body: input.method === 'POST' ? (input.body ?? '') : undefined, redirect: 'manual', signal: AbortSignal.timeout(d.config.proxy.timeoutMs) });
  } catch (e) {
    const fault = (e as Error).name === 'TimeoutError' ? 'timed out' : 'network error';
    await audit({ outcome: fault });
    throw new ProviderUnavailableError(`${CONNECTOR_NAMES[connector]} is unavailable (${fault})`);
  }
  const values = await storedValues(d, conn);
  const limit = d.config.proxy.maxResponseBytes;
  const { text, truncated } = await readCapped(res, limit, values[0]?.length ?? 0);
  const clean = redact(text, values);
  const body = truncated ? Buffer.from(clean, 'utf8').subarray(0, limit).toString('utf8') : clean;

  const dropped = new Set([...DROPPED, ...Object.keys(credentials).map((k) => k.toLowerCase()), ...(res.headers.get('connection') ?? '').split(',').map((h) => h.trim().toLowerCase())]);
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!dropped.has(k.toLowerCase())) out[k.toLowerCase()] = redact(v, values);
  });
  const json = !truncated && /^application\/([\w.+-]*\+)?json\b/i.test(res.headers.get('content-type') ?? '');
  let parsed: unknown = body;
  if (json && body !== '') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = body;
    }
  }
  await audit({ outcome: 'forwarded', status: res.status, responseBytes: Buffer.byteLength(text, 'utf8'), truncated });
  log.info('proxy request', { connector, method: input.method, path, status: res.status, truncated });
  return { connector, account_id: conn.accountId, status: res.status, headers: out, body: parsed, truncated };
}

