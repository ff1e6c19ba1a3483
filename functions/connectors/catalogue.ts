import { httpHandler, ok } from '../../lib/http/handler.ts';
import { catalogueRoute } from '../../lib/http/connector-catalogue.ts';
import { connectorCatalogue } from '../../lib/connectors/catalogue.ts';

export const handler = httpHandler(catalogueRoute, async (_req, d) => ok(connectorCatalogue(d)));
