import { section, setting, url, int } from '../../config/define.ts';

export const netdataSection = section(
  {
    NETDATA_API_URL: setting(url('https://app.netdata.cloud'), 'Netdata Cloud API base URL (the /api/v2 and /api/v3 routes live under it): a proxy in front of it, or the local simulator.'),
    NETDATA_HTTP_TIMEOUT_MS: setting(int(8000, 50, 60000), 'Timeout of one Netdata Cloud API call in milliseconds (reads are retried on 429/5xx/timeouts).'),
    NETDATA_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per retryable Netdata Cloud API call (1 = no retry).'),
  },
  (v) => ({ apiUrl: v.NETDATA_API_URL, timeoutMs: v.NETDATA_HTTP_TIMEOUT_MS, attempts: v.NETDATA_HTTP_ATTEMPTS }),
);
