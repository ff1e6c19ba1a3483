import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDef } from '../../lib/http/route-types.ts';
import { startGateway, type Gateway } from '../../lib/local/gateway.ts';
import { routeTimeoutSeconds } from '../../lib/stacks/plan/functions.ts';
import { slowRoute } from '../fixtures/gateway/slow.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/** Local runtime defects a new user met (issue 10), each over real HTTP. */
let rt: TestRuntime;
let gw: Gateway;

const fixture = (over: Partial<RouteDef> & Pick<RouteDef, 'id' | 'paths'>): RouteDef => ({
  method: 'GET',
  handler: 'test/fixtures/gateway/remaining.ts',
  auth: 'open',
  summary: 'fixture',
  request: {},
  responses: { 200: null },
  capabilities: [],
  ...over,
});
const execRoute = fixture({ id: 'fixture.exec', paths: ['/fixture/exec'], capabilities: ['table', 'secrets', 'exec'] });
const plainRoute = fixture({ id: 'fixture.plain', paths: ['/fixture/plain'] });

beforeAll(async () => {
  rt = await startTestRuntime();
  gw = await startGateway({ routes: [execRoute, plainRoute, slowRoute], port: 0 });
});
afterAll(async () => {
  await gw.close();
  await rt.close();
});

describe('local gateway', () => {
  it('a malformed percent-encoding in a path answers 400 with the envelope, naming the path', async () => {
    const r = await rt.request('GET', '/gcp/setup/status/%E0%A4%A', { user: 'path-user' });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({ code: 'validation_error', message: 'path: malformed percent-encoding', field: 'path' });
    // a well-formed encoding still reaches the route (an unknown task: 404)
    expect((await rt.request('GET', '/gcp/setup/status/%E0%A4%A4', { user: 'path-user' })).status).toBe(404);
  });

  it("gives each function the timeout it has deployed: an exec route 29 s, not the 10 s default", async () => {
    const remaining = async (path: string) => ((await (await fetch(gw.url + path)).json()) as { remaining_ms: number }).remaining_ms;
    expect(routeTimeoutSeconds(execRoute)).toBe(29);
    const exec = await remaining('/fixture/exec');
    expect(exec).toBeGreaterThan(20_000);
    expect(exec).toBeLessThanOrEqual(29_000);
    const plain = await remaining('/fixture/plain');
    expect(plain).toBeLessThanOrEqual(10_000);
    expect(plain).toBeGreaterThan(5_000);
  });

  it('a function that runs out of time answers 504 with the envelope, not an opaque 500', async () => {
    const r = await fetch(gw.url + '/fixture/slow');
    expect(r.status).toBe(504);
    expect(await r.json()).toMatchObject({ error: { code: 'timeout', message: 'The request took too long and was stopped. Please try again.' } });
  });
});
