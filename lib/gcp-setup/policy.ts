import { withRetry } from '../retry.ts';
import { isGoogleApiError, GoogleApiError } from '../connectors/gcp/errors.ts';
import type { IamPolicy } from '../connectors/gcp/crm.ts';
import { StepError } from './errors.ts';

export interface Grant {
  role: string;
  member: string;
}

/**
 * The policy with every grant present, touching nothing else: other members, other roles and
 * conditional bindings stay as they were (a grant never joins a conditional binding).
 */
export function withGrants(policy: IamPolicy, grants: Grant[]): { policy: IamPolicy; changed: boolean } {
  const bindings = (policy.bindings ?? []).map((b) => ({ ...b, members: [...(b.members ?? [])] }));
  let changed = false;
  for (const g of grants) {
    const existing = bindings.find((b) => b.role === g.role && !b.condition);
    if (existing?.members.includes(g.member)) continue;
    changed = true;
    if (existing) existing.members.push(g.member);
    else bindings.push({ role: g.role, members: [g.member] });
  }
  return { policy: { ...policy, bindings }, changed };
}

/** Google's answer when a member was created moments ago and IAM has not seen it yet. */
const memberNotYetVisible = (e: unknown) => isGoogleApiError(e, 400) && /does not exist/i.test((e as GoogleApiError).message);

/**
 * Etag read-modify-write: read the policy, add the grants, write it back with the etag read.
 * Someone else's change in between makes Google answer 409 ABORTED; then read again and retry
 * with backoff. A policy that already has every grant is not written at all.
 */
export async function grantWithEtag(read: () => Promise<IamPolicy>, write: (p: IamPolicy) => Promise<IamPolicy>, grants: Grant[], opts: { attempts?: number; what: string }): Promise<{ changed: boolean; conflicts: number }> {
  let conflicts = 0;
  const retryable = (e: unknown) => isGoogleApiError(e, 409) || memberNotYetVisible(e);
  try {
    return await withRetry(
      { attempts: opts.attempts ?? 5, baseDelayMs: 250, maxDelayMs: 4000 },
      async () => {
        const current = await read();
        const next = withGrants(current, grants);
        if (!next.changed) return { changed: false, conflicts };
        try {
          await write({ ...next.policy, etag: current.etag });
        } catch (e) {
          if (isGoogleApiError(e, 409)) conflicts++;
          throw e;
        }
        return { changed: true, conflicts };
      },
      (o) => (!o.ok && retryable(o.error) ? {} : false),
    );
  } catch (e) {
    if (!retryable(e)) throw e;
    throw new StepError(isGoogleApiError(e, 409) ? 'Gcp.Conflict' : 'Gcp.Retryable', `Could not update the IAM policy of ${opts.what}: it kept changing`);
  }
}
