import { awsCall, type AwsEndpoint } from '../aws/http.ts';
import { ownAwsCredentials } from '../aws/identity.ts';
import { uriEncode } from '../aws/sigv4.ts';
import type { Deps } from '../deps.ts';
import { log } from '../log.ts';
import type { ServerMessage } from './protocol.ts';

/**
 * Messages to agents and socket closes go through the API Gateway management API:
 * POST and DELETE {stage URL}/@connections/{id}, signed for execute-api. Deployed, the endpoint is
 * the WebSocket API's stage URL; locally the gateway answers the same wire protocol on its own port
 * (lib/local/websocket-gateway.ts, which test/integration/websocket-gateway.test.ts holds to the
 * SDK's client). Two REST calls over lib/aws/http.ts, not @aws-sdk/client-apigatewaymanagementapi:
 * that client and the Smithy runtime under it were 160 KB and 8 more files at every cold start
 * of the kubectl functions (docs/performance.md, "Our own AWS clients").
 */
const endpoints = new Map<string, AwsEndpoint>();

export function managementEndpoint(d: Deps): string {
  return d.config.kubectl.managementEndpoint ?? d.config.core.backendUrl;
}

function endpoint(d: Deps): AwsEndpoint {
  const url = managementEndpoint(d);
  let ep = endpoints.get(url);
  if (!ep) {
    ep = {
      url,
      region: d.config.core.region,
      service: 'execute-api',
      attempts: 3,
      timeoutMs: 10_000,
      // the local stand-in checks that requests are signed, not by whom: placeholder credentials
      // spare the default chain's lookups (as lib/db/client.ts does for the local DynamoDB)
      credentials: d.config.core.deployed ? () => ownAwsCredentials() : async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
    };
    endpoints.set(url, ep);
  }
  return ep;
}

/** The connection's resource: the stage URL's path, then /@connections/{id}, the id encoded as the SDK encodes a path label. */
function connectionUrl(ep: AwsEndpoint, connectionId: string): string {
  const u = new URL(ep.url);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/@connections/${uriEncode(connectionId)}`;
  return u.href;
}

const isGone = (e: unknown) => (e as { name?: string })?.name === 'GoneException' || (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 410;

/** 'gone' when the socket no longer exists (closed, or another instance's stale id). */
export async function sendToAgent(d: Deps, connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'> {
  try {
    const ep = endpoint(d);
    await awsCall(ep, { method: 'POST', url: connectionUrl(ep, connectionId), headers: { 'content-type': 'application/octet-stream' }, body: JSON.stringify(message) });
    return 'sent';
  } catch (e) {
    if (isGone(e)) return 'gone';
    throw e;
  }
}

/** Close the socket; a socket already gone is not an error. */
export async function closeAgentSocket(d: Deps, connectionId: string): Promise<void> {
  try {
    const ep = endpoint(d);
    await awsCall(ep, { method: 'DELETE', url: connectionUrl(ep, connectionId), headers: {}, body: '' });
  } catch (e) {
    if (!isGone(e)) throw e;
  }
}

/**
 * Revocation: tell the agent first (it closes with 1008, policy violation, and does not come back),
 * then close the socket ourselves in case it does not listen. API Gateway's DeleteConnection takes
 * no close code, so the message is what carries the reason.
 */
export async function revokeAgentSocket(d: Deps, connectionId: string, reason: string): Promise<void> {
  const sent = await sendToAgent(d, connectionId, { type: 'revoked', reason }).catch((e: unknown) => {
    log.warn('could not tell the agent it was revoked; closing its socket anyway', { error: e });
    return 'failed' as const;
  });
  if (sent !== 'gone') await closeAgentSocket(d, connectionId);
}
