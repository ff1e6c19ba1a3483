import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SecretValue } from '../secret-value.ts';

/**
 * Agent tokens: `aurora_kubectl_` + 32 random bytes (256 bits), base64url. The service keeps only
 * SHA-256 of the token. A slow password hash (scrypt, bcrypt) exists to make guessing a low-entropy
 * secret expensive; a 256-bit random token cannot be guessed, fast or slow, so a plain SHA-256 is
 * as safe here and lets `$connect` find the token by its hash in one key lookup, at a constant cost
 * per connection attempt (no per-user scan, no per-attempt CPU burn an attacker could trigger).
 */
export const AGENT_TOKEN_PREFIX = 'aurora_kubectl_';
const RANDOM_BYTES = 32;
/** base64url of 32 bytes is 43 characters, without padding */
export const AGENT_TOKEN_RE = /^aurora_kubectl_[A-Za-z0-9_-]{43}$/;

export function newAgentToken(): SecretValue<string> {
  return newBearerToken(AGENT_TOKEN_PREFIX);
}

/**
 * A 256-bit random bearer token behind a prefix that says what it is for. The MCP agent tokens
 * (lib/mcp/agent-tokens.ts) are made, hashed and read from headers with these same functions.
 */
export function newBearerToken(prefix: string): SecretValue<string> {
  return new SecretValue(prefix + randomBytes(RANDOM_BYTES).toString('base64url'));
}

/** Hex SHA-256 of the whole token, prefix included; versioned so a later scheme can coexist. */
export function hashAgentToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The bearer token of an Authorization header value, or undefined; never echoes what it read. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : undefined;
}

export const newId = (prefix: string, bytes = 12): string => `${prefix}${randomBytes(bytes).toString('hex')}`;
export const CLUSTER_ID_RE = /^kc-[0-9a-f]{24}$/;
export const TOKEN_ID_RE = /^kt-[0-9a-f]{24}$/;
export const COMMAND_ID_RE = /^kx-[0-9a-f]{24}$/;
