import { join } from 'node:path';
import type { Deps } from '../deps.ts';
import type { Connection } from '../connections/types.ts';
import { ProviderAuthError } from '../errors.ts';
import type { ProviderId } from '../connectors/registry.ts';
import { SecretValue } from '../secret-value.ts';

/**
 * Provider → how a CLI child gets that user's short-lived credentials. The one place that knows,
 * per provider, which adapter mints them and which variables/files each CLI reads. The child's
 * environment is built from nothing: what `baseEnv` and a profile return is all it gets.
 */

export interface CredentialRequest {
  d: Deps;
  userId: string;
  /** the connection chosen for this run (metadata: region, tenant, tailnet, endpoint...) */
  connection: Connection;
  /** Ask mode: read-only role / service account where the provider has one */
  readOnly: boolean;
  /** the CLI about to run (gcloud, az, kubectl...) */
  binary: string;
}

/** What the adapter hands back: credential fields, all secret while in transit. */
export type Material = Record<string, unknown>;

export interface ChildCredentials {
  /** variables holding the credentials and per-account defaults */
  env: Record<string, string>;
  /** files written into the run's HOME before the CLI starts (0600) */
  files: Array<{ path: string; content: string }>;
  /** commands run first in the same HOME and environment, without a shell (az login) */
  prepare: Array<{ argv: string[]; what: string }>;
  /** every credential value handed to the child: scrubbed from anything the CLI prints */
  secrets: string[];
}

export interface ExecProfile {
  /**
   * What selected_project_id means for choosing the connection: `required` (it is the account:
   * AWS), `prefer` (use the matching account if connected, else the default: Azure subscriptions),
   * `none` (it scopes the command only).
   */
  accountSelection: 'required' | 'prefer' | 'none';
  /** config-dir and non-interactive settings of the provider's CLIs, all inside HOME */
  configEnv(home: string): Record<string, string>;
  /** the adapter call that mints (or loads) the user's credentials */
  source(req: CredentialRequest): Promise<SecretValue<Material>>;
  /** turn them into what the CLI reads */
  materialize(material: Material, req: CredentialRequest, home: string): ChildCredentials;
}

/** PATH, HOME and locale: the part every child gets. */
export function baseEnv(home: string, path: readonly string[]): Record<string, string> {
  return {
    PATH: path.join(':'),
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TZ: 'UTC',
    TERM: 'dumb',
    NO_COLOR: '1',
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers (adapters themselves load on first use, so a function pays only for the provider it runs)

async function storedSecret(d: Deps, conn: Connection, provider: string): Promise<Record<string, unknown>> {
  const doc = conn.secretRef ? await d.secrets.get(conn.secretRef) : null;
  if (!doc) throw new ProviderAuthError(`The stored ${provider} credentials are missing; reconnect ${provider}`, { code: 'credentials_missing', status: 409 });
  return doc.reveal();
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

function required(material: Material, key: string, provider: string): string {
  const v = str(material[key]);
  if (!v) throw new ProviderAuthError(`The ${provider} credentials are incomplete (no ${key}); reconnect ${provider}`, { code: 'credentials_incomplete', status: 409 });
  return v;
}

// ---------------------------------------------------------------------------------------------
// Profiles

const kube = (home: string) => ({ KUBECONFIG: join(home, '.kube', 'config') });

const gcp: ExecProfile = {
  accountSelection: 'none',
  configEnv: (home) => ({
    CLOUDSDK_CONFIG: join(home, '.config', 'gcloud'),
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    BOTO_CONFIG: join(home, '.boto'),
    ...kube(home),
  }),
  // Impersonates the user's read-only service account in Ask mode, the full one otherwise.
  source: async ({ d, userId, readOnly }) => {
    const { gcpTokenForUser } = await import('../connectors/gcp/command-token.ts');
    const t = await gcpTokenForUser(d, userId, { readOnly });
    return new SecretValue({ token: t.accessToken.reveal(), expiresAt: t.expiresAt, projectId: t.projectId ?? undefined });
  },
  materialize: (m, _req, home) => {
    const token = required(m, 'token', 'gcp');
    const tokenFile = join(home, '.config', 'gsutil', 'token.json');
    const project = str(m.projectId);
    return {
      // gcloud and bq (through gcloud's credential store) read the token from the environment;
      // the user's root project is the default when the command names none; the configured API
      // endpoints (Private Service Connect, the simulator) replace googleapis.com.
      env: {
        CLOUDSDK_AUTH_ACCESS_TOKEN: token,
        ...(project ? { CLOUDSDK_CORE_PROJECT: project } : {}),
        ...Object.fromEntries(Object.entries(_req.d.config.gcp.cliEndpointOverrides).map(([api, url]) => [`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api.toUpperCase()}`, url])),
      },
      // gsutil reads boto config; this is its documented way to use an externally minted token.
      files: [
        { path: '.config/gsutil/token.json', content: JSON.stringify({ type: 'external_account_authorized_user', token }) },
        { path: '.boto', content: `[Credentials]\ngs_external_account_authorized_user_file = ${tokenFile}\n` },
      ],
      prepare: [],
      secrets: [token],
    };
  },
};

const aws: ExecProfile = {
  accountSelection: 'required',
  configEnv: (home) => ({
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_PAGER: '',
    AWS_CLI_AUTO_PROMPT: 'off',
    // the standard mode's three attempts fit a run's budget; the legacy mode retries DynamoDB ten times
    AWS_RETRY_MODE: 'standard',
    // Without this the CLI could fall back to the host's metadata credentials (ours, not the user's).
    AWS_EC2_METADATA_DISABLED: 'true',
    ...kube(home),
  }),
  // STS AssumeRole into the user's role (read-only role or read-only session policy in Ask mode).
  source: async ({ d, userId, connection, readOnly }) => {
    const { assumeForUser } = await import('../connectors/aws/adapter.ts');
    return new SecretValue<Material>({ ...(await assumeForUser(d, userId, connection.accountId, { readOnly })).reveal() });
  },
  materialize: (m, { d, connection }) => {
    const keys = {
      AWS_ACCESS_KEY_ID: required(m, 'accessKeyId', 'aws'),
      AWS_SECRET_ACCESS_KEY: required(m, 'secretAccessKey', 'aws'),
      AWS_SESSION_TOKEN: required(m, 'sessionToken', 'aws'),
    };
    const region = str(m.region) ?? str(connection.metadata.region);
    const endpoint = d.config.aws.cliEndpointUrl;
    return {
      env: { ...keys, ...(region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {}), ...(endpoint ? { AWS_ENDPOINT_URL: endpoint } : {}) },
      files: [],
      prepare: [],
      secrets: [keys.AWS_SECRET_ACCESS_KEY, keys.AWS_SESSION_TOKEN],
    };
  },
};

/**
 * The az CLI cannot take a bare access token, so it logs in as the user's service principal
 * inside the run's own AZURE_CONFIG_DIR first (a second spawn, no shell, before the user's
 * command starts); the login lives and dies with that directory. The secret reaches az as a file
 * in the run's HOME (az reads `@<file>` argument values), never in argv, where
 * /proc/<pid>/cmdline would show it. kubectl runs need no login.
 */
const azure: ExecProfile = {
  accountSelection: 'prefer',
  configEnv: (home) => ({
    AZURE_CONFIG_DIR: join(home, '.azure'),
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AZURE_CORE_OUTPUT: 'json',
    AZURE_CORE_LOGIN_EXPERIENCE_V2: 'off',
    AZURE_EXTENSION_USE_DYNAMIC_INSTALL: 'no',
    ...kube(home),
  }),
  // The connection's service principal, as the Azure adapter stores it (secret read per use).
  source: async ({ d, connection }) => {
    const { servicePrincipalOf } = await import('../connectors/azure/principal.ts');
    const sp = await servicePrincipalOf(d, connection);
    if (!sp) throw new ProviderAuthError('The stored Azure credentials are missing; log in to Azure again', { code: 'credentials_missing', status: 409 });
    return new SecretValue({ clientSecret: sp.clientSecret.reveal(), clientId: sp.clientId, tenantId: sp.tenantId });
  },
  materialize: (m, { binary }) => {
    const secret = required(m, 'clientSecret', 'azure');
    // relative to HOME, the working directory of every step
    const secretFile = '.azure/aurora-service-principal-secret';
    const login = ['az', 'login', '--service-principal', `--username=${required(m, 'clientId', 'azure')}`, `--password=@${secretFile}`, `--tenant=${required(m, 'tenantId', 'azure')}`, '--allow-no-subscriptions', '--output', 'none'];
    if (binary !== 'az') return { env: {}, files: [], prepare: [], secrets: [secret] };
    return { env: {}, files: [{ path: secretFile, content: secret }], prepare: [{ argv: login, what: 'az login' }], secrets: [secret] };
  },
};

const scaleway: ExecProfile = {
  accountSelection: 'none',
  configEnv: (home) => ({ SCW_CONFIG_PATH: join(home, '.config', 'scw', 'config.yaml') }),
  // Scaleway has no short-lived credentials: the user's API key is handed over as it is.
  source: async ({ d, connection }) => {
    const doc = await storedSecret(d, connection, 'scaleway');
    return new SecretValue({
      secretKey: doc.secret_key,
      accessKey: connection.metadata.access_key,
      organizationId: connection.metadata.organization_id ?? connection.accountId,
      projectId: connection.metadata.default_project_id,
    });
  },
  materialize: (m, { d }) => {
    const secretKey = required(m, 'secretKey', 'scaleway');
    const project = str(m.projectId);
    return {
      env: {
        SCW_ACCESS_KEY: required(m, 'accessKey', 'scaleway'),
        SCW_SECRET_KEY: secretKey,
        SCW_DEFAULT_ORGANIZATION_ID: required(m, 'organizationId', 'scaleway'),
        ...(project ? { SCW_DEFAULT_PROJECT_ID: project } : {}),
        SCW_API_URL: d.config.scaleway.apiUrl,
      },
      files: [],
      prepare: [],
      secrets: [secretKey],
    };
  },
};

const tailscale: ExecProfile = {
  accountSelection: 'none',
  configEnv: () => ({}),
  // A fresh one-hour token from the OAuth client (tailscale/service.ts), for the newest working tailnet.
  source: async ({ d, userId }) => {
    const { tailscaleTokenForUser } = await import('../connectors/tailscale/service.ts');
    return new SecretValue({ token: (await tailscaleTokenForUser(d, userId)).reveal() });
  },
  materialize: (m, { d, connection }) => {
    const token = required(m, 'token', 'tailscale');
    return {
      env: { TAILSCALE_API_KEY: token, TAILSCALE_TAILNET: str(connection.metadata.tailnet) ?? connection.accountId, TAILSCALE_BASE_URL: d.config.tailscale.apiUrl },
      files: [],
      prepare: [],
      secrets: [token],
    };
  },
};

const ovh: ExecProfile = {
  accountSelection: 'none',
  configEnv: () => ({}),
  // The user's OAuth access token, refreshed ahead of expiry (ovh/service.ts).
  source: async ({ d, userId }) => {
    const { ovhTokenForUser } = await import('../connectors/ovh/service.ts');
    return new SecretValue({ token: (await ovhTokenForUser(d, userId)).reveal() });
  },
  materialize: (m, { d, connection }) => {
    const token = required(m, 'token', 'ovh');
    const endpoint = str(connection.metadata.endpoint) ?? 'ovh-eu';
    // The configured API base (sovereign or simulated) wins over the region name; the CLI takes either.
    const api = (d.config.ovh.regions as Record<string, { apiUrl?: string } | undefined>)[endpoint]?.apiUrl;
    return { env: { OVH_ENDPOINT: api ?? endpoint, OVH_ACCESS_TOKEN: token }, files: [], prepare: [], secrets: [token] };
  },
};

export const EXEC_PROFILES: Readonly<Record<ProviderId, ExecProfile>> = { gcp, aws, azure, scaleway, tailscale, ovh };

// ---------------------------------------------------------------------------------------------
// Test seam

const sourceOverrides = new Map<ProviderId, ExecProfile['source']>();

/**
 * Tests only: replace where a provider's credentials come from (the adapter call) while
 * everything after it (env building, files, HOME, execution) stays the real code. Tests use it to
 * hand each user, account and mode a credential they can recognise in what the CLI received.
 */
export function overrideCredentialSource(provider: ProviderId, source: ExecProfile['source'] | undefined): void {
  if (source) sourceOverrides.set(provider, source);
  else sourceOverrides.delete(provider);
}

/** Everything one run's child needs: the clean environment, files to write, preparation steps. */
export async function childCredentials(req: CredentialRequest, home: string, path: readonly string[]): Promise<ChildCredentials & { env: Record<string, string> }> {
  const profile = EXEC_PROFILES[req.connection.provider];
  const material = await (sourceOverrides.get(req.connection.provider) ?? profile.source)(req);
  const creds = profile.materialize(material.reveal(), req, home);
  return {
    ...creds,
    env: { ...baseEnv(home, path), ...profile.configEnv(home), ...creds.env },
    secrets: creds.secrets.filter((s) => s.length >= 6),
  };
}
