import type { RouteDef } from './route-types.ts';
import { connectionRoutes } from '../connections/routes.ts';

/**
 * THE route table. Each area keeps its entries next to its code (lib/<area>/routes.ts); this list
 * is what the api stack deploys (one Lambda per entry), what the local gateway serves, and what
 * the OpenAPI document is generated from.
 */
export const routes: RouteDef[] = [...connectionRoutes];

export type { RouteDef } from './route-types.ts';
