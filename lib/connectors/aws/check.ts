import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { issuedExternalId, rolesOf } from './adapter.ts';
import { roleSessionName, sourceIdentity } from './definition.ts';
import { assumeRole, classifyStsError, type StsFailure } from './sts.ts';

/** An STS failure during a check, as the error the one mapping (checkFailure) reads. */
function asError(f: StsFailure, roleArn: string, externalId: string): Error {
  if (f.kind === 'denied' || f.kind === 'invalid') return new ProviderAuthError(`AWS refused AssumeRole on ${roleArn} (${f.code}): check the role and its trust policy (External ID ${externalId})`);
  if (f.kind === 'own_identity') return new ProviderUnavailableError(`Aurora's own AWS credentials were refused by STS (${f.describe()})`);
  return new ProviderUnavailableError(`AWS STS is unavailable (${f.describe()})`);
}

/**
 * Live check of a connection: AssumeRole (with the External ID) into its role(s). Changes nothing.
 * A refusal is `auth` (the customer changed the trust policy or deleted the role); an outage,
 * throttling or a problem with Aurora's own credentials is a `fault`.
 */
export const check: ConnectorCheck = async (d, conn) => {
  const { main, readOnly } = rolesOf(conn);
  if (!main) return { ok: false, kind: 'auth', reason: 'The connection has no valid role ARN; reconnect AWS' };
  const externalId = await issuedExternalId(d, conn.userId);
  if (!externalId) return { ok: false, kind: 'auth', reason: 'No External ID is issued for this user; reconnect AWS' };
  const session = { sessionName: roleSessionName(conn.userId), sourceIdentity: sourceIdentity(conn.userId), durationSeconds: d.config.aws.sessionSeconds };
  const roles = readOnly ? [main, readOnly] : [main];
  const results = await Promise.allSettled(roles.map((r) => assumeRole(d.config, { roleArn: r.arn, externalId, ...session })));
  for (const [i, r] of results.entries()) {
    if (r.status === 'rejected') return checkFailure(asError(classifyStsError(r.reason), roles[i].arn, externalId), { refused: (e) => e.message });
  }
  return { ok: true };
};
