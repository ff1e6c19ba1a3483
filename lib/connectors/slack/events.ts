import type { Deps } from '../../deps.ts';
import { BadRequestError, ConfigError, UnauthorizedError } from '../../errors.ts';
import { log } from '../../log.ts';
import type { SecretValue } from '../../secret-value.ts';
import { hmacMatches } from '../../webhooks/signatures.ts';
import { slack } from './definition.ts';

/**
 * POST /slack/events, Slack's Events API request URL. Slack signs every request with the app's
 * signing secret: X-Slack-Signature is `v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>`
 * (https://api.slack.com/authentication/verifying-requests-from-slack), so the timestamp is signed
 * and a request older (or newer) than the replay window is refused even with a good signature.
 * Every refusal is the same 401; the reason goes to the log. The url_verification handshake Slack
 * sends when the URL is saved is answered with its challenge, after the same verification.
 */
export type SlackVerification = { ok: true } | { ok: false; reason: string };

export function verifySlackRequest(headers: Readonly<Record<string, string | undefined>>, rawBody: string, signingSecret: SecretValue<string>, nowMs: number, windowMs: number): SlackVerification {
  const ts = headers[slack.headers.timestamp]?.trim() ?? '';
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: `missing or malformed ${slack.headers.timestamp}` };
  if (Math.abs(nowMs - Number(ts) * 1000) > windowMs) return { ok: false, reason: 'timestamp outside the replay window' };
  if (!hmacMatches(headers[slack.headers.signature], signingSecret, `v0:${ts}:${rawBody}`, { prefix: 'v0=' })) return { ok: false, reason: `missing or wrong ${slack.headers.signature}` };
  return { ok: true };
}

export type SlackEventsAnswer = { challenge: string } | { ok: true };

export async function receiveSlackEvent(d: Deps, headers: Readonly<Record<string, string | undefined>>, rawBody: string): Promise<SlackEventsAnswer> {
  const signingSecret = d.config.slack.signingSecret;
  if (!signingSecret) throw new ConfigError(slack.messages.signingNotConfigured);
  const v = verifySlackRequest(headers, rawBody, signingSecret, d.now(), d.config.slack.replayWindowMs);
  if (!v.ok) {
    log.warn('slack request refused', { reason: v.reason });
    throw new UnauthorizedError('Slack request not authenticated', { code: 'slack_unauthorized' });
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new BadRequestError('An Events API request is a JSON object', { code: 'malformed_event', field: 'body' });
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('An Events API request is a JSON object', { code: 'malformed_event', field: 'body' });
  const b = body as Record<string, unknown>;
  if (b.type === 'url_verification') {
    if (typeof b.challenge !== 'string' || b.challenge.length === 0 || b.challenge.length > 512) throw new BadRequestError('url_verification carries no challenge', { code: 'malformed_event', field: 'challenge' });
    return { challenge: b.challenge };
  }
  if (b.type !== 'event_callback' && b.type !== 'app_rate_limited') throw new BadRequestError('type must be url_verification or event_callback', { code: 'malformed_event', field: 'type' });
  // acknowledged at once (Slack retries what is not answered within 3 seconds); ids only in the log, never the content
  const event = b.event && typeof b.event === 'object' ? (b.event as Record<string, unknown>) : {};
  log.info('slack event', { type: b.type, event_type: typeof event.type === 'string' ? event.type.slice(0, 64) : null, event_id: typeof b.event_id === 'string' ? b.event_id.slice(0, 64) : null, team_id: typeof b.team_id === 'string' ? b.team_id.slice(0, 32) : null, retry: headers['x-slack-retry-num'] ?? null });
  return { ok: true };
}
