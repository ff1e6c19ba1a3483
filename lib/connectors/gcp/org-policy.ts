import { googleCall, isGoogleApiError, seg, type GoogleCtx } from './google.ts';

/** The list constraint behind domain-restricted sharing: which domains IAM policies may name. */
export const DOMAIN_RESTRICTED_SHARING = 'iam.allowedPolicyMemberDomains';

interface OrgPolicy {
  name: string;
  spec?: { etag?: string; rules?: Array<{ allowAll?: boolean; denyAll?: boolean; values?: unknown }>; inheritFromParent?: boolean; reset?: boolean };
}

const isAllowAll = (p: OrgPolicy) => p.spec?.rules?.length === 1 && p.spec.rules[0].allowAll === true && !p.spec.inheritFromParent;

/**
 * A project-level override of iam.allowedPolicyMemberDomains that allows every domain (Org Policy
 * API v2).
 * Only `projects/{id}` is ever addressed: the organisation's own policy stays as it is.
 * Read-modify-write with the spec's etag; no policy on the project yet (404) → create. Returns
 * whether anything changed (an existing allow-all override is left alone).
 */
export async function allowAllMemberDomains(ctx: GoogleCtx, projectId: string): Promise<boolean> {
  const project = `projects/${seg(projectId)}`;
  const name = `projects/${projectId}/policies/${DOMAIN_RESTRICTED_SHARING}`;
  const base = `${ctx.cfg.roots.orgPolicy}v2/${project}/policies`;
  for (let attempt = 0; ; attempt++) {
    let current: OrgPolicy | undefined;
    try {
      current = await googleCall<OrgPolicy>(ctx, 'orgpolicy.policies.get', { url: `${base}/${DOMAIN_RESTRICTED_SHARING}` });
    } catch (e) {
      if (!isGoogleApiError(e, 404)) throw e;
    }
    if (current && isAllowAll(current)) return false;
    try {
      if (current) {
        await googleCall(ctx, 'orgpolicy.policies.patch', { method: 'PATCH', url: `${base}/${DOMAIN_RESTRICTED_SHARING}`, body: { name, spec: { etag: current.spec?.etag, rules: [{ allowAll: true }] } } });
      } else {
        await googleCall(ctx, 'orgpolicy.policies.create', { method: 'POST', url: base, body: { name, spec: { rules: [{ allowAll: true }] } } });
      }
      return true;
    } catch (e) {
      // someone changed (or created) the policy between our read and write: read again, a few times
      if (attempt < 2 && isGoogleApiError(e, 409)) continue;
      throw e;
    }
  }
}
