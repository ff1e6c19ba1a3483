import { ValidationError } from '../errors.ts';

/**
 * The path a proxied request names below the connector's API base, checked on its raw (still
 * percent-encoded) form, because decoding first is what lets `%2e%2e` or `%2f` climb out of the base:
 * no dot segments (raw or encoded), no encoded slash or backslash, no empty segment (`//host`), no
 * scheme (an absolute URL), only RFC 3986 path characters. The result is forwarded as it came.
 */
const PCHAR = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

export function checkedPath(raw: string): string {
  const bad = (why: string) => new ValidationError(`path: ${why}`, 'path');
  if (raw === '' || raw === '/') throw bad('names no API path below the connector base');
  if (raw.length > 2048) throw bad('is longer than 2048 characters');
  const rel = raw.startsWith('/') ? raw.slice(1) : raw;
  if (/^[A-Za-z][A-Za-z0-9+.-]*(:|%3a)/i.test(rel)) throw bad('must be relative to the connector base, not an absolute URL');
  const segments = rel.split('/');
  segments.forEach((seg, i) => {
    if (seg === '' && i < segments.length - 1) throw bad('has an empty segment (//)');
    if (seg === '') return;
    if (!PCHAR.test(seg)) throw bad('holds characters a URL path cannot (encode them, and never as a way out of the base)');
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      throw bad('has malformed percent-encoding');
    }
    if (decoded === '.' || decoded === '..') throw bad('has a dot segment (. or ..)');
    if (/[/\\]/.test(decoded)) throw bad('has an encoded slash or backslash');
    if (/[\u0000-\u001f\u007f]/.test(decoded)) throw bad('has a control character');
  });
  return `/${rel}`;
}

/** Whether a (checked) path matches a pattern of `proxy.readOnlyPosts`, where `{name}` is any one segment. */
export function matchesPattern(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.replace(/\/$/, '').split('/');
  return p.length === s.length && p.every((seg, i) => (/^\{\w+\}$/.test(seg) ? s[i] !== '' : seg === s[i]));
}
