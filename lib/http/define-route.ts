import type { RouteDef } from './route-types.ts';

/** Identity function that keeps the literal schema types, so handlers get typed bodies. */
export function defineRoute<const R extends RouteDef>(route: R): R {
  return route;
}
