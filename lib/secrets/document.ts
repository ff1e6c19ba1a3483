import { SecretValue } from '../secret-value.ts';
import { SecretStoreError, type SecretDocument } from './port.ts';

// What every backend shares (paths, the stored text of a document); apart from index.ts, which
// loads the backends, so that no backend imports the module that imports it.

const SEGMENT = /^[A-Za-z0-9_@-][A-Za-z0-9._@-]{0,127}$/;
const MAX_PATH = 400; // Secrets Manager names stop at 512, and the prefix needs room

/**
 * Every backend validates paths the same way, so a path accepted by one is accepted by all and no
 * path can climb out of `users/`. The path is not echoed: callers might have put anything in it.
 */
export function assertSecretPath(path: string): string {
  const segments = typeof path === 'string' ? path.split('/') : [];
  const ok =
    typeof path === 'string' &&
    path.length <= MAX_PATH &&
    segments[0] === 'users' &&
    segments.length >= 3 &&
    segments.length <= 8 &&
    segments.slice(1).every((s) => SEGMENT.test(s));
  if (!ok) throw new SecretStoreError('Invalid secret path: expected users/<uid>/<provider>/<account> built by secretPath()');
  return path;
}

/**
 * A nested SecretValue would serialise as "[redacted]" and silently replace the credential, so it
 * is unwrapped here, the one place that turns a document into stored text.
 */
export function encodeDocument(value: SecretValue<SecretDocument>): string {
  const doc: unknown = value instanceof SecretValue ? value.reveal() : undefined;
  if (!isDocument(doc)) throw new SecretStoreError('A secret must be a SecretValue holding a JSON object');
  return JSON.stringify(doc, function (this: Record<string, unknown>, key, v: unknown) {
    const original = this[key];
    return SecretValue.isSecret(original) ? original.reveal() : v;
  });
}

/** JSON.parse errors quote the input, so they are replaced, never chained as a cause. */
export function decodeDocument(text: string, where: string): SecretValue<SecretDocument> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new SecretStoreError(`${where}: stored secret is not valid JSON`);
  }
  return toSecretDocument(doc, where);
}

export function toSecretDocument(doc: unknown, where: string): SecretValue<SecretDocument> {
  if (!isDocument(doc)) throw new SecretStoreError(`${where}: stored secret is not a JSON object`);
  return new SecretValue(doc);
}

function isDocument(v: unknown): v is SecretDocument {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

