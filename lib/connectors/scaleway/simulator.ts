import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { FaultSwitch, listenLoopback } from '../../local/sim-kit.ts';

/**
 * Simulated Scaleway: IAM v1alpha1 (api-keys, users, applications) and Account v3 (projects),
 * authenticated by `X-Auth-Token: <secret key>` and answering with Scaleway's error documents.
 * Fixture credentials are exported so tests and the README walkthrough can connect offline.
 */
const ORG = '3f6c1a52-8e4b-4d0a-9b7e-5c2d1f0a9e61';
const OTHER_ORG = 'a1b2c3d4-0000-4000-8000-00000000beef';

export const SCALEWAY_FIXTURES = {
  organizationId: ORG,
  otherOrganizationId: OTHER_ORG,
  projects: [
    { id: '7d0e9c8b-1a2f-4e3d-8c5b-6a7f8e9d0c1b', name: 'default', organization_id: ORG },
    { id: 'c4b3a291-5e6d-4f7a-8b9c-0d1e2f3a4b5c', name: 'production', organization_id: ORG },
  ],
  /** a key of an IAM user, default project "default" */
  validKey: { accessKey: 'SCWSIMVALID0000000001', secretKey: '0b6c6a0e-4d5e-4f1a-9c3b-7e2d8f9a1b2c' },
  /** a key of an IAM application, default project "production" */
  appKey: { accessKey: 'SCWSIMAPPKEY000000002', secretKey: '5a9e2c71-3b8d-4e6f-a0c4-1d7b9e3f5a28' },
  /** valid, but its policies allow nothing: every call answers 403 */
  forbiddenKey: { accessKey: 'SCWSIMFORBIDDEN000003', secretKey: '9e8d7c6b-5a4f-4e3d-b2c1-a0f9e8d7c6b5' },
  /** a well-formed secret no key has */
  unknownSecret: '11111111-2222-4333-8444-555555555555',
};

interface Key {
  accessKey: string;
  secretKey: string;
  organizationId: string;
  userId?: string;
  applicationId?: string;
  defaultProjectId: string;
  forbidden?: boolean;
  revoked?: boolean;
}


export interface ScalewaySimulator extends RunningSimulator {
  url: string;
  /** the next `times` requests (matching `path`) answer `status`, or stall `delayMs` first (timeouts) */
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  /** remove every fault and the latency */
  reset(): void;
  /** latency added to every answer */
  setLatency(ms: number): void;
  /** make a key's secret stop working (401), as if deleted in the console; restore undoes it */
  revokeKey(accessKey: string): void;
  restoreKey(accessKey: string): void;
  /** add projects to the fixture organisation (pagination) */
  addProjects(count: number): void;
  /** requests seen (method and path only; never headers) */
  requests: string[];
}

export const startScalewaySimulator: SimulatorStarter = async (opts) => {
  const users = new Map([['6d2c1b0a-9f8e-4d7c-b6a5-948372615041', { id: '6d2c1b0a-9f8e-4d7c-b6a5-948372615041', email: 'ops@example.com', organization_id: ORG }]]);
  const applications = new Map([['e5d4c3b2-a190-4f8e-9d7c-6b5a49382716', { id: 'e5d4c3b2-a190-4f8e-9d7c-6b5a49382716', name: 'aurora', organization_id: ORG }]]);
  const projects = SCALEWAY_FIXTURES.projects.map((p) => ({ ...p, created_at: '2024-01-10T09:00:00Z', updated_at: '2024-01-10T09:00:00Z', description: '' }));
  const F = SCALEWAY_FIXTURES;
  const keys: Key[] = [
    { ...F.validKey, organizationId: ORG, userId: [...users.keys()][0], defaultProjectId: F.projects[0].id },
    { ...F.appKey, organizationId: ORG, applicationId: [...applications.keys()][0], defaultProjectId: F.projects[1].id },
    { ...F.forbiddenKey, organizationId: ORG, userId: [...users.keys()][0], defaultProjectId: F.projects[0].id, forbidden: true },
  ];
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse, resource: string, id: string) => send(res, 404, { message: 'resource is not found', resource, resource_id: id, type: 'not_found' });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}`);
    const faultStatus = await faults.apply(url.pathname, res);
    if (res.destroyed) return;
    if (faultStatus) return send(res, faultStatus, { message: 'internal error', type: 'internal_error' });

    const token = req.headers['x-auth-token'];
    const caller = keys.find((k) => k.secretKey === token && !k.revoked);
    if (!caller) return send(res, 401, { message: 'authentication is denied', method: 'api_key', reason: 'invalid_argument', type: 'denied_authentication' });
    if (req.method !== 'GET') return send(res, 405, { message: 'method not allowed', type: 'invalid_request_error' });
    const deny = (resource: string) => send(res, 403, { message: 'insufficient permissions', type: 'permissions_denied', details: [{ resource, action: 'read' }] });

    let m: RegExpExecArray | null;
    if ((m = /^\/iam\/v1alpha1\/api-keys\/([^/]+)$/.exec(url.pathname))) {
      if (caller.forbidden) return deny('api_key');
      const k = keys.find((x) => x.accessKey === decodeURIComponent(m![1]) && x.organizationId === caller.organizationId);
      if (!k) return notFound(res, 'api_key', m[1]);
      return send(res, 200, {
        access_key: k.accessKey,
        secret_key: null,
        application_id: k.applicationId ?? null,
        user_id: k.userId ?? null,
        description: 'aurora',
        created_at: '2024-01-10T09:00:00Z',
        updated_at: '2024-01-10T09:00:00Z',
        expires_at: null,
        default_project_id: k.defaultProjectId,
        editable: true,
        deletable: true,
        managed: false,
        creation_ip: '192.0.2.10',
      });
    }
    if ((m = /^\/iam\/v1alpha1\/(users|applications)\/([^/]+)$/.exec(url.pathname))) {
      if (caller.forbidden) return deny(m[1] === 'users' ? 'user' : 'application');
      const found = (m[1] === 'users' ? users : applications).get(decodeURIComponent(m[2]));
      if (!found || found.organization_id !== caller.organizationId) return notFound(res, m[1] === 'users' ? 'user' : 'application', m[2]);
      return send(res, 200, { ...found, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' });
    }
    if (url.pathname === '/account/v3/projects') {
      if (caller.forbidden) return deny('project');
      const org = url.searchParams.get('organization_id');
      if (org && org !== caller.organizationId) return deny('project');
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
      const size = Math.min(100, Math.max(1, Number(url.searchParams.get('page_size') ?? 50)));
      const mine = projects.filter((p) => p.organization_id === caller.organizationId);
      return send(res, 200, { total_count: mine.length, projects: mine.slice((page - 1) * size, page * size) });
    }
    return send(res, 404, { message: 'resource is not found', type: 'not_found' });
  }

  const { url, close } = await listenLoopback(handle, { message: 'internal error', type: 'internal_error' });
  const sim: ScalewaySimulator = {
    name: 'scaleway',
    url,
    env: { SCALEWAY_API_URL: url },
    requests,
    fail: (o) => faults.fail(o),
    reset: () => faults.reset(),
    setLatency: (ms) => faults.setLatency(ms),
    revokeKey: (ak) => keys.filter((k) => k.accessKey === ak).forEach((k) => (k.revoked = true)),
    restoreKey: (ak) => keys.filter((k) => k.accessKey === ak).forEach((k) => (k.revoked = false)),
    addProjects: (count) => {
      for (let i = 0; i < count; i++) {
        const n = projects.length;
        projects.push({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `project-${n}`, organization_id: ORG, created_at: '2024-02-01T00:00:00Z', updated_at: '2024-02-01T00:00:00Z', description: '' });
      }
    },
    close,
  };
  return sim;
};
