import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { listConnections } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { BadRequestError, NotFoundError } from '../../errors.ts';
import { recordLiveCheck } from '../live-check.ts';
import { aws, parseRoleArn } from './definition.ts';
import { auroraIdentity, checkAwsConnection, externalIdFor, issuedExternalId, sameExternalId, verifyRole } from './adapter.ts';
import { cloudFormationTemplate, quickCreateUrl, trustPolicy, type AccessLevel } from './onboarding.ts';

/** GET /aws/onboarding: the user's External ID (issued once), our account, and how to create the role. */
export async function awsOnboarding(d: Deps, userId: string, opts: { accessLevel?: AccessLevel }) {
  const externalId = await externalIdFor(d, userId);
  const me = await auroraIdentity(d);
  const cfg = d.config.aws;
  const accessLevel = opts.accessLevel ?? cfg.accessLevel;
  const template = cloudFormationTemplate({ auroraAccountId: me.accountId, externalId, accessLevel, roleName: cfg.roleName, sessionSeconds: cfg.sessionSeconds });
  return {
    external_id: externalId,
    aurora_account_id: me.accountId,
    trust_policy: trustPolicy(me.partition, me.accountId, externalId),
    access_level: accessLevel,
    managed_policy_arn: aws.managedPolicy(me.partition, accessLevel),
    role_name: cfg.roleName,
    cloudformation_template: template,
    ...(cfg.templateUrl
      ? {
          cloudformation_template_url: cfg.templateUrl,
          quick_create_url: quickCreateUrl({ consoleUrl: cfg.consoleUrl, region: cfg.defaultRegion, templateUrl: cfg.templateUrl, auroraAccountId: me.accountId, externalId, accessLevel, roleName: cfg.roleName }),
        }
      : {}),
  };
}

export interface AwsConnectInput {
  role_arn: string;
  external_id: string;
  read_only_role_arn?: string;
  region?: string;
}

/**
 * POST /aws/auth: the External ID must be the one we issued; each role must be assumable with it
 * and not without it; then the account is saved (one connection per account, no secret: the
 * record keeps the role ARNs and region, the External ID stays the per-user setting).
 */
export async function connectAws(d: Deps, userId: string, input: AwsConnectInput) {
  const role = parseRoleArn(input.role_arn);
  if (!role) throw new BadRequestError('role_arn must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>', { code: 'validation_error', field: 'role_arn' });
  const readOnly = input.read_only_role_arn ? parseRoleArn(input.read_only_role_arn) : null;
  if (input.read_only_role_arn && !readOnly) {
    throw new BadRequestError('read_only_role_arn must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>', { code: 'validation_error', field: 'read_only_role_arn' });
  }
  if (readOnly && readOnly.accountId !== role.accountId) {
    throw new BadRequestError(`read_only_role_arn must be in the same account as role_arn (${role.accountId})`, { code: 'account_mismatch', field: 'read_only_role_arn' });
  }
  const issued = await issuedExternalId(d, userId);
  if (!issued) throw new BadRequestError(aws.messages.notIssued, { code: 'external_id_not_issued', field: 'external_id' });
  if (!sameExternalId(issued, input.external_id)) throw new BadRequestError(aws.messages.mismatch, { code: 'external_id_mismatch', field: 'external_id' });

  const main = await verifyRole(d, userId, role, issued, 'role_arn');
  if (readOnly && readOnly.arn !== role.arn) await verifyRole(d, userId, readOnly, issued, 'read_only_role_arn');

  const now = new Date(d.now()).toISOString();
  await saveConnection(d, {
    userId,
    provider: 'aws',
    accountId: role.accountId,
    accountName: `AWS ${role.accountId} (${role.name})`,
    metadata: { role_arn: role.arn, read_only_role_arn: readOnly?.arn ?? null, region: input.region ?? d.config.aws.defaultRegion, partition: role.partition, connected_at: now },
  });
  return { status: 'success' as const, message: `Connected AWS account ${role.accountId} through ${role.name}`, account_id: role.accountId, expiration: main.expiration };
}

/**
 * The connection a status or configuration request is about: the one named by account_id (404 if
 * the user has none), else the most recently connected one still in use.
 */
async function pickConnection(d: Deps, userId: string, accountId?: string): Promise<Connection | null> {
  const conns = await listConnections(d.db, userId, 'aws');
  if (accountId) {
    const c = conns.find((x) => x.accountId === accountId);
    if (!c) throw new NotFoundError(`No AWS connection with account_id ${accountId}`, { code: 'connection_not_found' });
    return c;
  }
  const inUse = conns.filter((c) => c.status !== 'not_connected');
  const when = (c: Connection) => (typeof c.metadata.connected_at === 'string' ? c.metadata.connected_at : c.createdAt);
  return inUse.sort((a, b) => when(b).localeCompare(when(a)))[0] ?? null;
}

/** GET /aws/status: a live AssumeRole; its outcome is recorded on the connection (credentials are never dropped). */
export async function awsStatus(d: Deps, userId: string, accountId?: string) {
  const conn = await pickConnection(d, userId, accountId);
  if (!conn) return { connected: false, provider: 'aws' as const };
  const view = { provider: 'aws' as const, role_arn: String(conn.metadata.role_arn ?? ''), account_id: conn.accountId };
  if (conn.status === 'not_connected') return { connected: false, ...view, status: 'not_connected' as const };
  const result = await checkAwsConnection(d, conn);
  await recordLiveCheck(d, conn, result);
  return result.ok ? { connected: true, ...view } : { connected: false, ...view, status: 'error' as const, reason: result.reason };
}

/** GET /aws/get-credentials: configuration only. Keys are minted per command and never leave the service. */
export async function awsCredentials(d: Deps, userId: string, accountId?: string) {
  const conn = await pickConnection(d, userId, accountId);
  if (!conn || conn.status === 'not_connected') throw new NotFoundError(aws.messages.notConnected, { code: 'not_connected' });
  const externalId = await issuedExternalId(d, userId);
  return {
    role_arn: String(conn.metadata.role_arn ?? ''),
    read_only_role_arn: typeof conn.metadata.read_only_role_arn === 'string' ? conn.metadata.read_only_role_arn : null,
    account_id: conn.accountId,
    external_id: externalId ?? null,
    region: typeof conn.metadata.region === 'string' ? conn.metadata.region : d.config.aws.defaultRegion,
    status: conn.status,
  };
}
