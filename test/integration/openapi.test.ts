import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { routes } from '../../lib/http/routes.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt.close());

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document listing every route of the table with its schemas', async () => {
    const r = await rt.request('GET', '/openapi.json', { user: null });
    expect(r.status).toBe(200);
    const doc = r.body;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const route of routes) {
      for (const path of route.paths) {
        const op = doc.paths[path]?.[route.method.toLowerCase()];
        expect(op, `${route.method} ${path}`).toBeDefined();
        if (route.request.body) expect(op.requestBody.content['application/json'].schema).toBeTypeOf('object');
        for (const [status, schema] of Object.entries(route.responses)) {
          expect(op.responses[status], `${route.id} ${status}`).toBeDefined();
          if (schema) expect(op.responses[status].content['application/json'].schema).toBeTypeOf('object');
        }
        expect(op.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
      }
    }
  });
});
