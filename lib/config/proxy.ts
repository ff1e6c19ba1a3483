import { section, setting, int } from './define.ts';

export const proxySection = section(
  {
    PROXY_MAX_RESPONSE_BYTES: setting(int(262144, 1024, 5 * 1024 * 1024), "Largest tool response body the credential proxy (/api/proxy/...) returns, in bytes; the rest is cut off and the answer says `truncated`."),
    PROXY_TIMEOUT_MS: setting(int(15000, 100, 60000), 'Timeout of one call of the credential proxy to a tool API in milliseconds (never retried: the agent decides).'),
  },
  (v) => ({ maxResponseBytes: v.PROXY_MAX_RESPONSE_BYTES, timeoutMs: v.PROXY_TIMEOUT_MS }),
);
