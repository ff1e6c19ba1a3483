import type { Deps } from '../deps.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { listConnections, writeAudit } from '../connections/repo.ts';
import type { Connection } from '../connections/types.ts';
import type { ConnectorDef } from '../connectors/kit/define.ts';
import { ensureRegistration, recordRemote, signingSecret, type Registration } from './registry.ts';
import type { WebhookHooks, WebhookTarget } from './types.ts';

/**
 * GET /api/connectors/<id>/webhook (and its legacy path, /datadog/webhook-url and the like): what to
 * configure in the tool for one connection. The webhook (id and secret) is created on first ask.
 * The secret is shown to its owner while the tool still needs it typed in; once the tool's API
 * created the webhook (POST, below) it is not shown any more.
 */
export interface WebhookView {
  connector: string;
  account_id: string;
  webhook_id: string;
  url: string;
  method: 'POST';
  /** the signing secret to enter in the tool; null once the tool holds it */
  secret: string | null;
  headers: Record<string, string>;
  settings: Record<string, unknown>;
  steps: string[];
  created_in_tool: boolean;
  remote_name?: string;
  /** POST here to have the tool's API create it (when it can) */
  create_path?: string;
}

type WithWebhook = ConnectorDef & { webhook: NonNullable<ConnectorDef['webhook']> };

const inUse = (c: Connection) => c.status === 'connected' || c.status === 'error';

/** The connection named, else the newest one in use; 404 when the user has none. */
async function connectionOf(d: Deps, def: ConnectorDef, userId: string, accountId?: string): Promise<Connection> {
  const all = await listConnections(d.db, userId, def.id as Connection['provider']);
  const conn = accountId !== undefined ? all.find((c) => c.accountId === accountId) : all.filter(inUse).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (!conn) throw new NotFoundError(accountId !== undefined ? `You have no ${def.name} connection with this account_id` : `${def.name} is not connected`, { code: 'connection_not_found', ...(accountId !== undefined ? { field: 'account_id' } : {}) });
  return conn;
}

export function webhookUrl(d: Deps, def: WithWebhook, webhookId: string): string {
  return `${d.config.webhooks.baseUrl ?? d.config.core.backendUrl}${def.webhook.path.replace('{id}', webhookId)}`;
}

async function target(d: Deps, def: WithWebhook, reg: Registration): Promise<WebhookTarget> {
  const secret = await signingSecret(d, reg);
  // the registration names a secret the store no longer has: a consistency fault, not the user's
  if (!secret) throw new ConflictError(`The ${def.name} webhook's signing secret is missing; disconnect and connect ${def.name} again`, { code: 'webhook_secret_missing' });
  return { url: webhookUrl(d, def, reg.webhookId), webhookId: reg.webhookId, secret, ...(reg.remote ? { remote: { id: reg.remote.id, name: reg.remote.name } } : {}) };
}

function view(def: WithWebhook, hooks: WebhookHooks, reg: Registration, t: WebhookTarget, steps?: string[]): WebhookView {
  const guide = hooks.setup(t);
  const shown = !reg.remote;
  // once the tool holds the secret, no value that contains it is shown again
  const hide = <T>(v: T): T => (shown ? v : (JSON.parse(JSON.stringify(v).split(t.secret.reveal()).join(`(kept by ${def.name})`)) as T));
  return {
    connector: def.id,
    account_id: reg.accountId,
    webhook_id: reg.webhookId,
    url: t.url,
    method: 'POST',
    secret: shown ? t.secret.reveal() : null,
    headers: hide(guide.headers),
    settings: hide(guide.settings),
    steps: steps ?? guide.steps,
    created_in_tool: !!reg.remote,
    ...(reg.remote?.name ? { remote_name: reg.remote.name } : {}),
    ...(def.webhook.create ? { create_path: `/api/connectors/${def.id}/webhook` } : {}),
  };
}

export async function webhookSetup(d: Deps, def: ConnectorDef, hooks: WebhookHooks, userId: string, accountId?: string): Promise<WebhookView> {
  const w = def as WithWebhook;
  const conn = await connectionOf(d, def, userId, accountId);
  const reg = await ensureRegistration(d, conn);
  return view(w, hooks, reg, await target(d, w, reg));
}

/**
 * POST /api/connectors/<id>/webhook: create (or bring up to date) the webhook in the tool with the
 * user's credentials, and keep what the tool returned: its id, to remove it at disconnect, and its
 * secret when it chose one.
 */
export async function createWebhook(d: Deps, def: ConnectorDef, hooks: WebhookHooks, userId: string, accountId?: string): Promise<WebhookView> {
  const w = def as WithWebhook;
  if (!hooks.create) throw new NotFoundError(`${def.name} webhooks are configured in ${def.name} itself (GET /api/connectors/${def.id}/webhook says how)`, { code: 'not_supported' });
  const conn = await connectionOf(d, def, userId, accountId);
  if (conn.status !== 'connected') throw new ConflictError(`The ${def.name} connection is ${conn.status}; reconnect it first`, { code: 'connection_not_usable' });
  let reg = await ensureRegistration(d, conn);
  const created = await hooks.create(d, conn, await target(d, w, reg));
  reg = await recordRemote(d, reg, { id: created.remoteId, ...(created.remoteName ? { name: created.remoteName } : {}) }, created.secret);
  await writeAudit(d.db, { userId, action: 'webhook_created', provider: def.id, accountId: conn.accountId, detail: { remote: created.remoteName ?? created.remoteId } });
  return view(w, hooks, reg, await target(d, w, reg), created.steps);
}
