import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { getConnection } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { getUserSetting, putUserSettingOnce } from '../../db/user-settings.ts';
import { AppError, BadRequestError, NotFoundError, ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { SecretValue } from '../../secret-value.ts';
import { recordCheck } from '../../connections/status.ts';
import { aws, parseRoleArn, roleSessionName, sourceIdentity, type RoleArn } from './definition.ts';
import { assumeRole, callerIdentity, classifyStsError, StsFailure, type TempCredentials } from './sts.ts';

/**
 * The AWS adapter: Aurora's own identity, the per-user External ID, role validation (with the
 * confused-deputy probe) and short-lived credentials for commands (the live check is check.ts). STS answers are
 * never cached: every caller gets credentials minted for its own user and account.
 */

/** The External ID issued to this user, issuing it on first use (concurrent first calls agree). */
export async function externalIdFor(d: Deps, userId: string): Promise<string> {
  const existing = await getUserSetting<string>(d.db, userId, aws.externalIdSetting);
  if (existing) return existing;
  return putUserSettingOnce(d.db, userId, aws.externalIdSetting, randomBytes(aws.externalIdBytes).toString('hex'));
}

/** The External ID issued to this user, or undefined when none was ever issued. */
export async function issuedExternalId(d: Deps, userId: string): Promise<string | undefined> {
  return getUserSetting<string>(d.db, userId, aws.externalIdSetting);
}

export function sameExternalId(issued: string, given: string): boolean {
  const a = Buffer.from(issued);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Aurora's own account, read with the default credential chain. */
export async function auroraIdentity(d: Deps): Promise<{ accountId: string; partition: string; arn: string }> {
  try {
    const me = await callerIdentity(d.config);
    return { accountId: me.account, arn: me.arn, partition: me.arn.split(':')[1] || 'aws' };
  } catch (e) {
    const f = classifyStsError(e);
    const why =
      f.kind === 'unavailable'
        ? `STS did not answer (${f.describe()}); try again`
        : `Aurora's own AWS credentials are missing or refused (${f.describe()}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role`;
    throw new ProviderUnavailableError(`${aws.messages.identityUnavailable}: ${why}`, { code: 'aws_identity_unavailable', cause: e });
  }
}

/** Aurora's own account id for a message, or null when STS cannot tell us right now (the message says so). */
async function ourAccount(d: Deps): Promise<string | null> {
  try {
    return (await callerIdentity(d.config)).account;
  } catch {
    return null;
  }
}

function guidance(role: RoleArn, externalId: string, auroraAccount: string | null): string {
  const principal = auroraAccount
    ? `arn:${role.partition}:iam::${auroraAccount}:root`
    : "Aurora's account root, whose id Aurora could not read from STS just now (GET /aws/onboarding shows it)";
  return (
    `${aws.messages.cannotAssume} (${role.arn}). Check its trust policy: the principal must be Aurora's AWS account ` +
    `(${principal}), the actions sts:AssumeRole and sts:SetSourceIdentity, ` +
    `and the condition StringEquals sts:ExternalId = ${externalId}.`
  );
}

/** An STS failure as the error a user sees while connecting. */
async function connectError(d: Deps, f: StsFailure, role: RoleArn, externalId: string, field: string): Promise<AppError> {
  switch (f.kind) {
    case 'denied':
      return new ProviderAuthError(guidance(role, externalId, await ourAccount(d)), { code: 'role_assumption_denied', field, cause: f });
    case 'invalid':
      return new BadRequestError(`STS refused the request to assume ${role.arn} (${f.code}); check the role ARN and its maximum session duration`, { code: 'role_assumption_invalid', field, cause: f });
    case 'own_identity':
      return new ProviderUnavailableError(`Aurora's own AWS credentials were refused by STS (${f.describe()}); this is on our side, try again later`, { code: 'aws_identity_unavailable', cause: f });
    default:
      return new ProviderUnavailableError(`AWS STS is unavailable (${f.describe()}); try again`, { code: 'provider_unavailable', cause: f });
  }
}

const sessionFor = (d: Deps, userId: string) => ({ sessionName: roleSessionName(userId), sourceIdentity: sourceIdentity(userId), durationSeconds: d.config.aws.sessionSeconds });

/**
 * Prove a role is fit to connect: AssumeRole with our External ID succeeds, the temporary
 * credentials belong to the ARN's account, and AssumeRole WITHOUT the External ID is refused
 * (a role that trusts our account without the condition lets any Aurora user reach it: the
 * confused deputy). `field` names the request field in errors.
 */
export async function verifyRole(d: Deps, userId: string, role: RoleArn, externalId: string, field: string): Promise<{ expiration: string }> {
  const session = sessionFor(d, userId);
  let first;
  try {
    first = await assumeRole(d.config, { roleArn: role.arn, externalId, ...session });
  } catch (e) {
    throw await connectError(d, classifyStsError(e), role, externalId, field);
  }
  const [who, probe] = await Promise.allSettled([callerIdentity(d.config, first.credentials), assumeRole(d.config, { roleArn: role.arn, ...session })]);
  if (probe.status === 'fulfilled') {
    throw new BadRequestError(
      `This role can be assumed without the External ID, so anyone who can use Aurora's AWS account could reach it. ` +
        `Add the condition "StringEquals": {"sts:ExternalId": "${externalId}"} to the trust policy of ${role.arn} (GET /aws/onboarding shows the whole policy), then connect again.`,
      { code: 'external_id_not_enforced', field },
    );
  }
  const probeFailure = classifyStsError(probe.reason);
  if (probeFailure.kind !== 'denied') {
    throw new ProviderUnavailableError(`Could not verify that ${role.arn} requires the External ID (${probeFailure.describe()}); try again`, { cause: probeFailure });
  }
  if (who.status === 'rejected') {
    const f = classifyStsError(who.reason);
    throw new ProviderUnavailableError(`Could not read the account of ${role.arn} with its temporary credentials (${f.describe()}); try again`, { cause: f });
  }
  if (who.value.account !== role.accountId) {
    throw new BadRequestError(`The role's credentials belong to account ${who.value.account}, not ${role.accountId} as the ARN says`, { code: 'account_mismatch', field });
  }
  return { expiration: first.credentials.reveal().expiration };
}

/** Roles recorded on a connection. */
export function rolesOf(conn: Connection): { main: RoleArn | null; readOnly: RoleArn | null } {
  const main = typeof conn.metadata.role_arn === 'string' ? parseRoleArn(conn.metadata.role_arn) : null;
  const ro = typeof conn.metadata.read_only_role_arn === 'string' ? parseRoleArn(conn.metadata.read_only_role_arn) : null;
  return { main, readOnly: ro };
}

/**
 * Short-lived credentials for a command run by this user in this account. readOnly: the read-only
 * role when the connection has one, else the main role narrowed by the ReadOnlyAccess session
 * policy (effective permissions are the intersection). A refusal marks the connection `error`.
 */
export async function assumeForUser(d: Deps, userId: string, accountId: string, opts: { readOnly: boolean }): Promise<SecretValue<TempCredentials & { region: string }>> {
  const conn = await getConnection(d.db, { userId, provider: 'aws', accountId });
  if (!conn || conn.status === 'not_connected') throw new NotFoundError(`No connected AWS account ${accountId}`, { code: 'connection_not_found' });
  const { main, readOnly } = rolesOf(conn);
  if (!main) throw new ProviderAuthError('The AWS connection has no valid role ARN; reconnect AWS', { code: 'credentials_incomplete', status: 409 });
  const externalId = await issuedExternalId(d, userId);
  if (!externalId) throw new ProviderAuthError('No External ID is issued for this user; reconnect AWS', { code: 'credentials_incomplete', status: 409 });
  const role = opts.readOnly && readOnly ? readOnly : main;
  const policyArns = opts.readOnly && !readOnly ? [aws.managedPolicy(main.partition, 'ReadOnly')] : undefined;
  try {
    const { credentials } = await assumeRole(d.config, { roleArn: role.arn, externalId, policyArns, ...sessionFor(d, userId) });
    const region = typeof conn.metadata.region === 'string' ? conn.metadata.region : d.config.aws.defaultRegion;
    return new SecretValue({ ...credentials.reveal(), region });
  } catch (e) {
    const f = classifyStsError(e);
    if (f.kind === 'denied') await recordCheck(d, conn, { ok: false, kind: 'auth', reason: `AWS refused AssumeRole on ${role.arn} (${f.code})` });
    throw await connectError(d, f, role, externalId, 'account_id');
  }
}
