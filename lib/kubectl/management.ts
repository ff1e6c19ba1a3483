import { ApiGatewayManagementApiClient, DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { Deps } from '../deps.ts';
import { log } from '../log.ts';
import type { ServerMessage } from './protocol.ts';

/**
 * Messages to agents and socket closes go through the API Gateway management API
 * (POST/DELETE /@connections/{id}). Deployed, the endpoint is the WebSocket API's stage URL; locally
 * the gateway answers the same wire protocol on its own port (lib/local/websocket-gateway.ts), so
 * this is the same SDK client in both places.
 */
const clients = new Map<string, ApiGatewayManagementApiClient>();

export function managementEndpoint(d: Deps): string {
  return d.config.kubectl.managementEndpoint ?? d.config.core.backendUrl;
}

function client(d: Deps): ApiGatewayManagementApiClient {
  const endpoint = managementEndpoint(d);
  let c = clients.get(endpoint);
  if (!c) {
    c = new ApiGatewayManagementApiClient({
      endpoint,
      region: d.config.core.region,
      maxAttempts: 3,
      // the local stand-in checks that requests are signed, not by whom: placeholder credentials
      // spare the default chain's lookups (as lib/db/client.ts does for the local DynamoDB)
      ...(d.config.core.deployed ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    });
    clients.set(endpoint, c);
  }
  return c;
}

const isGone = (e: unknown) => (e as { name?: string })?.name === 'GoneException' || (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 410;

/** 'gone' when the socket no longer exists (closed, or another instance's stale id). */
export async function sendToAgent(d: Deps, connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'> {
  try {
    await client(d).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(message)) }));
    return 'sent';
  } catch (e) {
    if (isGone(e)) return 'gone';
    throw e;
  }
}

/** Close the socket; a socket already gone is not an error. */
export async function closeAgentSocket(d: Deps, connectionId: string): Promise<void> {
  try {
    await client(d).send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
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
