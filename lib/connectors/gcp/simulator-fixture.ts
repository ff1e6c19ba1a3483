/**
 * What the simulated Google knows: one Google account, its projects and how the simulated
 * services behave (latency, long-running operation delay, IAM propagation delay, page size).
 * Tests change it at run time through the simulator handle.
 */
export interface SimProjectFixture {
  projectId: string;
  name: string;
  billing: boolean;
  /** ACTIVE unless stated; DELETE_REQUESTED projects are listed by Google but unusable */
  state?: 'ACTIVE' | 'DELETE_REQUESTED';
  /** permissions the account holds on the project (testIamPermissions as the user); default: owner */
  userPermissions?: string[];
}

export interface GoogleFixture {
  account: { email: string; sub: string };
  projects: SimProjectFixture[];
  /** added before every answer */
  latencyMs: number;
  /** long-running Service Usage operations finish this long after they start */
  operationDelayMs: number;
  /** IAM grants take effect this long after setIamPolicy (per project overrides below) */
  propagationMs: number;
  propagationByProject: Record<string, number>;
  /** largest page of projects.search / projects.list (small, so pagination is always exercised) */
  pageSize: number;
  /** what the consent page does: approve at once, or send the user back with access_denied */
  consent: 'approve' | 'deny';
  accessTokenTtlSeconds: number;
  /** the refresh grant answers invalid_grant with subtype invalid_rapt (re-authentication required) */
  requireReauth: boolean;
  /** the refresh grant answers with a new refresh token (Google usually omits it) */
  rotateRefreshTokens: boolean;
  /** an API-enable operation ends with this error instead of success */
  operationError?: { code: number; message: string };
  /** random faults: this share of API calls (not OAuth) answer `status` */
  faultRate: number;
  faultStatus: number;
  /** projects where the account may not read or set org policies (Org Policy API answers 403) */
  orgPolicyDenied: string[];
}

export const OWNER_PERMISSIONS = [
  'resourcemanager.projects.get',
  'resourcemanager.projects.getIamPolicy',
  'resourcemanager.projects.setIamPolicy',
  'iam.serviceAccounts.create',
  'iam.serviceAccounts.get',
  'iam.serviceAccounts.setIamPolicy',
  'serviceusage.services.enable',
];

/** What each role lets a service account do, as far as our verification asks. */
export const ROLE_PERMISSIONS: Record<string, string[]> = {
  'roles/owner': [...OWNER_PERMISSIONS, 'compute.instances.list', 'compute.instances.create'],
  'roles/editor': ['resourcemanager.projects.get', 'compute.instances.list', 'compute.instances.create', 'storage.buckets.list'],
  'roles/viewer': ['resourcemanager.projects.get', 'compute.instances.list', 'storage.buckets.list'],
  'roles/browser': ['resourcemanager.projects.get'],
};

export function simProjects(count: number, opts: { billed?: number; prefix?: string } = {}): SimProjectFixture[] {
  const billed = opts.billed ?? count;
  const prefix = opts.prefix ?? 'sim-project';
  return Array.from({ length: count }, (_, i) => ({ projectId: `${prefix}-${i + 1}`, name: `Sim Project ${i + 1}`, billing: i < billed }));
}

export function defaultGoogleFixture(): GoogleFixture {
  return {
    account: { email: 'sim-user@example.com', sub: '109876543210987654321' },
    projects: [
      { projectId: 'sim-alpha', name: 'Alpha', billing: true },
      { projectId: 'sim-beta', name: 'Beta', billing: true },
      { projectId: 'sim-gamma', name: 'Gamma (no billing)', billing: false },
    ],
    latencyMs: 0,
    operationDelayMs: 50,
    propagationMs: 0,
    propagationByProject: {},
    pageSize: 2,
    consent: 'approve',
    accessTokenTtlSeconds: 3600,
    requireReauth: false,
    rotateRefreshTokens: false,
    faultRate: 0,
    faultStatus: 503,
    orgPolicyDenied: [],
  };
}

/** The simulator's OAuth client; the starter hands these to the service as CLIENT_ID/CLIENT_SECRET. */
export const SIM_CLIENT = { id: 'sim-client.apps.googleusercontent.com', secret: 'sim-client-secret-5f1c9a7e' };
