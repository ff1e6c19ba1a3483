import { section, setting, url, int } from '../../config/define.ts';

export const scalewaySection = section(
  {
    SCALEWAY_API_URL: setting(url('https://api.scaleway.com'), 'Scaleway API base URL (IAM v1alpha1 and Account v3 live under it).'),
    SCALEWAY_HTTP_TIMEOUT_MS: setting(int(5000, 50, 60000), 'Timeout of one Scaleway API call in milliseconds (each call is retried on 429/5xx/timeouts).'),
    SCALEWAY_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per Scaleway API call (1 = no retry).'),
  },
  (v) => ({ apiUrl: v.SCALEWAY_API_URL, timeoutMs: v.SCALEWAY_HTTP_TIMEOUT_MS, attempts: v.SCALEWAY_HTTP_ATTEMPTS }),
);
