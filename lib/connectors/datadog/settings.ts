import { section, setting, int, urlTemplate } from '../../config/define.ts';

const template = urlTemplate('https://api.{site}', '{site}', 'datadoghq.com');

export const datadogSection = section(
  {
    DATADOG_API_URL_TEMPLATE: setting(
      template,
      'Datadog API base URL per site, with {site} replaced by the connection\'s site (datadoghq.com, datadoghq.eu, us5.datadoghq.com...). Default: https://api.{site}. A proxy in front of Datadog, or the local simulator.',
    ),
    DATADOG_HTTP_TIMEOUT_MS: setting(int(8000, 50, 60000), 'Timeout of one Datadog API call in milliseconds (reads are retried on 429/5xx/timeouts).'),
    DATADOG_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per retryable Datadog API call (1 = no retry).'),
  },
  (v) => ({ apiUrlTemplate: v.DATADOG_API_URL_TEMPLATE, timeoutMs: v.DATADOG_HTTP_TIMEOUT_MS, attempts: v.DATADOG_HTTP_ATTEMPTS }),
);
