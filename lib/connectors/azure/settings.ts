import { custom, section, setting, str, optStr, url, int } from '../../config/define.ts';

// the client secret is posted there (lib/connectors/azure/entra.ts), so never over plain HTTP
const httpsUrl = (def: string) =>
  custom(
    (v) => (v ?? def).replace(/\/+$/, ''),
    (v) => (URL.canParse(v) && new URL(v).protocol === 'https:' ? undefined : 'must be an https:// URL'),
  );

/** Azure connector: Entra ID (token endpoint) and Azure Resource Manager, both configurable for sovereign clouds. */
export const azureSection = section(
  {
    AZURE_AUTHORITY_HOST: setting(
      httpsUrl('https://login.microsoftonline.com'),
      'Entra ID authority host (https only: the client secret is posted to its v2 token endpoint). Sovereign clouds: https://login.microsoftonline.us, https://login.chinacloudapi.cn.',
    ),
    AZURE_AUTHORITY_CA_PEM: setting(
      optStr(),
      'PEM certificate(s) trusted for the authority host instead of the system roots (the local simulator serves a self-signed certificate). Leave unset for Azure.',
    ),
    AZURE_RESOURCE_MANAGER_ENDPOINT: setting(url('https://management.azure.com'), 'Azure Resource Manager base URL (subscriptions are listed there).'),
    AZURE_RESOURCE_MANAGER_AUDIENCE: setting(
      optStr(),
      'Audience of the ARM token; the scope requested is "<audience>/.default". Default: AZURE_RESOURCE_MANAGER_ENDPOINT.',
    ),
    AZURE_ARM_API_VERSION: setting(str('2022-12-01'), 'api-version of the ARM subscriptions calls.'),
    AZURE_HTTP_TIMEOUT_MS: setting(int(10000, 50, 60000), 'Timeout of one Entra ID or ARM request in milliseconds.'),
    AZURE_HTTP_MAX_RETRIES: setting(int(3, 0, 10), 'Retries after a failed Entra ID or ARM request (429, 5xx, timeouts).'),
    AZURE_HTTP_RETRY_DELAY_MS: setting(int(800, 0, 60000), 'Base delay of the exponential backoff between Entra ID retries in milliseconds.'),
  },
  (v) => ({
    authorityHost: v.AZURE_AUTHORITY_HOST,
    authorityCaPem: v.AZURE_AUTHORITY_CA_PEM,
    armEndpoint: v.AZURE_RESOURCE_MANAGER_ENDPOINT,
    armScope: `${(v.AZURE_RESOURCE_MANAGER_AUDIENCE ?? v.AZURE_RESOURCE_MANAGER_ENDPOINT).replace(/\/+$/, '')}/.default`,
    armApiVersion: v.AZURE_ARM_API_VERSION,
    timeoutMs: v.AZURE_HTTP_TIMEOUT_MS,
    maxRetries: v.AZURE_HTTP_MAX_RETRIES,
    retryDelayMs: v.AZURE_HTTP_RETRY_DELAY_MS,
  }),
);
