import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretValue } from '../secret-value.ts';
import type { Delivery } from './types.ts';

/**
 * The building blocks of every connector's webhook verification. Comparisons never depend on where
 * two values differ, nor on their lengths (both sides are hashed first, so timingSafeEqual always
 * compares 32 bytes).
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

export const hmacSha256 = (secret: SecretValue<string>, data: string, encoding: 'hex' | 'base64') => createHmac('sha256', secret.reveal()).update(data, 'utf8').digest(encoding);

/**
 * A per-connection secret the tool sends as a header, as it is (`X-Aurora-Webhook-Token: <secret>`)
 * or after a scheme (`Authorization: Bearer <secret>`).
 */
export function headerHoldsSecret(delivery: Delivery, header: string, secret: SecretValue<string>, scheme?: string): boolean {
  const sent = delivery.headers[header.toLowerCase()];
  if (typeof sent !== 'string') return false;
  const expected = scheme ? `${scheme} ${secret.reveal()}` : secret.reveal();
  return safeEqual(sent.trim(), expected);
}

/** An HMAC-SHA256 of `data` sent as hex (optionally after a prefix such as "sha256="), compared in constant time. */
export function hmacMatches(sent: string | undefined, secret: SecretValue<string>, data: string, opts: { prefix?: string; encoding?: 'hex' | 'base64' } = {}): boolean {
  if (typeof sent !== 'string' || sent.length === 0) return false;
  const expected = (opts.prefix ?? '') + hmacSha256(secret, data, opts.encoding ?? 'hex');
  // hex digests compare case-insensitively; base64 is case-sensitive
  return opts.encoding === 'base64' ? safeEqual(sent.trim(), expected) : safeEqual(sent.trim().toLowerCase(), expected.toLowerCase());
}

/** A time as tools send it: Unix seconds or milliseconds (number or digits), or an ISO 8601 date. Null when unreadable. */
export function parseTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d{1,16}$/.test(v)) return parseTime(Number(v));
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

/** The body as JSON, or null when it is not. */
export function jsonBody(delivery: Delivery): unknown {
  try {
    return JSON.parse(delivery.rawBody);
  } catch {
    return null;
  }
}
