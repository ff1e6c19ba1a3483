import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { serviceAccountIds, SA_ID } from '../../lib/gcp-setup/ids.ts';
import { withGrants } from '../../lib/gcp-setup/policy.ts';
import { failureMessage, toStepError } from '../../lib/gcp-setup/errors.ts';
import { STEP, toTaskView, type TaskItem } from '../../lib/gcp-setup/tasks.ts';
import { GoogleApiError, GcpReauthRequiredError } from '../../lib/connectors/gcp/errors.ts';
import { batches } from '../../lib/connectors/gcp/service-usage.ts';
import { load } from '../../lib/config.ts';
import { DEFAULT_REQUIRED_APIS } from '../../lib/connectors/gcp/settings.ts';

describe('service account ids', () => {
  it('are valid Google account ids (6–30, [a-z][a-z0-9-]*, alphanumeric end), stable, distinct per user', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 128 }), (uid) => {
        const a = serviceAccountIds(uid);
        for (const id of [a.full, a.readOnly]) {
          expect(id.length).toBeLessThanOrEqual(30);
          expect(id).toMatch(SA_ID);
        }
        expect(serviceAccountIds(uid)).toEqual(a);
        expect(a.full).not.toBe(a.readOnly);
      }),
    );
    expect(serviceAccountIds('alice').full).not.toBe(serviceAccountIds('bob').full);
    expect(serviceAccountIds('alice@example.com').full).not.toContain('alice');
  });
});

describe('IAM policy merge', () => {
  const grant = { role: 'roles/editor', member: 'serviceAccount:sa@p.iam.gserviceaccount.com' };
  it('adds the member to an existing binding, keeping everyone else and the etag untouched', () => {
    const p = { version: 1, etag: 'E1', bindings: [{ role: 'roles/editor', members: ['user:a@x.com'] }, { role: 'roles/owner', members: ['user:o@x.com'] }] };
    const r = withGrants(p, [grant]);
    expect(r.changed).toBe(true);
    expect(r.policy.bindings).toEqual([{ role: 'roles/editor', members: ['user:a@x.com', grant.member] }, { role: 'roles/owner', members: ['user:o@x.com'] }]);
    expect(r.policy.etag).toBe('E1');
    expect(p.bindings[0].members).toEqual(['user:a@x.com']);
  });
  it('never joins a conditional binding, and reports no change when everything is present', () => {
    const p = { version: 3, bindings: [{ role: 'roles/editor', members: ['user:a@x.com'], condition: { expression: 'request.time < timestamp("2030-01-01T00:00:00Z")', title: 't' } }] };
    const r = withGrants(p, [grant]);
    expect(r.policy.bindings).toHaveLength(2);
    expect(r.policy.bindings![0].members).toEqual(['user:a@x.com']);
    expect(r.policy.version).toBe(3);
    expect(withGrants(r.policy, [grant]).changed).toBe(false);
  });
});

describe('step errors', () => {
  it('maps faults to the names the state machine matches, with human messages', () => {
    expect(toStepError(new GoogleApiError('x', 503, 'UNAVAILABLE', 'down', true), 'Error enabling required APIs').error).toMatchObject({ name: 'Gcp.Retryable', message: 'Error enabling required APIs' });
    expect(toStepError(new GoogleApiError('x', 409, 'ABORTED', 'etag', false), 'm').error.name).toBe('Gcp.Conflict');
    expect(toStepError(new GoogleApiError('x', 403, 'PERMISSION_DENIED', 'no', false), 'm').error.name).toBe('Gcp.Failed');
    expect(toStepError(new GcpReauthRequiredError(), 'm').error.message).toBe('No refresh token available. Please re-authenticate.');
    const odd = toStepError(Object.assign(new Error('Bearer ya29.secret in a message'), { name: 'TypeError' }), 'Could not list projects');
    expect(odd.error.message).toBe('Could not list projects');
  });
  it('reads the human message from Lambda and local error shapes, and nothing from foreign errors', () => {
    expect(failureMessage({ Error: 'Gcp.Failed', Cause: JSON.stringify({ errorType: 'Gcp.Failed', errorMessage: 'No GCP projects found during login', trace: [] }) })).toBe('No GCP projects found during login');
    expect(failureMessage({ Error: 'Gcp.Failed', Cause: 'No GCP project with active billing found' })).toBe('No GCP project with active billing found');
    expect(failureMessage({ Error: 'States.Timeout', Cause: 'whatever' })).toBe('GCP setup failed. Please try connecting again.');
    expect(failureMessage(undefined)).toBe('GCP setup failed. Please try connecting again.');
  });
});

describe('task status payload', () => {
  const base: TaskItem = { owner: 'u', taskId: 't', accountId: 'a@x.com', state: 'PROGRESS', step: 3, units: 5, done: new Set(['p1', 'p2']) };
  it('shows per-project progress as "(2/5 projects)" and a percentage inside the step', () => {
    expect(toTaskView(base)).toEqual({ state: 'PROGRESS', status: 'Enabling required APIs (2/5 projects)', complete: false, progress: 27, step: 3, total_steps: 7 });
  });
  it('success carries the result; failure the message and error:true; selection the projects', () => {
    expect(toTaskView({ ...base, state: 'SUCCESS', setupResult: { propagation_status: 'PARTIAL', verified_projects: 1, total_projects: 2 }, message: 'Propagation verification: PARTIAL (1/2 projects)' })).toMatchObject({ complete: true, progress: 100, result: { propagation_status: 'PARTIAL' } });
    expect(toTaskView({ ...base, state: 'FAILURE', message: 'Error enabling required APIs' })).toMatchObject({ complete: true, error: true, status: 'Error enabling required APIs' });
    expect(toTaskView({ ...base, state: 'NEEDS_SELECTION', eligible: [{ project_id: 'p', name: 'P' }] })).toMatchObject({ complete: true, eligible_projects: [{ project_id: 'p', name: 'P' }] });
  });
  it('counts the org-policy step only in setups that run it (opt-in): 7 steps otherwise, numbered without gaps', () => {
    const verifying: TaskItem = { ...base, step: STEP.verify, units: 2, done: new Set(['p1']) };
    expect(toTaskView(verifying)).toMatchObject({ step: 6, total_steps: 7, status: 'Verifying permission propagation (1/2 projects)' });
    expect(toTaskView({ ...verifying, orgPolicy: true })).toMatchObject({ step: 7, total_steps: 8 });
    expect(toTaskView({ ...base, orgPolicy: true, step: STEP.orgPolicy, units: 2, done: new Set(['p1']) })).toMatchObject({ step: 6, total_steps: 8, status: 'Updating the domain-restricted sharing policy (1/2 projects)', progress: 71 });
    expect(toTaskView({ ...base, step: STEP.roles })).toMatchObject({ step: 5, total_steps: 7 });
    expect(toTaskView({ ...verifying, state: 'SUCCESS', setupResult: { propagation_status: 'FULL', verified_projects: 2, total_projects: 2 } })).toMatchObject({ step: 7, total_steps: 7, progress: 100 });
  });
});

describe('GCP settings', () => {
  it('requires 26 APIs by default, enabled in at most 2 batches of 20', () => {
    const cfg = load({}).gcp;
    expect(cfg.requiredApis).toEqual(DEFAULT_REQUIRED_APIS);
    expect(cfg.requiredApis).toHaveLength(26);
    expect(batches(cfg.requiredApis).map((b) => b.length)).toEqual([20, 6]);
    expect(cfg.fullAccessRoles).toEqual(['roles/editor']);
  });
  it('takes every endpoint, the API list and the state machine ARN from settings', () => {
    const cfg = load({ GCP_CRM_ROOT_URL: 'https://crm.example.eu/', GCP_REQUIRED_APIS: 'compute.googleapis.com, iam.googleapis.com', GCP_SETUP_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:1:stateMachine:x' }).gcp;
    expect(cfg.roots.crm).toBe('https://crm.example.eu/');
    expect(cfg.requiredApis).toEqual(['compute.googleapis.com', 'iam.googleapis.com']);
    expect(cfg.stateMachineArn).toBe('arn:aws:states:eu-west-1:1:stateMachine:x');
    expect(() => load({ GCP_FULL_ACCESS_ROLES: 'editor' })).toThrow(/GCP_FULL_ACCESS_ROLES/);
    expect(() => load({ GOOGLE_OAUTH_TOKEN_URL: 'not a url' })).toThrow(/GOOGLE_OAUTH_TOKEN_URL/);
  });
});
