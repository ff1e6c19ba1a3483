import * as z from '../zod.ts';
import type { RouteDef } from './route-types.ts';
import { errorSchema } from './schemas.ts';

/**
 * OpenAPI 3.1 generated from the route table's zod schemas — never written by hand, so the
 * document can't drift from what the functions validate.
 */
type Json = Record<string, unknown>;

function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

function shapeOf(schema: z.core.$ZodType | undefined): Record<string, z.core.$ZodType> {
  return ((schema as unknown as { shape?: Record<string, z.core.$ZodType> })?.shape ?? {}) as Record<string, z.core.$ZodType>;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  302: 'Redirect',
  400: 'Bad request: the error names the field',
  401: 'No principal, or the provider refused the credentials',
  403: 'Forbidden',
  404: 'Not found (also: another user’s id)',
  409: 'Conflict',
  413: 'Body over the size limit',
  415: 'Body is not JSON',
  429: 'Throttled',
  500: 'Configuration error',
  502: 'Provider answered unreadably',
  503: 'Provider or dependency unavailable',
};

function operation(route: RouteDef, template: string, alias: number): Json {
  const pathNames = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const pShape = shapeOf(route.request.params);
  const parameters: Json[] = pathNames.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: pShape[name] ? jsonSchema(pShape[name], 'input') : { type: 'string' },
  }));
  for (const [name, s] of Object.entries(shapeOf(route.request.query))) {
    parameters.push({ name, in: 'query', required: !z.safeParse(s, undefined).success, schema: jsonSchema(s, 'input') });
  }
  const responses: Json = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = schema
      ? { description: STATUS_TEXT[Number(status)] ?? 'Success', content: { 'application/json': { schema: jsonSchema(schema, 'output') } } }
      : { description: STATUS_TEXT[Number(status)] ?? 'Success', headers: Number(status) === 302 ? { Location: { schema: { type: 'string' } } } : undefined };
  }
  const errors = new Set([400, ...(route.auth !== 'open' ? [401] : []), ...(route.errors ?? [])]);
  if (route.request.body) errors.add(413);
  for (const status of errors) {
    responses[String(status)] ??= { description: STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  const body = route.request.body;
  return {
    operationId: alias === 0 ? route.id : `${route.id}_alias${alias}`,
    summary: route.summary,
    tags: [route.id.split('.')[0]],
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? { requestBody: { required: !z.safeParse(body, undefined).success && !z.safeParse(body, {}).success, content: { 'application/json': { schema: jsonSchema(body, 'input') } } } }
      : {}),
    responses,
    security: route.auth === 'user' ? [{ jwt: [] }, { trustedHeader: [] }] : [],
    ...(route.featureFlag ? { 'x-feature-flag': route.featureFlag } : {}),
  };
}

export function buildOpenApi(routes: RouteDef[], opts: { serverUrl?: string; version?: string } = {}): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    route.paths.forEach((template, i) => {
      paths[template] ??= {};
      paths[template][route.method.toLowerCase()] = operation(route, template, i);
    });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'aurora-connectors',
      version: opts.version ?? '0.1.0',
      description: 'Connect cloud accounts and act on them safely. Generated from lib/http/routes.ts.',
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      securitySchemes: {
        jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Verified by the API Gateway JWT authorizer (deployed).' },
        trustedHeader: { type: 'apiKey', in: 'header', name: 'X-User-ID', description: 'Only in trusted-header mode (local default, or behind a trusted proxy).' },
      },
    },
  };
}
