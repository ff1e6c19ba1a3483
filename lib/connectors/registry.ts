/**
 * The six cloud providers as data. Everything provider-specific that generic code needs (names,
 * auth kind, which credential fields are secret, feature flags) is here, so no code outside the
 * registry branches on a provider id.
 */
export const PROVIDER_IDS = ['gcp', 'aws', 'azure', 'scaleway', 'tailscale', 'ovh'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export type AuthKind = 'oauth2' | 'iam_role' | 'service_principal' | 'api_key' | 'oauth_client_credentials';

export interface ProviderDefinition {
  id: ProviderId;
  displayName: string;
  authKind: AuthKind;
  /** what account_id means for this provider */
  accountIdMeaning: string;
  /** credential fields that only ever live in the secret store */
  secretFields: readonly string[];
  /** non-secret fields kept on the connection record */
  metadataFields: readonly string[];
  /** feature flag that must be on for the provider to exist at all */
  featureFlag?: 'ovh';
  /** CLIs that run under this provider's credentials (cloud_tool) */
  clis: readonly string[];
}

export const PROVIDERS: Record<ProviderId, ProviderDefinition> = {
  gcp: {
    id: 'gcp',
    displayName: 'Google Cloud Platform',
    authKind: 'oauth2',
    accountIdMeaning: 'Google account email',
    secretFields: ['access_token', 'refresh_token', 'id_token'],
    metadataFields: ['email', 'root_project', 'projects', 'full_sa_email', 'readonly_sa_email'],
    clis: ['gcloud', 'gsutil', 'bq', 'kubectl'],
  },
  aws: {
    id: 'aws',
    displayName: 'Amazon Web Services',
    authKind: 'iam_role',
    accountIdMeaning: 'AWS account id',
    secretFields: [],
    metadataFields: ['role_arn', 'read_only_role_arn', 'region'],
    clis: ['aws', 'kubectl'],
  },
  azure: {
    id: 'azure',
    displayName: 'Microsoft Azure',
    authKind: 'service_principal',
    accountIdMeaning: 'subscription id',
    secretFields: ['client_secret'],
    metadataFields: ['tenant_id', 'client_id', 'subscription_id', 'subscription_name'],
    clis: ['az', 'kubectl'],
  },
  scaleway: {
    id: 'scaleway',
    displayName: 'Scaleway',
    authKind: 'api_key',
    accountIdMeaning: 'organization id',
    secretFields: ['secret_key'],
    metadataFields: ['access_key', 'organization_id', 'default_project_id'],
    clis: ['scw'],
  },
  tailscale: {
    id: 'tailscale',
    displayName: 'Tailscale',
    authKind: 'oauth_client_credentials',
    accountIdMeaning: 'tailnet',
    secretFields: ['client_secret', 'ssh_private_key'],
    metadataFields: ['client_id', 'tailnet', 'tailnet_name'],
    clis: ['tailscale'],
  },
  ovh: {
    id: 'ovh',
    displayName: 'OVHcloud',
    authKind: 'oauth2',
    accountIdMeaning: 'OVH account (nichandle)',
    secretFields: ['access_token', 'refresh_token'],
    metadataFields: ['endpoint'],
    featureFlag: 'ovh',
    clis: ['ovhcloud'],
  },
};

export function isProviderId(v: unknown): v is ProviderId {
  return typeof v === 'string' && (PROVIDER_IDS as readonly string[]).includes(v);
}

/** Providers that exist under the current feature flags. */
export function enabledProviders(features: { ovh: boolean }): ProviderId[] {
  return PROVIDER_IDS.filter((id) => {
    const flag = PROVIDERS[id].featureFlag;
    return !flag || features[flag];
  });
}
