import { beforeAll, describe, expect, it } from 'vitest';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import type { TestRuntime } from '../helpers/runtime.ts';
import { useGcpRuntime } from '../helpers/gcp.ts';

/** GCP_MAX_AUTO_PROJECTS is the number NEEDS_SELECTION announces and post-auth-retry accepts. */
let rt: TestRuntime;
const gcp = useGcpRuntime({ GCP_MAX_AUTO_PROJECTS: '1' });
beforeAll(() => {
  rt = gcp.rt;
});

describe('GCP_MAX_AUTO_PROJECTS=1', () => {
  it('two billed projects stop in NEEDS_SELECTION; a selection of two is refused, one is configured', async () => {
    const r = await connectGcp(rt.url, 'one-project-user');
    expect(r.final).toMatchObject({ state: 'NEEDS_SELECTION' });
    const waiting = await rt.request('GET', '/api/user_connections', { user: 'one-project-user' });
    expect(waiting.body[0]).toMatchObject({ status: 'pending', status_reason: 'Choose up to 1 GCP project to finish the setup' });
    const two = await rt.request('POST', '/gcp/post-auth-retry', { user: 'one-project-user', body: { selected_project_ids: ['sim-alpha', 'sim-beta'] } });
    expect(two.status).toBe(400);
    expect(two.body.error).toMatchObject({ field: 'selected_project_ids', message: 'selected_project_ids: select at most 1 project (GCP_MAX_AUTO_PROJECTS)' });
    const one = await rt.request('POST', '/gcp/post-auth-retry', { user: 'one-project-user', body: { selected_project_ids: ['sim-beta'] } });
    expect(one.status).toBe(200);
  });
});
