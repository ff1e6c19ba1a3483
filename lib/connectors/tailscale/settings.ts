import { section, setting, url, int } from '../../config/define.ts';

export const tailscaleSection = section(
  {
    TAILSCALE_API_URL: setting(url('https://api.tailscale.com'), 'Tailscale API base URL (the OAuth token endpoint is <url>/api/v2/oauth/token).'),
    TAILSCALE_HTTP_TIMEOUT_MS: setting(int(5000, 50, 60000), 'Timeout of one Tailscale API call in milliseconds (each call is retried on 429/5xx/timeouts).'),
    TAILSCALE_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per Tailscale API call (1 = no retry).'),
  },
  (v) => ({ apiUrl: v.TAILSCALE_API_URL, timeoutMs: v.TAILSCALE_HTTP_TIMEOUT_MS, attempts: v.TAILSCALE_HTTP_ATTEMPTS }),
);
