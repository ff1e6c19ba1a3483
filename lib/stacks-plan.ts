/**
 * Pure planning for the SST stacks (stacks/*.ts): what each Lambda is called, which handler it
 * runs, which paths reach it, and exactly which permissions, links and environment its
 * capabilities justify. The stacks only apply these plans; test/unit/stacks.test.ts checks them.
 *
 * No SST, Pulumi or AWS imports here: values only known at deploy time (region, account, table
 * ARN, state machine ARN, secret values, API URL) appear as `{{token}}` placeholders, and the
 * stacks substitute them with resolveTokens() once Pulumi has the values.
 */
import type { Capability, HttpMethod, RouteDef } from './http/route-types.ts';
import { executorCapability } from './stacks/plan/executor.ts';

export type SecretBackend = 'vault' | 'aws-secrets-manager';
export type AuthMode = 'jwt' | 'trusted-header';

export interface PermissionPlan {
  effect?: 'allow' | 'deny';
  actions: string[];
  resources: string[];
  conditions?: Array<{ test: string; variable: string; values: string[] }>;
}

export interface FunctionPlan {
  /** SST component name (also the base of the Lambda's physical name) */
  name: string;
  /** SST handler: "functions/x/y.handler" */
  handler: string;
  /** the module that exports `handler`: "functions/x/y.ts" */
  handlerFile: string;
  /** HTTP method; undefined for workflow steps */
  method?: HttpMethod;
  /** every path served by this one function (first is canonical) */
  paths: string[];
  /** API Gateway route keys: "GET /api/user_connections" */
  routeKeys: string[];
  /** "user" routes sit behind the JWT authorizer when one is configured */
  auth?: 'user' | 'open';
  capabilities: Capability[];
  /** names of SST components to link (sst.Secret only: linking them grants no IAM) */
  links: string[];
  permissions: PermissionPlan[];
  /** values may hold {{tokens}} */
  environment: Record<string, string>;
  /** seconds */
  timeout: number;
  /** MB */
  memory: number;
}

/** Deploy-time choices that shape every function; built from the deploy environment by deploySettings(). */
export interface DeploySettings {
  secretBackend: SecretBackend;
  authMode: AuthMode;
  /** Secrets Manager KMS key (ARN or key id); the AWS managed key when unset */
  secretsManagerKmsKeyId?: string;
  vault: { mount?: string; prefix?: string; namespace?: string };
  /** declared, non-secret settings set in the deploy environment, forwarded to every function */
  shared: Record<string, string>;
  /** app credentials declared secret in lib/config (other than the backend's own): env var → SST Secret name */
  appSecrets: Record<string, string>;
}

export const DEFAULT_SETTINGS: DeploySettings = {
  secretBackend: 'aws-secrets-manager',
  authMode: 'jwt',
  vault: {},
  shared: {},
  appSecrets: {},
};

// ---------------------------------------------------------------------------------------------
// Tokens

export const TOKENS = {
  region: '{{aws.region}}',
  account: '{{aws.account}}',
  tableName: '{{table.name}}',
  tableArn: '{{table.arn}}',
  workflowArn: '{{workflow.arn}}',
  apiUrl: '{{api.url}}',
  secret: (name: string) => `{{secret.${name}}}`,
} as const;

const TOKEN_RE = /\{\{([A-Za-z0-9_.-]+)\}\}/g;

/** "{{table.arn}}" → "table.arn": the key a stack provides a value under. */
export function tokenKey(token: string): string {
  const m = /^\{\{([A-Za-z0-9_.-]+)\}\}$/.exec(token);
  if (!m) throw new Error(`"${token}" is not a token`);
  return m[1];
}

/** The token keys (without braces) a template uses: "{{table.arn}}/index/*" → ["table.arn"]. */
export function tokensIn(template: string): string[] {
  return [...new Set([...template.matchAll(TOKEN_RE)].map((m) => m[1]))];
}

/** Replace every {{key}} with values[key]; an unknown key is an error, never an empty string. */
export function resolveTokens(template: string, values: Record<string, string>): string {
  return template.replace(TOKEN_RE, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`No value for {{${key}}} in "${template}"`);
    return v;
  });
}

// ---------------------------------------------------------------------------------------------
// Names and limits

/** API Gateway HTTP API integrations time out after 30 s whatever the Lambda's own timeout. */
export const HTTP_INTEGRATION_TIMEOUT_SECONDS = 30;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_MEMORY_MB = 512;
/** exec (cloud CLIs): as long as the HTTP API allows, and one full vCPU (1769 MB). */
export const EXEC_TIMEOUT_SECONDS = 29;
export const EXEC_MEMORY_MB = 1769;
/** a step's Lambda times out with its Task's TimeoutSeconds in the ASL; this when the Task sets none */
export const STEP_TIMEOUT_SECONDS = 120;
export const STEP_MEMORY_MB = 512;

/** Components the stacks create themselves; no route function may take these names (nor a job's). */
export const RESERVED_NAMES = ['Table', 'Api', 'VaultAddr', 'VaultToken', 'GcpSetup'] as const;
/** Workflow step functions are named STEP_NAME_PREFIX + step; route names may not start with it. */
export const STEP_NAME_PREFIX = 'GcpSetupStep';

const NAME_RE = /^[A-Z][A-Za-z0-9]{0,59}$/;
const STAGE_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;

/** RouteDef.id → component name: "connections.markDisconnected" → "ConnectionsMarkDisconnected". */
export function functionName(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
  if (!NAME_RE.test(name)) throw new Error(`Route id "${id}" gives an invalid function name "${name}" (letters and digits, starting with a letter, at most 60)`);
  return name;
}

/** "functions/x/y.ts" → "functions/x/y.handler" */
export function sstHandler(handlerFile: string): string {
  if (!/^functions\/[a-z0-9-]+(\/[a-z0-9-]+)*\.ts$/.test(handlerFile)) {
    throw new Error(`Handler "${handlerFile}" must be a module under functions/ named like functions/<area>/<verb>.ts`);
  }
  return handlerFile.replace(/\.ts$/, '.handler');
}

export function assertStage(stage: string): string {
  if (!STAGE_RE.test(stage)) throw new Error(`Stage "${stage}" must be letters, digits and dashes (it is used in IAM resource names)`);
  return stage;
}

/** An API Gateway path: "/a/{id}/b"; a greedy "{proxy+}" only as the last segment. */
export function assertPath(path: string): string {
  const ok = /^\/([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\})(\/([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))*(\/\{[A-Za-z_][A-Za-z0-9_]*\+\})?$/.test(path);
  if (!ok && path !== '/') throw new Error(`Path "${path}" is not a valid API Gateway route path`);
  return path;
}

/** "GET /a/{id}" → "GET /a/{}": API Gateway rejects two routes that differ only by parameter names. */
export function routeKeyShape(routeKey: string): string {
  return routeKey.replace(/\{[^}]*\}/g, '{}');
}

// ---------------------------------------------------------------------------------------------
// Capabilities → permissions, links, environment

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

/** Vault's address and token are SST secrets (set with `sst secret set VaultAddr ...`). */
export const VAULT_SECRETS = { VAULT_ADDR: 'VaultAddr', VAULT_TOKEN: 'VaultToken' } as const;

/** Settings the stacks set themselves (never forwarded from the deploy environment). */
const OWNED_SETTINGS = new Set([
  'AURORA_STAGE',
  'AUTH_MODE',
  'TABLE_NAME',
  'SECRET_BACKEND',
  'SECRETS_MANAGER_PREFIX',
  'SECRETS_MANAGER_KMS_KEY_ID',
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'VAULT_MOUNT',
  'VAULT_PREFIX',
  'VAULT_NAMESPACE',
  'GCP_SETUP_STATE_MACHINE_ARN',
]);
/** Settings that only mean something on a laptop (emulators, local files, the local port). */
const LOCAL_ONLY_SETTINGS = new Set(['DYNAMODB_ENDPOINT', 'SECRETS_MANAGER_ENDPOINT', 'AURORA_DATA_DIR', 'LOCAL_SECRETS_DIR', 'PORT']);
/** A URL on the deploying machine: meaningless to a Lambda (simulators, emulators). The frontend may be local. */
const LOOPBACK_URL = /^[a-z][a-z0-9+.-]*:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i;
const MAY_BE_LOCAL = new Set(['FRONTURL', 'FRONTEND_ORIGIN']);
/** Lambda reserves these names (AWS_REGION, AWS_LAMBDA_*, LAMBDA_TASK_ROOT, _HANDLER, ...); SST_* belong to SST. */
const RESERVED_ENV = /^(AWS_|LAMBDA_|SST_|_)/;

/** "GOOGLE_CLIENT_SECRET" → "GoogleClientSecret" (the SST Secret holding it). */
export function secretComponentName(envName: string): string {
  return envName
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

/**
 * Deploy settings from the environment `sst deploy` runs in and the settings lib/config declares.
 * Non-secret declared settings that are set are forwarded to every function; secret ones become
 * SST secrets (never read from the deploy environment).
 */
export function deploySettings(
  env: Record<string, string | undefined>,
  declared: Array<{ name: string; secret: boolean }>,
): DeploySettings {
  const backend = env.SECRET_BACKEND || 'aws-secrets-manager';
  if (backend !== 'vault' && backend !== 'aws-secrets-manager') {
    throw new Error(`SECRET_BACKEND="${backend}" cannot be deployed: use "vault" or "aws-secrets-manager" (the local store is for laptops)`);
  }
  const authMode = env.AUTH_MODE || 'jwt';
  if (authMode !== 'jwt' && authMode !== 'trusted-header') throw new Error(`AUTH_MODE="${authMode}" must be "jwt" or "trusted-header"`);
  const kms = env.SECRETS_MANAGER_KMS_KEY_ID || undefined;
  if (kms && /(^alias\/|:alias\/)/.test(kms)) throw new Error('SECRETS_MANAGER_KMS_KEY_ID must be a key id or key ARN (IAM cannot scope to an alias)');
  const shared: Record<string, string> = {};
  const appSecrets: Record<string, string> = {};
  for (const s of declared) {
    if (OWNED_SETTINGS.has(s.name) || LOCAL_ONLY_SETTINGS.has(s.name) || RESERVED_ENV.test(s.name)) continue;
    const value = env[s.name];
    if (s.secret) appSecrets[s.name] = secretComponentName(s.name);
    else if (value !== undefined && value !== '') {
      if (LOOPBACK_URL.test(value) && !MAY_BE_LOCAL.has(s.name)) {
        throw new Error(`${s.name}=${value} points at this machine (a simulator?): unset it before deploying`);
      }
      shared[s.name] = value;
    }
  }
  return {
    secretBackend: backend,
    authMode,
    secretsManagerKmsKeyId: kms,
    vault: { mount: env.VAULT_MOUNT || undefined, prefix: env.VAULT_PREFIX || undefined, namespace: env.VAULT_NAMESPACE || undefined },
    shared,
    appSecrets,
  };
}

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
      for (const [envName, secret] of Object.entries(VAULT_SECRETS)) {
        links.push(secret);
        environment[envName] = TOKENS.secret(secret);
      }
      environment.VAULT_PREFIX = settings.vault.prefix ?? secretsManagerPrefix(stage);
      if (settings.vault.mount) environment.VAULT_MOUNT = settings.vault.mount;
      if (settings.vault.namespace) environment.VAULT_NAMESPACE = settings.vault.namespace;
    }
    // app credentials (OAuth client secrets and the like) go with the credential-handling functions
    for (const [envName, secret] of Object.entries(settings.appSecrets)) {
      links.push(secret);
      environment[envName] = TOKENS.secret(secret);
    }
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

  return { links, permissions, environment };
}

/** HTTP functions build OAuth redirect URIs from BACKEND_URL: the API's own URL unless the deployer set one (custom domain). */
function withBackendUrl<T extends { environment: Record<string, string> }>(p: T): T {
  p.environment.BACKEND_URL ??= TOKENS.apiUrl;
  return p;
}

/** One route → one Lambda. Throws on anything the stacks could not deploy. */
export function planFunction(route: RouteDef, stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan {
  const name = functionName(route.id);
  if ((RESERVED_NAMES as readonly string[]).includes(name) || SCHEDULED_JOBS.some((j) => j.name === name) || name.startsWith(STEP_NAME_PREFIX)) {
    throw new Error(`Route "${route.id}" would take the reserved function name "${name}"`);
  }
  if (route.paths.length === 0) throw new Error(`Route "${route.id}" has no path`);
  route.paths.forEach(assertPath);
  const exec = route.capabilities.includes('exec');
  const timeout = route.timeoutSeconds ?? (exec ? EXEC_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS);
  const memory = route.memoryMb ?? (exec ? EXEC_MEMORY_MB : DEFAULT_MEMORY_MB);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > HTTP_INTEGRATION_TIMEOUT_SECONDS) {
    throw new Error(`Route "${route.id}": timeoutSeconds ${timeout} must be 1..${HTTP_INTEGRATION_TIMEOUT_SECONDS} (the HTTP API gives up at 30 s)`);
  }
  if (!Number.isInteger(memory) || memory < 128 || memory > 10240) throw new Error(`Route "${route.id}": memoryMb ${memory} must be 128..10240`);
  return {
    name,
    handler: sstHandler(route.handler),
    handlerFile: route.handler,
    method: route.method,
    paths: [...route.paths],
    routeKeys: route.paths.map((p) => `${route.method} ${p}`),
    auth: route.auth,
    capabilities: [...route.capabilities],
    ...withBackendUrl(planCapabilities(route.capabilities, stage, settings)),
    timeout,
    memory,
  };
}

/** Every route planned, with the checks that span routes: unique names, no repeated method+path. */
export function planRoutes(routes: readonly RouteDef[], stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan[] {
  const plans = routes.map((r) => planFunction(r, stage, settings));
  const names = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const [i, p] of plans.entries()) {
    const id = routes[i].id;
    const clash = names.get(p.name);
    if (clash) throw new Error(`Routes "${clash}" and "${id}" both map to the function name "${p.name}"`);
    names.set(p.name, id);
    for (const k of p.routeKeys) {
      const shape = routeKeyShape(k);
      const other = keys.get(shape);
      if (other) throw new Error(`"${k}" is served twice (routes "${other}" and "${id}")`);
      keys.set(shape, id);
    }
  }
  return plans;
}

// ---------------------------------------------------------------------------------------------
// Scheduled jobs (functions/scheduled/*): EventBridge Scheduler → one Lambda each

export interface JobDef {
  /** component name of the Lambda */
  name: string;
  handler: string;
  capabilities: Capability[];
  /** the deploy-time setting holding the minutes between runs, and its default (as in lib/config) */
  everyMinutesSetting: string;
  defaultEveryMinutes: number;
  timeoutSeconds: number;
  memoryMb: number;
}

export const SCHEDULED_JOBS: readonly JobDef[] = [
  {
    // lib/connections/revalidate.ts: reads connections (gsi1), the credentials, assumes AWS roles
    name: 'ScheduledRevalidate',
    handler: 'functions/scheduled/revalidate.ts',
    capabilities: ['table', 'secrets', 'sts'],
    everyMinutesSetting: 'REVALIDATE_SCHEDULE',
    defaultEveryMinutes: 360,
    timeoutSeconds: 900,
    memoryMb: 512,
  },
];

export function planJob(job: JobDef, stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan {
  if (!NAME_RE.test(job.name)) throw new Error(`Bad job name "${job.name}"`);
  return {
    name: job.name,
    handler: sstHandler(job.handler),
    handlerFile: job.handler,
    paths: [],
    routeKeys: [],
    capabilities: [...job.capabilities],
    ...planCapabilities(job.capabilities, stage, settings),
    timeout: job.timeoutSeconds,
    memory: job.memoryMb,
  };
}

/** The `$default` route's Lambda: unmatched paths answer the JSON error envelope. It touches nothing. */
export const FALLBACK_FUNCTION = { name: 'NotFound', handler: 'functions/system/not-found.ts', timeoutSeconds: 3, memoryMb: 128 } as const;

export function planFallback(stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan {
  return {
    name: FALLBACK_FUNCTION.name,
    handler: sstHandler(FALLBACK_FUNCTION.handler),
    handlerFile: FALLBACK_FUNCTION.handler,
    paths: [],
    routeKeys: ['$default'],
    capabilities: [],
    ...planCapabilities([], stage, settings),
    timeout: FALLBACK_FUNCTION.timeoutSeconds,
    memory: FALLBACK_FUNCTION.memoryMb,
  };
}

/** "rate(360 minutes)" from the job's setting in the deploy environment (5 minutes to 1 week). */
export function jobSchedule(job: JobDef, env: Record<string, string | undefined>): `rate(${string})` {
  const raw = env[job.everyMinutesSetting];
  const n = raw === undefined || raw === '' ? job.defaultEveryMinutes : Number(raw);
  if (!Number.isInteger(n) || n < 5 || n > 10080) throw new Error(`${job.everyMinutesSetting}="${raw}" must be whole minutes between 5 and 10080`);
  return `rate(${n} minutes)`;
}

// ---------------------------------------------------------------------------------------------
// GCP setup workflow: ASL placeholders → one Lambda per step

/**
 * Convention: a Task names its Lambda with the placeholder "${Fn:<StepName>}" (PascalCase, no two
 * capitals in a row: "EnableApis", not "EnableAPIs"), either as its "Resource" or as
 * "Parameters.FunctionName" of arn:aws:states:::lambda:invoke. The step's handler is
 * functions/gcp-setup/<kebab-step>.ts, e.g. ${Fn:ListProjects} → functions/gcp-setup/list-projects.ts.
 */
const PLACEHOLDER_RE = /\$\{Fn:([^}]*)\}/g;
const ANY_PLACEHOLDER_RE = /\$\{[^}]*\}/g;
const STEP_RE = /^[A-Z][A-Za-z0-9]*$/;

export const GCP_SETUP_STEP_CAPABILITIES: readonly Capability[] = ['table', 'secrets'];

export function kebab(step: string): string {
  return step.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function stepHandlerFile(step: string): string {
  return `functions/gcp-setup/${kebab(step)}.ts`;
}

function walkStrings(value: unknown, path: string, visit: (s: string, path: string) => string): unknown {
  if (typeof value === 'string') return visit(value, path);
  if (Array.isArray(value)) return value.map((v, i) => walkStrings(v, `${path}[${i}]`, visit));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walkStrings(v, `${path}.${k}`, visit)]));
  }
  return value;
}

function parseAsl(asl: unknown): Record<string, unknown> {
  const doc = typeof asl === 'string' ? (JSON.parse(asl) as unknown) : asl;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('The state machine definition must be a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.QueryLanguage !== undefined && d.QueryLanguage !== 'JSONPath') {
    throw new Error(`The state machine must use JSONPath (found QueryLanguage "${String(d.QueryLanguage)}"): the local runner cannot run JSONata`);
  }
  if (!d.StartAt || !d.States) throw new Error('The state machine definition needs StartAt and States');
  return d;
}

/** The step names the ASL refers to, sorted; throws on a placeholder outside the convention. */
export function aslPlaceholders(asl: unknown): string[] {
  const steps = new Set<string>();
  walkStrings(parseAsl(asl), '$', (s, path) => {
    for (const m of s.matchAll(ANY_PLACEHOLDER_RE)) {
      const fn = /^\$\{Fn:([^}]*)\}$/.exec(m[0]);
      if (!fn) throw new Error(`Unknown placeholder ${m[0]} at ${path}: use \${Fn:<StepName>}`);
      if (!STEP_RE.test(fn[1]) || /[A-Z]{2}/.test(fn[1])) {
        throw new Error(`Bad step name "${fn[1]}" at ${path}: PascalCase, no two capitals in a row (EnableApis)`);
      }
      steps.add(fn[1]);
    }
    return s;
  });
  return [...steps].sort();
}

/**
 * Step → the Task TimeoutSeconds the ASL gives it (the largest, if several Tasks run the step), so
 * the Lambda stops when Step Functions stops waiting for it.
 */
export function aslStepTimeouts(asl: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.Type === 'Task' && typeof o.TimeoutSeconds === 'number') {
      for (const m of JSON.stringify(o).matchAll(PLACEHOLDER_RE)) out[m[1]] = Math.max(out[m[1]] ?? 0, o.TimeoutSeconds);
    }
    Object.values(o).forEach(visit);
  };
  visit(parseAsl(asl));
  return out;
}

/** The ASL with every ${Fn:Step} replaced by arns[Step], as the JSON string Step Functions takes. */
export function substituteAsl(asl: unknown, arns: Record<string, string>): string {
  const doc = parseAsl(asl);
  const out = walkStrings(doc, '$', (s, path) =>
    s.replace(PLACEHOLDER_RE, (m, step: string) => {
      const arn = arns[step];
      if (!arn) throw new Error(`No function for ${m} at ${path}`);
      return arn;
    }),
  );
  const json = JSON.stringify(out, null, 2);
  const left = json.match(ANY_PLACEHOLDER_RE);
  if (left) throw new Error(`Placeholders left in the state machine definition: ${left.join(', ')}`);
  return json;
}

/** The Lambda behind one workflow step (invoked by Step Functions only, so no 30 s cap). */
export function planStep(step: string, stage: string, settings: DeploySettings = DEFAULT_SETTINGS, timeoutSeconds = STEP_TIMEOUT_SECONDS): FunctionPlan {
  if (!STEP_RE.test(step) || /[A-Z]{2}/.test(step)) throw new Error(`Bad step name "${step}"`);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 900) throw new Error(`Step ${step}: timeout ${timeoutSeconds} s must be 1..900 (the Lambda maximum)`);
  const handlerFile = stepHandlerFile(step);
  return {
    name: `${STEP_NAME_PREFIX}${step}`,
    handler: sstHandler(handlerFile),
    handlerFile,
    paths: [],
    routeKeys: [],
    capabilities: [...GCP_SETUP_STEP_CAPABILITIES],
    ...planCapabilities(GCP_SETUP_STEP_CAPABILITIES, stage, settings),
    timeout: timeoutSeconds,
    memory: STEP_MEMORY_MB,
  };
}

/** The state machine role's only Lambda permission: invoke exactly these functions (and their versions). */
export function stateMachineInvokePermission(functionArns: string[]): PermissionPlan {
  if (functionArns.length === 0) throw new Error('The state machine invokes no function');
  return { actions: ['lambda:InvokeFunction'], resources: functionArns.flatMap((a) => [a, `${a}:*`]) };
}

// ---------------------------------------------------------------------------------------------
// API Gateway settings

export interface ApiPlan {
  authMode: AuthMode;
  cors: { allowOrigins: string[]; allowHeaders: string[]; allowMethods: Array<HttpMethod | 'OPTIONS'>; maxAgeSeconds: number };
  throttle: { burstLimit: number; rateLimit: number };
  /** a JWT authorizer for "user" routes, when JWT_ISSUER is set */
  jwt?: { issuer: string; audiences: string[] };
  warnings: string[];
}

export const DEFAULT_THROTTLE = { burstLimit: 100, rateLimit: 50 } as const;

function positiveInt(env: Record<string, string | undefined>, key: string, def: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${key}="${raw}" must be a positive integer`);
  return n;
}

/** CORS, throttling and the authorizer from the deploy environment (same variable names as lib/config). */
export function planApi(env: Record<string, string | undefined>, settings: Pick<DeploySettings, 'authMode'>): ApiPlan {
  const warnings: string[] = [];
  const originRaw = env.FRONTEND_ORIGIN || new URL(env.FRONTURL || 'http://localhost:3000/chat').origin;
  const origin = new URL(originRaw).origin;
  if (origin !== originRaw.replace(/\/$/, '')) throw new Error(`FRONTEND_ORIGIN="${originRaw}" must be an origin (scheme://host[:port]), not a URL with a path`);
  const issuer = env.JWT_ISSUER || undefined;
  const audiences = (env.JWT_AUDIENCE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (issuer && audiences.length === 0) throw new Error('JWT_ISSUER is set but JWT_AUDIENCE is empty: API Gateway JWT authorizers need at least one audience');
  if (settings.authMode === 'jwt' && !issuer) warnings.push('AUTH_MODE is jwt but JWT_ISSUER is unset: no authorizer, every "user" route will answer 401');
  if (settings.authMode === 'trusted-header' && issuer) warnings.push('AUTH_MODE is trusted-header although JWT_ISSUER is set: the X-User-ID header is trusted');
  if (settings.authMode === 'trusted-header' && !issuer) warnings.push('AUTH_MODE is trusted-header: deploy this API only behind a proxy that sets X-User-ID');
  const allowHeaders = ['content-type', 'authorization'];
  if (settings.authMode === 'trusted-header') allowHeaders.push('x-user-id');
  return {
    authMode: settings.authMode,
    cors: { allowOrigins: [origin], allowHeaders, allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'], maxAgeSeconds: 3600 },
    throttle: {
      burstLimit: positiveInt(env, 'API_THROTTLE_BURST_LIMIT', DEFAULT_THROTTLE.burstLimit),
      rateLimit: positiveInt(env, 'API_THROTTLE_RATE_LIMIT', DEFAULT_THROTTLE.rateLimit),
    },
    jwt: issuer ? { issuer, audiences } : undefined,
    warnings,
  };
}
