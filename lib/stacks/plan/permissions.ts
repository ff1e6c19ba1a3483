/** Capabilities (lib/http/route-types.ts) → the IAM permissions, links and environment they grant. */
import type { Capability } from '../../http/route-types.ts';
import { assertStage } from './names.ts';
import type { DeploySettings } from './settings.ts';
import { TOKENS } from './tokens.ts';
import { executorCapability } from './executor.ts';
import type { FunctionPlan, PermissionPlan } from './types.ts';


export function secretsManagerPrefix(stage: string): string {
  return `aurora/${assertStage(stage)}`;
}

/**
 * What lib/secrets/secrets-manager.ts calls for put/get/delete/exists. RestoreSecret: a put that
 * meets a name still scheduled for deletion reclaims it by restoring. ListSecrets (its list(), for
 * consistency checks) is granted to no deployed function: it cannot be scoped to a prefix.
 */
export const SECRETS_MANAGER_ACTIONS = [
  'secretsmanager:CreateSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DeleteSecret',
  'secretsmanager:DescribeSecret',
  'secretsmanager:RestoreSecret',
] as const;

/** Item-level access only: no table management (SST's own Dynamo link would grant dynamodb:*). */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;


function kmsKeyArn(keyId: string): string {
  return keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${TOKENS.region}:${TOKENS.account}:key/${keyId}`;
}

/** What one set of capabilities grants. Shared by routes and workflow steps. */
export function planCapabilities(
  capabilities: readonly Capability[],
  stage: string,
  settings: DeploySettings,
): Pick<FunctionPlan, 'links' | 'permissions' | 'environment'> {
  assertStage(stage);
  const caps = new Set(capabilities);
  const links: string[] = [];
  const permissions: PermissionPlan[] = [];
  const environment: Record<string, string> = {
    ...settings.shared,
    AURORA_STAGE: stage,
    AUTH_MODE: settings.authMode,
    // every function names the backend, so none ever falls back to the laptop's local file store
    SECRET_BACKEND: settings.secretBackend,
  };

  if (caps.has('table')) {
    environment.TABLE_NAME = TOKENS.tableName;
    permissions.push({ actions: [...TABLE_ACTIONS], resources: [TOKENS.tableArn, `${TOKENS.tableArn}/index/*`] });
  }

  if (caps.has('secrets')) {
    if (settings.secretBackend === 'aws-secrets-manager') {
      const prefix = secretsManagerPrefix(stage);
      environment.SECRETS_MANAGER_PREFIX = prefix;
      permissions.push({
        actions: [...SECRETS_MANAGER_ACTIONS],
        resources: [`arn:aws:secretsmanager:${TOKENS.region}:${TOKENS.account}:secret:${prefix}/*`],
      });
      if (settings.secretsManagerKmsKeyId) {
        environment.SECRETS_MANAGER_KMS_KEY_ID = settings.secretsManagerKmsKeyId;
        permissions.push({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [kmsKeyArn(settings.secretsManagerKmsKeyId)],
          conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${TOKENS.region}.amazonaws.com`] }],
        });
      }
    } else {
      // the function's own role logs in (lib/secrets/vault-auth.ts): no token in any configuration
      const v = settings.vault;
      environment.VAULT_AUTH_METHOD = 'aws';
      const vaultEnv: Record<string, string | undefined> = {
        VAULT_ADDR: v.addr,
        VAULT_AWS_ROLE: v.awsRole,
        VAULT_AWS_AUTH_MOUNT: v.awsAuthMount,
        VAULT_AWS_HEADER_VALUE: v.awsHeaderValue,
        VAULT_AWS_STS_URL: v.stsUrl,
        VAULT_AWS_STS_REGION: v.stsRegion,
      };
      for (const [k, value] of Object.entries(vaultEnv)) if (value) environment[k] = value;
      environment.VAULT_PREFIX = settings.vault.prefix ?? secretsManagerPrefix(stage);
      if (settings.vault.mount) environment.VAULT_MOUNT = settings.vault.mount;
      if (settings.vault.namespace) environment.VAULT_NAMESPACE = settings.vault.namespace;
    }
    // app credentials (OAuth client secrets and the like) go with the credential-handling functions,
    // as links only: SST's encrypted resource file carries the value, lib/config.ts reads it there
    for (const secret of Object.values(settings.appSecrets)) links.push(secret);
  }

  if (caps.has('workflow')) {
    environment.GCP_SETUP_STATE_MACHINE_ARN = TOKENS.workflowArn;
    permissions.push({ actions: ['states:StartExecution'], resources: [TOKENS.workflowArn] });
  }

  if (caps.has('sts')) {
    // Customer roles live in accounts we cannot list in advance, so the resource is any role in any
    // account; the customer's trust policy (our account + the External ID we issued) is what admits
    // us. Roles in our own account are denied so a crafted role ARN cannot escalate inside it.
    // sts:GetCallerIdentity needs no permission (AWS allows it even under an explicit deny).
    permissions.push({ actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'], resources: ['arn:aws:iam::*:role/*'] });
    permissions.push({ effect: 'deny', actions: ['sts:AssumeRole'], resources: [`arn:aws:iam::${TOKENS.account}:role/*`] });
  }

  if (caps.has('executor')) {
    const e = executorCapability();
    Object.assign(environment, e.environment);
    permissions.push(...e.permissions);
  }

  if (caps.has('agents')) {
    // messages to agent sockets and closing them, on the agents' WebSocket API only; its URL goes
    // into install instructions unless the deployer set KUBECTL_AGENT_WS_URL (a custom domain)
    environment.KUBECTL_AGENT_MANAGEMENT_ENDPOINT = TOKENS.agentsManagementEndpoint;
    environment.KUBECTL_AGENT_WS_URL ??= TOKENS.agentsUrl;
    permissions.push({ actions: ['execute-api:ManageConnections'], resources: AGENT_CONNECTION_METHODS.map((m) => `${TOKENS.agentsApiExecutionArn}/*/${m}/@connections/*`) });
  }

  return { links, permissions, environment };
}

/** The management API calls lib/kubectl/management.ts makes: PostToConnection, DeleteConnection, GetConnection. */
export const AGENT_CONNECTION_METHODS = ['POST', 'DELETE', 'GET'] as const;
