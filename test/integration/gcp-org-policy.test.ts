import { beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection, listAudit } from '../../lib/connections/repo.ts';
import type { GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import { localExecution } from '../../lib/gcp-setup/local-runner.ts';
import type { TestRuntime } from '../helpers/runtime.ts';
import { useGcpRuntime } from '../helpers/gcp.ts';

/**
 * GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN on: the setup overrides domain-restricted sharing on each
 * configured project (never the organisation), reports it in the result, and survives projects
 * where Google refuses. The default (off) is covered in gcp-setup.test.ts: no Org Policy call at all.
 */
let rt: TestRuntime;
let sim: GoogleSimulator;

const CONSTRAINT = 'iam.allowedPolicyMemberDomains';
const orgPolicyCalls = () => sim.calls().filter((c) => c.host === 'orgpolicy');

const gcp = useGcpRuntime({ GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN: 'true' });
beforeAll(() => ({ rt, sim } = gcp));

describe('org-policy opt-in (GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN=true)', () => {
  it('overrides the constraint on exactly the configured projects, never on the organisation, and says so in the result', async () => {
    const r = await connectGcp(rt.url, 'orgpolicy-user', { intervalMs: 2 });
    expect(r.final).toMatchObject({
      state: 'SUCCESS',
      status: 'GCP setup complete',
      total_steps: 8,
      step: 8,
      result: {
        propagation_status: 'FULL',
        org_policy: { constraint: CONSTRAINT, updated: 2, updated_projects: expect.arrayContaining(['sim-alpha', 'sim-beta']), failed: [] },
      },
    });
    const steps = r.statuses.map((s) => s.step as number);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    const progress = r.statuses.map((s) => s.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    // what Google now holds: an allow-all override on the two billed projects, nothing else
    const policies = sim.orgPolicies();
    expect(policies.map((p) => p.name).sort()).toEqual([`projects/sim-alpha/policies/${CONSTRAINT}`, `projects/sim-beta/policies/${CONSTRAINT}`]);
    for (const p of policies) expect(p.spec.rules).toEqual([{ allowAll: true }]);

    // every Org Policy call addressed one of those projects: none the unbilled one, none an organisation or folder
    const calls = orgPolicyCalls();
    expect(calls.length).toBe(4); // per project: GET (404, no policy yet) then POST create
    for (const c of calls) expect(c.path).toMatch(/^\/v2\/projects\/sim-(alpha|beta)\/policies(\/iam\.allowedPolicyMemberDomains)?$/);
    expect(sim.calls().filter((c) => /organizations|folders/.test(c.path))).toEqual([]);
    expect(sim.counts()).toMatchObject({ 'orgpolicy.policies.get': 2, 'orgpolicy.policies.create': 2 });

    // after the role grants, before verification
    const exec = localExecution(r.taskId!)!;
    await exec.done;
    const entered = exec.events.flatMap((e) => ((e as { type: string }).type === 'StateEntered' ? [(e as { state: { name: string } }).state.name] : []));
    const at = (n: string) => entered.indexOf(n);
    expect(at('ConfigureOrgPolicy')).toBeGreaterThan(at('GrantRoles'));
    expect(at('ConfigureOrgPolicy')).toBeLessThan(at('VerifyPropagation'));

    // and the user can audit it
    const audit = await listAudit(deps().db, 'orgpolicy-user');
    expect(audit.find((a) => a.action === 'gcp_org_policy_override')?.detail).toMatchObject({ constraint: CONSTRAINT, updated: 2, task_id: r.taskId });
  });

  it('an existing restrictive project policy is replaced by read-modify-write with its etag', async () => {
    sim.presetOrgPolicy('sim-alpha', CONSTRAINT, { rules: [{ values: { allowedValues: ['C0abc123'] } }] });
    const r = await connectGcp(rt.url, 'preset-user', { intervalMs: 2 });
    expect(r.final).toMatchObject({ state: 'SUCCESS', result: { org_policy: { updated: 2, failed: [] } } });
    expect(sim.orgPolicies().find((p) => p.name === `projects/sim-alpha/policies/${CONSTRAINT}`)?.spec.rules).toEqual([{ allowAll: true }]);
    expect(sim.counts()).toMatchObject({ 'orgpolicy.policies.patch': 1, 'orgpolicy.policies.create': 1 });
  });

  it('Google refuses on one project (403) → SUCCESS anyway, that project listed with the reason, "Org Policy update failed for some projects"', async () => {
    sim.configure({ orgPolicyDenied: ['sim-beta'] });
    const r = await connectGcp(rt.url, 'denied-user', { intervalMs: 2 });
    expect(r.final).toMatchObject({
      state: 'SUCCESS',
      complete: true,
      status: 'Org Policy update failed for some projects',
      result: { propagation_status: 'FULL', verified_projects: 2, org_policy: { updated: 1, updated_projects: ['sim-alpha'], failed: [{ project_id: 'sim-beta', reason: expect.stringMatching(/denied/) }] } },
    });
    expect(sim.orgPolicies().map((p) => p.name)).toEqual([`projects/sim-alpha/policies/${CONSTRAINT}`]);
    const conn = await getConnection(deps().db, { userId: 'denied-user', provider: 'gcp', accountId: 'sim-user@example.com' });
    expect(conn?.status).toBe('connected');
  });

  it('Org Policy API unavailable on every call for one project (503, retries exhausted) → still SUCCESS with the failure listed', async () => {
    sim.fail({ path: /^\/orgpolicy\/v2\/projects\/sim-alpha\//, status: 503, times: 1000 });
    const r = await connectGcp(rt.url, 'unavailable-user', { intervalMs: 2 });
    expect(r.final).toMatchObject({ state: 'SUCCESS', status: 'Org Policy update failed for some projects', result: { org_policy: { updated: 1, failed: [{ project_id: 'sim-alpha' }] } } });
  });
});
