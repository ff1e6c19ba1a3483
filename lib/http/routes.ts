import type { RouteDef } from './route-types.ts';
import { connectionRoutes } from '../connections/routes.ts';
import { connectorRoutes } from '../connectors/generated/routes.ts';
import { cloudToolRoutes } from '../commands/routes.ts';
import { kubectlAgentApi } from '../kubectl/ws-routes.ts';
import type { WebSocketApiDef } from '../kubectl/ws-routes.ts';
import { alertRoutes } from '../alerts/routes.ts';
import { mcpRoutes } from '../mcp/routes.ts';
import { proxyRoutes } from '../proxy/routes.ts';

/**
 * THE route table. Each area keeps its entries next to its code (lib/<area>/routes.ts); every
 * connector's routes arrive through the connector list (the generic ones built from its data, its
 * own routes.ts beside them: lib/connectors/generated/routes.ts). This list is what the api stack
 * deploys (one Lambda per entry), what the local gateway serves, and what the OpenAPI document is
 * generated from.
 */
export const routes: RouteDef[] = [...connectionRoutes, ...connectorRoutes, ...cloudToolRoutes, ...alertRoutes, ...mcpRoutes, ...proxyRoutes];

/** The WebSocket APIs (stacks/websocket.ts deploys them, the local gateway serves them). */
export const webSocketApis: WebSocketApiDef[] = [kubectlAgentApi];

export type { RouteDef } from './route-types.ts';
