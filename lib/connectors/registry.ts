import { CONNECTORS, type Connector } from './index.ts';
import { CONNECTOR_IDS, type ProviderId } from './generated/ids.ts';

export type { ProviderId } from './generated/ids.ts';

/** Lookups over the list (lib/connectors/index.ts) for code that takes any connector by id. */
export const CONNECTORS_BY_ID = Object.fromEntries(CONNECTORS.map((c) => [c.id, c])) as { [Id in ProviderId]: Extract<Connector, { id: Id }> };

export function connectorOf(id: ProviderId): Connector {
  return CONNECTORS_BY_ID[id];
}

export function isProviderId(v: unknown): v is ProviderId {
  return typeof v === 'string' && (CONNECTOR_IDS as readonly string[]).includes(v);
}
