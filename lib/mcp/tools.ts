import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import * as z from '../zod.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { runCloudTool } from '../commands/service.ts';
import { CONFIRMATION_ID } from '../commands/confirmations.ts';
import { SESSION_ID } from '../commands/sessions.ts';
import { MAX_COMMAND_LENGTH } from '../commands/parse.ts';
import { CONNECTOR_IDS } from '../connectors/generated/ids.ts';
import { CONNECTORS } from '../connectors/index.ts';
import type { Deps } from '../deps.ts';
import { defineTool, json, type McpTool, type ToolContext, type ToolResult } from './tool-kit.ts';

/**
 * THE registry of MCP tools: one entry per tool, each calling the same service function as its
 * HTTP route, so one policy and one audit trail serve both. lib/mcp/server.ts serves every entry;
 * tests list them from here.
 *
 * What loads when (bundled, every import() is a chunk loaded when that path first runs,
 * lib/build/bundle.ts): lib/mcp/server.ts imports this registry on the first tools/list or
 * tools/call, so a cold start that answers initialize or a notification carries neither the
 * tools nor the connectors' data (lib/connectors/index.ts, 32 KB); each tool imports its service
 * on its first call, so listing the tools loads none of cloud_tool's engine, the proxy or the
 * status checks.
 */

const mode = z._default(z.enum(['ask', 'agent']), 'ask').check(z.describe('"ask" (the default) runs read-only commands only; "agent" also runs writes, and asks the person before destructive, secret-revealing or unknown ones'));
const confirmationId = z.string().check(z.regex(CONFIRMATION_ID, 'is not a confirmation id'));
const command = z.string().check(z.minLength(1), z.maxLength(MAX_COMMAND_LENGTH));

/** Where the person approves: the console's Approvals page (MCP_APPROVALS_URL), opened on this confirmation. */
export function approvalUrl(d: Deps, id: string): string {
  const u = new URL(d.config.mcp.approvalsUrl ?? new URL('/approvals', d.config.core.frontUrl).toString());
  u.searchParams.set('confirmation', id);
  return u.toString();
}

/** cloud_tool's answer as a tool result: the output as text, the run's facts as structured content. */
async function runCommand(ctx: ToolContext, input: Parameters<typeof runCloudTool>[2]): Promise<ToolResult> {
  const { runCloudTool } = await import('../commands/service.ts');
  const r = await runCloudTool(ctx.d, ctx.caller.userId, input, { kind: 'agent', name: ctx.caller.agentName });
  if ('requires_confirmation' in r) {
    const approval_url = approvalUrl(ctx.d, r.confirmation_id);
    const text = [
      `Not run yet: this ${r.classification} command needs the person's approval (${r.reason}).`,
      `Command: ${r.command}`,
      `Ask the person to approve it at ${approval_url} before ${r.expires_at}, then call this tool again with the same arguments and confirmation_id "${r.confirmation_id}". You cannot approve it yourself.`,
    ].join('\n');
    return { text, structured: { ...r, approval_url } };
  }
  const out = typeof r.output === 'string' ? r.output : json(r.output);
  const text = [out, r.stderr && r.stderr !== out ? `stderr:\n${r.stderr}` : '', r.truncated ? '[output truncated]' : '', `(exit ${r.return_code}, ${r.provider} ${r.account_id})`].filter(Boolean).join('\n');
  return { text, structured: r, ...(r.success ? {} : { isError: true }) };
}

const cloudTool = defineTool({
  name: 'cloud_tool',
  title: 'Run a cloud CLI command',
  description:
    "Runs one cloud CLI command (gcloud, gsutil, bq, aws, az, scw, ovhcloud, kubectl, or Tailscale's API verbs) on the user's connected cloud, with the user's short-lived credentials; no shell (pipes, ; and redirections are refused). Without provider, the provider is chosen from the session (session_id: where its last successful command ran), then the command's program and the user's preference order; provider_selected_by in the result says which. Ask mode runs reads only. A destructive, secret-revealing or unknown command is not run at once: the result says requires_confirmation with a confirmation_id and an approval_url; the person approves it there, then call again with the same arguments plus confirmation_id, which runs it exactly once.",
  input: {
    provider: z.optional(z.string().check(z.minLength(1), z.maxLength(40))).check(z.describe(`one of ${CONNECTOR_IDS.join(', ')}; omit to choose from the command`)),
    command: command.check(z.describe('the command line, e.g. "gcloud compute instances list --format=json"')),
    selected_project_id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))).check(z.describe('project, account or subscription id the command is scoped to')),
    mode,
    confirmation_id: z.optional(confirmationId).check(z.describe('the id a previous call returned, once the person approved it')),
    session_id: z.optional(z.string().check(z.regex(SESSION_ID, 'must be 1 to 128 letters, digits or . _ : -'))).check(z.describe('an id of your conversation: without provider, the provider and account its last successful command used come first')),
  },
  readOnly: false,
  run: (ctx, a) => runCommand(ctx, a),
});

const kubectl = defineTool({
  name: 'kubectl',
  title: 'Run kubectl on a connected cluster',
  description:
    "Runs one kubectl command on one of the user's Kubernetes clusters through its kubectl agent (read-only verbs unless the agent's write mode is on), under the same policy and confirmations as cloud_tool.",
  input: {
    cluster_id: z.optional(z.string().check(z.regex(/^kc-[0-9a-f]{24}$/, 'is not a cluster id'))).check(z.describe('the cluster (list_connections shows them, provider kubernetes); omit when only one is connected')),
    command: command.check(z.describe('e.g. "kubectl get pods -A"')),
    mode,
    confirmation_id: z.optional(confirmationId),
  },
  readOnly: false,
  run: (ctx, a) => runCommand(ctx, { ...a, provider: 'kubernetes' }),
});

const listConnections = defineTool({
  name: 'list_connections',
  title: 'List connected accounts',
  description: "The user's connections: one per provider account (clouds, tools such as Datadog, Kubernetes clusters), with its status. Use it to learn which provider and account ids exist.",
  input: {},
  readOnly: true,
  run: async (ctx) => {
    const { listUserConnections } = await import('../connections/service.ts');
    const connections = await listUserConnections(ctx.d, ctx.caller.userId);
    return { text: connections.length ? json(connections) : 'No connections yet: the user connects accounts in the console.', structured: { connections } };
  },
});

const connectionStatus = defineTool({
  name: 'connection_status',
  title: 'Check a connection',
  description: "Checks the user's connection to one provider live (the newest account in use, or account_id), as the console's status does; a failed check says why.",
  input: {
    provider: z.enum(CONNECTOR_IDS).check(z.describe('the connector id')),
    account_id: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  },
  readOnly: true,
  run: async (ctx, a) => {
    const [{ loadCheck }, { connectorStatus }] = await Promise.all([import('../connectors/generated/load/check.ts'), import('../connections/status.ts')]);
    const def = CONNECTORS.find((c) => c.id === a.provider && ctx.d.config.features[c.id]);
    const check = def ? await loadCheck(def.id) : undefined;
    if (!def || !check) throw new BadRequestError(`Unsupported provider: ${a.provider}`, { code: 'unsupported_provider', field: 'provider' });
    const status = await connectorStatus(ctx.d, def, check, ctx.caller.userId, a.account_id);
    return { text: json(status), structured: status };
  },
});

const listAlertsTool = defineTool({
  name: 'list_alerts',
  title: 'List alerts',
  description: "The user's alerts delivered by their tools' webhooks (Datadog…), newest first, 50 a page; pass the returned cursor for the next page.",
  input: {
    connector: z.optional(z.enum(CONNECTOR_IDS)).check(z.describe('only this tool')),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  },
  readOnly: true,
  run: async (ctx, a) => {
    const { listAlerts } = await import('../alerts/store.ts');
    const page = await listAlerts(ctx.d, ctx.caller.userId, a);
    return { text: page.alerts.length ? json(page) : 'No alerts.', structured: page };
  },
});

const cancelConfirmation = defineTool({
  name: 'cancel_confirmation',
  title: 'Cancel a pending confirmation',
  description: 'Withdraws a command this agent asked the person to approve (pending or approved, not yet run); it can no longer run.',
  input: { confirmation_id: confirmationId },
  readOnly: false,
  run: async (ctx, a) => {
    try {
      const { cancelCloudToolConfirmation } = await import('../commands/confirmation-service.ts');
      await cancelCloudToolConfirmation(ctx.d, ctx.caller.userId, a.confirmation_id);
    } catch (e) {
      if (e instanceof NotFoundError) throw new NotFoundError('No such confirmation', { code: 'confirmation_not_found', field: 'confirmation_id' });
      throw e;
    }
    return { text: `Cancelled ${a.confirmation_id}.`, structured: { status: 'cancelled', confirmation_id: a.confirmation_id } };
  },
});

// the connectors the credential proxy reaches (those with a proxy.ts: lib/connectors/generated/load/proxy.ts)
const PROXIED = CONNECTORS.filter((c) => 'proxy' in c && c.proxy).map((c) => c.id);

const proxyTool = defineTool({
  name: 'proxy_request',
  title: "Call a connected tool's API",
  description:
    `Calls the API of one of the user's connected tools (${PROXIED.join(', ')}) with the stored credential attached by the service, so no token reaches you. path is below the tool's API base (e.g. "/api/v1/monitor" for Datadog, "/api/search" for Grafana, "/user/repos" for GitHub); the host is always the connection's own. Ask mode (the default) allows GET and the tool's read-only POSTs (searches and queries); anything else needs mode "agent". The result holds the tool's status, headers without credentials and body (cut at the proxy's limit; truncated says so).`,
  input: {
    connector: z.string().check(z.minLength(1), z.maxLength(40), z.describe(`one of ${PROXIED.join(', ')}`)),
    method: z._default(z.enum(['GET', 'POST']), 'GET'),
    path: z.string().check(z.minLength(1), z.maxLength(2048), z.startsWith('/'), z.describe('the path below the API base, starting with /')),
    query: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).check(z.describe('query parameters')),
    body: z.optional(z.unknown()).check(z.describe('the JSON body of a POST')),
    mode,
    account_id: z.optional(z.string().check(z.minLength(1), z.maxLength(256))).check(z.describe('which connection of this tool; the most recent one otherwise')),
  },
  readOnly: false,
  run: async (ctx, a) => {
    const query = a.query ? new URLSearchParams(Object.entries(a.query).map(([k, v]): [string, string] => [k, String(v)])).toString() : undefined;
    const { proxyRequest } = await import('../proxy/service.ts');
    const r = await proxyRequest(ctx.d, ctx.caller, {
      connector: a.connector,
      method: a.method,
      path: a.path,
      query,
      body: a.method === 'POST' ? JSON.stringify(a.body ?? {}) : undefined,
      mode: a.mode,
      accountId: a.account_id,
    });
    return { text: `${a.method} ${a.path} → HTTP ${r.status}${r.truncated ? ' (body truncated)' : ''}\n${typeof r.body === 'string' ? r.body : json(r.body)}`, structured: { ...r }, ...(r.status >= 400 ? { isError: true as const } : {}) };
  },
});

export const TOOLS: McpTool<any>[] = [
  cloudTool,
  kubectl,
  listConnections,
  connectionStatus,
  listAlertsTool,
  cancelConfirmation,
  proxyTool,
];
