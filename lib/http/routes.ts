import type { RouteDef } from './route-types.ts';
import { connectionRoutes } from '../connections/routes.ts';
import { awsRoutes } from '../connectors/aws/routes.ts';
import { azureRoutes } from '../connectors/azure/routes.ts';
import { gcpRoutes } from '../connectors/gcp/routes.ts';
import { scalewayRoutes } from '../connectors/scaleway/routes.ts';
import { tailscaleRoutes } from '../connectors/tailscale/routes.ts';
import { ovhRoutes } from '../connectors/ovh/routes.ts';
import { cloudToolRoutes } from '../commands/routes.ts';

/**
 * THE route table. Each area keeps its entries next to its code (lib/<area>/routes.ts); this list
 * is what the api stack deploys (one Lambda per entry), what the local gateway serves, and what
 * the OpenAPI document is generated from.
 */
export const routes: RouteDef[] = [...connectionRoutes, ...awsRoutes, ...azureRoutes, ...gcpRoutes, ...scalewayRoutes, ...tailscaleRoutes, ...ovhRoutes, ...cloudToolRoutes];

export type { RouteDef } from './route-types.ts';
