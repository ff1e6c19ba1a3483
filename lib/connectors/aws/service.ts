import type { Deps } from '../../deps.ts';
import { listConnections } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { NotFoundError } from '../../errors.ts';
import { aws } from './definition.ts';
import { auroraIdentity, externalIdFor, issuedExternalId } from './adapter.ts';
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

/**
 * The connection a configuration request is about: the one named by account_id (404 if the user
 * has none), else the most recently connected one still in use.
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
