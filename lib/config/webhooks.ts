import { section, setting, int, optUrl } from './define.ts';

export const webhooksSection = section(
  {
    WEBHOOK_BASE_URL: setting(
      optUrl(),
      'Public base URL the tools post alert webhooks to (https; locally an HTTPS tunnel such as ngrok to this runtime). Default: BACKEND_URL.',
    ),
    WEBHOOK_REPLAY_WINDOW_SECONDS: setting(
      int(300, 30, 86400),
      'How far (either way) the time a tool says it sent a webhook delivery may be from ours; older or later deliveries are refused (401).',
    ),
    WEBHOOK_MAX_BODY_BYTES: setting(int(262144, 1024, 5 * 1024 * 1024), 'Largest webhook delivery body in bytes (larger → 413, nothing stored).'),
  },
  (v) => ({ baseUrl: v.WEBHOOK_BASE_URL, replayWindowMs: v.WEBHOOK_REPLAY_WINDOW_SECONDS * 1000, maxBodyBytes: v.WEBHOOK_MAX_BODY_BYTES }),
);
