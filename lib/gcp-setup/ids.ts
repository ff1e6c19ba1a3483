import { createHash } from 'node:crypto';

/**
 * Service account ids per user: stable (same user → same accounts, so a rerun finds them),
 * derived from a hash so the user id never appears at Google, and valid account ids
 * (6–30 characters, [a-z][a-z0-9-]*, ending alphanumeric).
 */
export function serviceAccountIds(userId: string): { full: string; readOnly: string } {
  const h = createHash('sha256').update(`aurora-gcp-sa:${userId}`).digest('hex').slice(0, 16);
  return { full: `aurora-full-${h}`, readOnly: `aurora-ro-${h}` };
}

export const SA_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
