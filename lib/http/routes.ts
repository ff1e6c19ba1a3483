import type { RouteDef } from './route-types.ts';
import { connectionRoutes } from '../connections/routes.ts';
import { awsRoutes } from '../providers/aws/routes.ts';
import { azureRoutes } from '../providers/azure/routes.ts';
import { gcpRoutes } from '../providers/gcp/routes.ts';
import { scalewayRoutes } from '../providers/scaleway/routes.ts';
import { tailscaleRoutes } from '../providers/tailscale/routes.ts';
import { ovhRoutes } from '../providers/ovh/routes.ts';
import { cloudToolRoutes } from '../commands/routes.ts';

/**
 * THE route table. Each area keeps its entries next to its code (lib/<area>/routes.ts); this list
 * is what the api stack deploys (one Lambda per entry), what the local gateway serves, and what
 * the OpenAPI document is generated from.
 */
export const routes: RouteDef[] = [...connectionRoutes, ...awsRoutes, ...azureRoutes, ...gcpRoutes, ...scalewayRoutes, ...tailscaleRoutes, ...ovhRoutes, ...cloudToolRoutes];

export type { RouteDef } from './route-types.ts';
