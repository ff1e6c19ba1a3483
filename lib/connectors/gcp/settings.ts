import { section, setting, custom, optStr, url, int, bool } from '../../config/define.ts';

/** The APIs every configured project needs; GCP_REQUIRED_APIS replaces the list. */
export const DEFAULT_REQUIRED_APIS = [
  'compute',
  'container',
  'artifactregistry',
  'run',
  'cloudbuild',
  'storage',
  'iam',
  'cloudresourcemanager',
  'serviceusage',
  'iamcredentials',
  'cloudbilling',
  'monitoring',
  'logging',
  'bigquery',
  'sqladmin',
  'appengine',
  'pubsub',
  'dns',
  'cloudfunctions',
  'firestore',
  'dataflow',
  'redis',
  'endpoints',
  'composer',
  'containerregistry',
  'cloudasset',
].map((n) => `${n}.googleapis.com`);

export const DEFAULT_READONLY_ROLES = [
  'roles/viewer',
  'roles/logging.viewer',
  'roles/monitoring.viewer',
  'roles/browser',
  'roles/cloudasset.viewer',
  'roles/compute.viewer',
  'roles/container.viewer',
  'roles/storage.objectViewer',
];

const optInt = (min: number, max: number) =>
  custom(
    (v) => (v === undefined ? undefined : Number(v)),
    (n) => (n === undefined || (Number.isInteger(n) && n >= min && n <= max) ? undefined : `must be an integer between ${min} and ${max}`),
  );

const splitList = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const readList = (def: string[]) => (v: string | undefined) => (v === undefined ? def : splitList(v));

const list = (def: string[]) => custom(readList(def));

const ROLE = /^(roles|projects\/[a-z][a-z0-9-]+\/roles|organizations\/\d+\/roles)\/[A-Za-z0-9_.]+$/;
const roles = (def: string[]) =>
  custom(
    readList(def),
    (rs) => (rs.length > 0 && rs.every((r) => ROLE.test(r)) ? undefined : 'must be a comma-separated list of IAM role names'),
  );

const ENDPOINT_PAIR = /^([a-z][a-z0-9]*)=(https?:\/\/\S+)$/;

/** "compute=https://…/compute/v1/,cloudresourcemanager=https://…/" → { compute: …, cloudresourcemanager: … } */
function endpointOverrides() {
  return custom(
    (v) => {
      const out: Record<string, string> = {};
      for (const pair of splitList(v ?? '')) {
        const m = ENDPOINT_PAIR.exec(pair);
        if (m) out[m[1]] = m[2];
      }
      return out;
    },
    (_, raw) => {
      const bad = splitList(raw ?? '').find((p) => !ENDPOINT_PAIR.test(p));
      return bad === undefined ? undefined : `"${bad}" is not api=url`;
    },
  );
}

export const gcpSection = section(
  {
    CLIENT_ID: setting(optStr(), 'Google OAuth client id (web application). Required for GCP login.'),
    CLIENT_SECRET: setting(optStr(), 'Google OAuth client secret. Required for GCP login.', { secret: true }),
    GOOGLE_OAUTH_AUTH_URL: setting(url('https://accounts.google.com/o/oauth2/v2/auth'), 'Google OAuth consent page.'),
    GOOGLE_OAUTH_TOKEN_URL: setting(url('https://oauth2.googleapis.com/token'), 'Google OAuth token endpoint (code exchange and refresh).'),
    GOOGLE_OAUTH_REVOKE_URL: setting(url('https://oauth2.googleapis.com/revoke'), 'Google OAuth token revocation endpoint (used on disconnect).'),
    GOOGLE_USERINFO_URL: setting(url('https://openidconnect.googleapis.com/v1/userinfo'), 'OpenID Connect userinfo endpoint (reads the account email).'),
    GCP_CRM_ROOT_URL: setting(url('https://cloudresourcemanager.googleapis.com'), 'Cloud Resource Manager API root URL.'),
    GCP_BILLING_ROOT_URL: setting(url('https://cloudbilling.googleapis.com'), 'Cloud Billing API root URL.'),
    GCP_SERVICEUSAGE_ROOT_URL: setting(url('https://serviceusage.googleapis.com'), 'Service Usage API root URL.'),
    GCP_IAM_ROOT_URL: setting(url('https://iam.googleapis.com'), 'IAM API root URL.'),
    GCP_IAMCREDENTIALS_ROOT_URL: setting(url('https://iamcredentials.googleapis.com'), 'IAM Service Account Credentials API root URL.'),
    GCP_ORGPOLICY_ROOT_URL: setting(url('https://orgpolicy.googleapis.com'), 'Organization Policy API (v2) root URL; called only when GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN is on.'),
    GCP_CLI_API_ENDPOINT_OVERRIDES: setting(
      endpointOverrides(),
      'cloud_tool: API endpoints the gcloud CLI uses instead of googleapis.com, as comma-separated api=url pairs (each becomes CLOUDSDK_API_ENDPOINT_OVERRIDES_<API>): Private Service Connect endpoints, or the local simulator (set by --simulate). Default: none.',
    ),
    GCP_REQUIRED_APIS: setting(list(DEFAULT_REQUIRED_APIS), 'Comma-separated services enabled in every configured project (default: 26 APIs).'),
    GCP_FULL_ACCESS_ROLES: setting(roles(['roles/editor']), 'Roles of the full-access service account in each project. roles/owner only if you list it here.'),
    GCP_READONLY_ROLES: setting(roles(DEFAULT_READONLY_ROLES), 'Roles of the read-only service account in each project.'),
    GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN: setting(
      bool(false),
      'Off by default. When on, the setup sets a project-level override of the org constraint iam.allowedPolicyMemberDomains to "allow all" on each configured project (never on the organisation), so Cloud Run services there can be made public (allUsers). This weakens domain-restricted sharing in those projects: IAM grants to any domain become possible. Each change is listed in the task result and the audit log; a project where it fails is reported, not fatal.',
    ),
    GCP_MAX_AUTO_PROJECTS: setting(int(5, 1, 20), 'Most billed projects configured without asking; above it the setup stops in NEEDS_SELECTION.'),
    GCP_SETUP_STATE_MACHINE_ARN: setting(optStr(), 'ARN of the GCP setup state machine. Set by the stacks for the functions that start it (capability "workflow"); unset locally (in-process runner).'),
    GCP_TOKEN_REFRESH_SKEW_SECONDS: setting(int(300, 0, 3000), 'Refresh a Google access token this long before it expires.'),
    GCP_TOKEN_LEASE_MS: setting(int(10000, 100, 120000), 'How long one function may hold the token-refresh lease; others wait up to this long and reuse its result.'),
    GCP_HTTP_TIMEOUT_MS: setting(int(15000, 100, 120000), 'Timeout of each Google API call.'),
    GCP_HTTP_ATTEMPTS: setting(int(4, 1, 10), 'Attempts per Google API call on 429/5xx/timeouts (backoff with jitter between them).'),
    GCP_ENABLE_POLL_INTERVAL_MS: setting(int(250, 10, 60000), 'Shortest interval between polls of an API-enable operation; later polls wait a tenth of the time the operation has run, up to 5 s.'),
    GCP_ENABLE_POLL_BUDGET_SECONDS: setting(int(20, 0, 600), 'How long one setup step polls API-enable operations before handing over to a Wait state.'),
    GCP_ENABLE_MAX_WAIT_SECONDS: setting(int(900, 10, 3600), 'Give up on API-enable operations after this long ("Error enabling required APIs").'),
    GCP_VERIFY_MAX_ATTEMPTS: setting(int(20, 1, 100), 'Propagation checks per project (the first at once, then Wait states with backoff).'),
    GCP_VERIFY_BASE_WAIT_SECONDS: setting(int(5, 1, 600), 'First wait between propagation checks; doubles per attempt.'),
    GCP_VERIFY_MAX_WAIT_SECONDS: setting(int(60, 1, 3600), 'Longest wait between propagation checks.'),
    GCP_LOCAL_WAIT_MS: setting(optInt(0, 3600000), 'Local workflow runner only: every Wait state sleeps this many milliseconds instead (tests).'),
    GCP_LOCAL_RETRY_MS: setting(optInt(0, 3600000), 'Local workflow runner only: every Retry interval is this many milliseconds instead (tests).'),
  },
  (v) => {
    return {
      clientId: v.CLIENT_ID,
      clientSecret: v.CLIENT_SECRET,
      authUrl: v.GOOGLE_OAUTH_AUTH_URL,
      tokenUrl: v.GOOGLE_OAUTH_TOKEN_URL,
      revokeUrl: v.GOOGLE_OAUTH_REVOKE_URL,
      userinfoUrl: v.GOOGLE_USERINFO_URL,
      roots: {
        crm: v.GCP_CRM_ROOT_URL + '/',
        billing: v.GCP_BILLING_ROOT_URL + '/',
        serviceUsage: v.GCP_SERVICEUSAGE_ROOT_URL + '/',
        iam: v.GCP_IAM_ROOT_URL + '/',
        iamCredentials: v.GCP_IAMCREDENTIALS_ROOT_URL + '/',
        orgPolicy: v.GCP_ORGPOLICY_ROOT_URL + '/',
      },
      cliEndpointOverrides: v.GCP_CLI_API_ENDPOINT_OVERRIDES,
      requiredApis: v.GCP_REQUIRED_APIS,
      fullAccessRoles: v.GCP_FULL_ACCESS_ROLES,
      readOnlyRoles: v.GCP_READONLY_ROLES,
      maxAutoProjects: v.GCP_MAX_AUTO_PROJECTS,
      orgPolicyAllowPublicCloudRun: v.GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN,
      stateMachineArn: v.GCP_SETUP_STATE_MACHINE_ARN,
      refreshSkewMs: v.GCP_TOKEN_REFRESH_SKEW_SECONDS * 1000,
      leaseMs: v.GCP_TOKEN_LEASE_MS,
      httpTimeoutMs: v.GCP_HTTP_TIMEOUT_MS,
      httpAttempts: v.GCP_HTTP_ATTEMPTS,
      enablePollIntervalMs: v.GCP_ENABLE_POLL_INTERVAL_MS,
      enablePollBudgetMs: v.GCP_ENABLE_POLL_BUDGET_SECONDS * 1000,
      enableMaxWaitMs: v.GCP_ENABLE_MAX_WAIT_SECONDS * 1000,
      verifyMaxAttempts: v.GCP_VERIFY_MAX_ATTEMPTS,
      verifyBaseWaitSeconds: v.GCP_VERIFY_BASE_WAIT_SECONDS,
      verifyMaxWaitSeconds: v.GCP_VERIFY_MAX_WAIT_SECONDS,
      localWaitMs: v.GCP_LOCAL_WAIT_MS,
      localRetryMs: v.GCP_LOCAL_RETRY_MS,
    };
  },
);
