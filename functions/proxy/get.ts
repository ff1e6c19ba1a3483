import { httpHandler, ok } from '../../lib/http/handler.ts';
import { proxyGetRoute, proxyInputOf } from '../../lib/proxy/routes.ts';
import { proxyRequest } from '../../lib/proxy/service.ts';

export const handler = httpHandler(proxyGetRoute, async ({ principal, params, event }, d) => ok(await proxyRequest(d, principal, proxyInputOf(event, params.connector, d.config.core.maxBodyBytes))));
