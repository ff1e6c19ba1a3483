import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Capability, RouteDef } from '../../lib/http/route-types.ts';
import { routes, webSocketApis } from '../../lib/http/routes.ts';
import {
  DEFAULT_SETTINGS,
  EXEC_MEMORY_MB,
  EXEC_TIMEOUT_SECONDS,
  RESERVED_NAMES,
  SCHEDULED_JOBS,
  ALERT_PUBLISHER,
  FALLBACK_FUNCTION,
  planFallback,
  SECRETS_MANAGER_ACTIONS,
  STEP_NAME_PREFIX,
  TABLE_ACTIONS,
  aslPlaceholders,
  aslStepTimeouts,
  deploySettings,
  FAILED_EXECUTIONS_CONSUMER,
  functionName,
  jobSchedule,
  planApi,
  planFunction,
  planJob,
  planRoutes,
  planStep,
  resolveTokens,
  stateMachineInvokePermission,
  stepHandlerFile,
  substituteAsl,
  tokensIn,
  type DeploySettings,
  type FunctionPlan,
} from '../../lib/stacks-plan.ts';

const root = resolve(import.meta.dirname, '../..');
const ASL_FILE = join(root, 'lib/gcp-setup/state-machine.asl.json');
const validateAsl = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
) => { isValid: boolean; errorsText: (sep?: string) => string };

/** Every deploy shape a route can meet: each backend, a KMS key, an app credential, forwarded settings. */
const SETTINGS: Record<string, DeploySettings> = {
  secretsManager: deploySettings(
    { SECRET_BACKEND: 'aws-secrets-manager', SECRETS_MANAGER_KMS_KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab', FRONTURL: 'https://app.example.com/chat' },
    [
      { name: 'FRONTURL', secret: false },
      { name: 'GOOGLE_CLIENT_SECRET', secret: true },
    ],
  ),
  vault: deploySettings({ SECRET_BACKEND: 'vault', VAULT_MOUNT: 'secret', VAULT_ADDR: 'https://vault.example.com', VAULT_AWS_ROLE: 'aurora' }, [{ name: 'GOOGLE_CLIENT_SECRET', secret: true }]),
};

function route(over: Partial<RouteDef> & Pick<RouteDef, 'id'>): RouteDef {
  return {
    method: 'GET',
    paths: ['/x'],
    handler: 'functions/x/y.ts',
    auth: 'user',
    summary: 'test route',
    request: {},
    responses: { 200: null },
    capabilities: [],
    ...over,
  };
}

function tsFiles(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    return statSync(join(root, rel)).isDirectory() ? tsFiles(rel) : name.endsWith('.ts') ? [rel] : [];
  });
}

async function expectHandler(handlerFile: string) {
  const file = join(root, handlerFile);
  expect(existsSync(file), `${handlerFile} missing`).toBe(true);
  const mod = (await import(pathToFileURL(file).href)) as { handler?: unknown };
  expect(typeof mod.handler, `${handlerFile} does not export handler`).toBe('function');
}

const actionsOf = (p: FunctionPlan) => p.permissions.flatMap((s) => s.actions);
const resourcesOf = (p: FunctionPlan) => p.permissions.flatMap((s) => s.resources);
const isSchema = (s: unknown) => !!s && typeof (s as { safeParse?: unknown }).safeParse === 'function';

/**
 * What each capability may bring, written out here independently of lib/stacks-plan.ts: a plan may
 * only hold an action, resource, link or environment variable that one of its capabilities justifies.
 */
function expectJustified(p: FunctionPlan, caps: readonly Capability[]) {
  const has = (c: Capability) => caps.includes(c);
  for (const s of p.permissions) {
    for (const a of s.actions) {
      expect(a, `${p.name}: wildcard action`).not.toContain('*');
      const service = a.split(':')[0];
      const allowedBy: Record<string, Capability> = { dynamodb: 'table', secretsmanager: 'secrets', kms: 'secrets', states: 'workflow', sts: 'sts', lambda: 'executor', 'execute-api': 'agents' };
      expect(allowedBy[service], `${p.name}: ${a} belongs to no capability`).toBeDefined();
      expect(has(allowedBy[service]), `${p.name}: ${a} without the ${allowedBy[service]} capability`).toBe(true);
    }
    for (const r of s.resources) expect(r, `${p.name}: resource "*"`).not.toBe('*');
    const service = s.actions[0].split(':')[0];
    for (const a of s.actions) expect(a.split(':')[0], `${p.name}: one statement mixes services`).toBe(service);
    if (service === 'dynamodb') expect(s.resources).toEqual(['{{table.arn}}', '{{table.arn}}/index/*']);
    if (service === 'secretsmanager') expect(s.resources).toEqual([`arn:aws:secretsmanager:{{aws.region}}:{{aws.account}}:secret:aurora/prod/*`]);
    if (service === 'states') expect(s).toEqual({ actions: ['states:StartExecution'], resources: ['{{workflow.arn}}'] });
    if (service === 'sts') expect(s.actions).toEqual(s.effect === 'deny' ? ['sts:AssumeRole'] : ['sts:AssumeRole', 'sts:SetSourceIdentity']);
    if (service === 'lambda') expect(s).toEqual({ actions: ['lambda:InvokeFunction'], resources: ['{{executor.arn}}'] });
    if (service === 'execute-api') expect(s).toEqual({ actions: ['execute-api:ManageConnections'], resources: ['POST', 'DELETE', 'GET'].map((m) => `{{agents.executionArn}}/*/${m}/@connections/*`) });
  }
  if (!has('secrets')) {
    expect(p.links, `${p.name}: links without secrets`).toEqual([]);
    for (const k of Object.keys(p.environment)) expect(k).not.toMatch(/^(VAULT_|SECRETS_MANAGER_|GOOGLE_CLIENT_SECRET)/);
  }
  const tokens = Object.values(p.environment).concat(resourcesOf(p)).flatMap(tokensIn);
  if (!has('table')) expect(tokens.filter((t) => t.startsWith('table.')), `${p.name}: table without table`).toEqual([]);
  if (!has('workflow')) expect(tokens, `${p.name}: workflow without workflow`).not.toContain('workflow.arn');
  if (!has('executor')) expect(tokens.filter((t) => t.startsWith('executor.')), `${p.name}: the executor without executor`).toEqual([]);
  if (!has('agents')) expect(tokens.filter((t) => t.startsWith('agents.')), `${p.name}: agent sockets without agents`).toEqual([]);
  // secrets are linked, never put in the environment (issue 16): no token for one, no secret setting
  expect(tokens.filter((t) => t.startsWith('secret.')), `${p.name}: a secret value in the environment`).toEqual([]);
  expect(Object.keys(p.environment), `${p.name}: a secret setting in the environment`).not.toContain('GOOGLE_CLIENT_SECRET');
}

describe('the route table as deployed: one Lambda per route', () => {
  it('has routes', () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  it('plans every route, for either secret backend', () => {
    for (const s of Object.values(SETTINGS)) expect(planRoutes(routes, 'prod', s)).toHaveLength(routes.length);
  });

  it.each(routes.map((r) => [r.id, r] as const))('%s: its handler file exists and exports handler', async (_id, r) => {
    const p = planFunction(r, 'prod');
    expect(p.handler).toBe(r.handler.replace(/\.ts$/, '.handler'));
    await expectHandler(p.handlerFile);
  });

  it('deploys every handler under functions/: by a route, a scheduled job, the GCP setup workflow, a WebSocket API or the alert stream', () => {
    const deployed = new Set([...routes.map((r) => r.handler), ...SCHEDULED_JOBS.map((j) => j.handler), FALLBACK_FUNCTION.handler, ...webSocketApis.flatMap((a) => a.routes.map((r) => r.handler)), ALERT_PUBLISHER.handler, FAILED_EXECUTIONS_CONSUMER.handler]);
    if (existsSync(ASL_FILE)) for (const step of aslPlaceholders(JSON.parse(readFileSync(ASL_FILE, 'utf8')))) deployed.add(stepHandlerFile(step));
    const orphans = tsFiles('functions').filter((f) => !deployed.has(f) && (existsSync(ASL_FILE) || !f.startsWith('functions/gcp-setup/')));
    expect(orphans, 'handlers no stack deploys').toEqual([]);
  });

  it('never serves one method+path twice (parameter names aside), across all aliases', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const r of routes) {
      for (const path of r.paths) {
        const key = `${r.method} ${path.replace(/\{[^}]*\}/g, '{}')}`;
        if (seen.has(key)) dupes.push(`${key} (${seen.get(key)}, ${r.id})`);
        seen.set(key, r.id);
      }
    }
    expect(dupes).toEqual([]);
  });

  it('routes every path of a route to the same one function', () => {
    for (const p of planRoutes(routes, 'prod')) {
      const r = routes.find((x) => functionName(x.id) === p.name)!;
      expect(p.routeKeys).toEqual(r.paths.map((path) => `${r.method} ${path}`));
    }
  });

  it.each(routes.map((r) => [r.id, r] as const))('%s: has request and response schemas', (_id, r) => {
    expect(r.request, 'request').toBeTypeOf('object');
    for (const [part, s] of Object.entries(r.request)) if (s !== undefined) expect(isSchema(s), `request.${part} is not a schema`).toBe(true);
    const pathParams = [...new Set(r.paths.flatMap((p) => [...p.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1])))].sort();
    if (pathParams.length) {
      expect(isSchema(r.request.params), 'path parameters need request.params').toBe(true);
      const shape = (r.request.params as unknown as { shape?: Record<string, unknown> }).shape;
      if (shape) expect(Object.keys(shape).sort(), 'request.params must name the path parameters').toEqual(pathParams);
    }
    const statuses = Object.keys(r.responses).map(Number);
    // a route that only refuses a method (GET and DELETE /mcp: 405) names that in errors instead
    const refusesOnly = statuses.length === 0 && (r.errors ?? []).includes(405);
    expect(statuses.length > 0 || refusesOnly, 'no success response').toBe(true);
    for (const st of statuses) {
      expect(st >= 200 && st < 400, `response ${st} is not a success`).toBe(true);
      const s = r.responses[st];
      if (s === null) expect(st >= 300, `${st} has no body schema (null is for redirects)`).toBe(true);
      else expect(isSchema(s), `response ${st} is not a schema`).toBe(true);
    }
  });

  it('gives functions unique, valid names that no stack component takes', () => {
    const names = planRoutes(routes, 'prod').map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(/^[A-Z][A-Za-z0-9]{0,59}$/);
      expect(RESERVED_NAMES as readonly string[]).not.toContain(n);
      expect(n.startsWith(STEP_NAME_PREFIX)).toBe(false);
    }
  });

  it('grants each route only what its capabilities justify', () => {
    for (const s of Object.values(SETTINGS)) {
      for (const r of routes) expectJustified(planFunction(r, 'prod', s), r.capabilities);
    }
  });

  it('keeps every HTTP function within the 30 s the HTTP API waits', () => {
    for (const p of planRoutes(routes, 'prod')) expect(p.timeout).toBeLessThanOrEqual(30);
  });
});

describe('capabilities → permissions, links, environment', () => {
  const sm = SETTINGS.secretsManager;
  const vault = SETTINGS.vault;

  it('a route with no capability gets no permission, no link and only the shared settings', () => {
    const p = planFunction(route({ id: 'x.none' }), 'prod', sm);
    expect(p.permissions).toEqual([]);
    expect(p.links).toEqual([]);
    expect(p.environment).toEqual({
      FRONTURL: 'https://app.example.com/chat',
      AURORA_STAGE: 'prod',
      AUTH_MODE: 'jwt',
      SECRET_BACKEND: 'aws-secrets-manager',
      BACKEND_URL: '{{api.url}}',
    });
  });

  it('table: item-level actions on the table and its indexes, and the table name', () => {
    const p = planFunction(route({ id: 'x.table', capabilities: ['table'] }), 'prod', sm);
    expect(p.permissions).toEqual([{ actions: [...TABLE_ACTIONS], resources: ['{{table.arn}}', '{{table.arn}}/index/*'] }]);
    expect(actionsOf(p)).not.toContain('dynamodb:DeleteTable');
    expect(p.environment.TABLE_NAME).toBe('{{table.name}}');
    expect(p.links).toEqual([]);
  });

  it('secrets (Secrets Manager): the five secret actions on aurora/<stage>/* only, plus the KMS key via Secrets Manager', () => {
    const p = planFunction(route({ id: 'x.sm', capabilities: ['secrets'] }), 'prod', sm);
    expect(p.permissions[0]).toEqual({
      actions: [...SECRETS_MANAGER_ACTIONS],
      resources: ['arn:aws:secretsmanager:{{aws.region}}:{{aws.account}}:secret:aurora/prod/*'],
    });
    expect(actionsOf(p)).not.toContain('secretsmanager:ListSecrets');
    expect(p.permissions[1]).toEqual({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['arn:aws:kms:{{aws.region}}:{{aws.account}}:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.{{aws.region}}.amazonaws.com'] }],
    });
    expect(p.environment).toMatchObject({ SECRET_BACKEND: 'aws-secrets-manager', SECRETS_MANAGER_PREFIX: 'aurora/prod' });
    expect(p.environment).not.toHaveProperty('GOOGLE_CLIENT_SECRET');
    expect(p.links).toEqual(['GoogleClientSecret']);
    // another stage, another prefix
    expect(planFunction(route({ id: 'x.sm', capabilities: ['secrets'] }), 'dev-ann', sm).permissions[0].resources).toEqual([
      'arn:aws:secretsmanager:{{aws.region}}:{{aws.account}}:secret:aurora/dev-ann/*',
    ]);
  });

  it('secrets (Vault): no AWS permission; the function logs in with its role, no token deployed', () => {
    const p = planFunction(route({ id: 'x.vault', capabilities: ['secrets'] }), 'prod', vault);
    expect(p.permissions).toEqual([]);
    expect(p.links).toEqual(['GoogleClientSecret']);
    expect(p.environment).toMatchObject({
      SECRET_BACKEND: 'vault',
      VAULT_AUTH_METHOD: 'aws',
      VAULT_ADDR: 'https://vault.example.com',
      VAULT_AWS_ROLE: 'aurora',
      VAULT_MOUNT: 'secret',
      VAULT_PREFIX: 'aurora/prod',
    });
    expect(p.environment).not.toHaveProperty('VAULT_TOKEN');
  });

  it('workflow: StartExecution on the one state machine', () => {
    const p = planFunction(route({ id: 'x.wf', capabilities: ['workflow'] }), 'prod', sm);
    expect(p.permissions).toEqual([{ actions: ['states:StartExecution'], resources: ['{{workflow.arn}}'] }]);
    expect(p.environment.GCP_SETUP_STATE_MACHINE_ARN).toBe('{{workflow.arn}}');
  });

  it("sts: AssumeRole into other accounts' roles, never into our own", () => {
    const p = planFunction(route({ id: 'x.sts', capabilities: ['sts'] }), 'prod', sm);
    expect(p.permissions).toEqual([
      // SourceIdentity on every AssumeRole needs sts:SetSourceIdentity on the caller's side too
      { actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'], resources: ['arn:aws:iam::*:role/*'] },
      { effect: 'deny', actions: ['sts:AssumeRole'], resources: ['arn:aws:iam::{{aws.account}}:role/*'] },
    ]);
  });

  it('exec: a bigger timeout and memory, still within the HTTP API limit; explicit values win', () => {
    const p = planFunction(route({ id: 'x.exec', capabilities: ['exec', 'sts'] }), 'prod', sm);
    expect([p.timeout, p.memory]).toEqual([EXEC_TIMEOUT_SECONDS, EXEC_MEMORY_MB]);
    expect(planFunction(route({ id: 'x.plain' }), 'prod').timeout).toBe(10);
    const q = planFunction(route({ id: 'x.sized', timeoutSeconds: 20, memoryMb: 256 }), 'prod');
    expect([q.timeout, q.memory]).toEqual([20, 256]);
    expect(() => planFunction(route({ id: 'x.long', timeoutSeconds: 60 }), 'prod')).toThrow(/30 s/);
  });

  it('every capability combination stays justified, on either backend', () => {
    const all: Capability[] = ['table', 'secrets', 'workflow', 'sts', 'exec', 'executor', 'agents'];
    for (let mask = 0; mask < 1 << all.length; mask++) {
      const caps = all.filter((_, i) => mask & (1 << i));
      for (const s of Object.values(SETTINGS)) expectJustified(planFunction(route({ id: `x.m${mask}`, capabilities: caps }), 'prod', s), caps);
    }
  });

  it('aliases: one function, every path', () => {
    const p = planFunction(route({ id: 'gcp.callback', paths: ['/callback', '/gcp/callback', '/api/auth/gcp/callback'], auth: 'open' }), 'prod');
    expect(p.name).toBe('GcpCallback');
    expect(p.routeKeys).toEqual(['GET /callback', 'GET /gcp/callback', 'GET /api/auth/gcp/callback']);
    expect(p.auth).toBe('open');
  });

  it('refuses a method+path served twice, also when only parameter names differ', () => {
    const a = route({ id: 'a.one', paths: ['/a/{id}'] });
    expect(() => planRoutes([a, route({ id: 'a.two', paths: ['/b', '/a/{name}'] })], 'prod')).toThrow(/served twice/);
    expect(planRoutes([a, route({ id: 'a.three', method: 'POST', paths: ['/a/{id}'] })], 'prod')).toHaveLength(2);
  });

  it('names functions after route ids and refuses clashes and bad names', () => {
    expect(functionName('connections.markDisconnected')).toBe('ConnectionsMarkDisconnected');
    expect(functionName('aws.get-credentials')).toBe('AwsGetCredentials');
    expect(functionName('gcp.setup_status')).toBe('GcpSetupStatus');
    expect(() => functionName('1.bad')).toThrow();
    expect(() => planRoutes([route({ id: 'a.b', paths: ['/1'] }), route({ id: 'a-b', paths: ['/2'] })], 'prod')).toThrow(/both map/);
    expect(() => planFunction(route({ id: 'table' }), 'prod')).toThrow(/reserved/);
    expect(() => planFunction(route({ id: 'gcp.setup.step.x' }), 'prod')).toThrow(/reserved/);
  });

  it('maps handler modules to SST handlers and refuses anything outside functions/', () => {
    expect(planFunction(route({ id: 'a.b', handler: 'functions/gcp/post-auth-retry.ts' }), 'prod').handler).toBe('functions/gcp/post-auth-retry.handler');
    for (const h of ['lib/x.ts', 'functions/x.js', 'functions/../x.ts', '/functions/x/y.ts']) {
      expect(() => planFunction(route({ id: 'a.b', handler: h }), 'prod'), h).toThrow(/functions\//);
    }
  });

  it('refuses paths API Gateway would not take and stages unfit for IAM names', () => {
    for (const bad of ['x', '/a/', '/a b', '/{proxy+}/x', '/a/{}']) expect(() => planFunction(route({ id: 'a.b', paths: [bad] }), 'prod'), bad).toThrow();
    expect(() => planFunction(route({ id: 'a.b' }), 'prod/*')).toThrow(/Stage/);
  });
});

describe('scheduled jobs', () => {
  it.each(SCHEDULED_JOBS.map((j) => [j.name, j] as const))('%s: handler exists and exports handler; justified grants', async (_n, job) => {
    await expectHandler(job.handler);
    for (const s of Object.values(SETTINGS)) expectJustified(planJob(job, 'prod', s), job.capabilities);
    expect(planRoutes(routes, 'prod').map((p) => p.name)).not.toContain(job.name);
    expect(() => planFunction(route({ id: job.name }), 'prod')).toThrow(/reserved/);
  });

  it('runs every REVALIDATE_SCHEDULE minutes (360 by default, 5..10080)', () => {
    const job = SCHEDULED_JOBS.find((j) => j.handler === 'functions/scheduled/revalidate.ts')!;
    expect(jobSchedule(job, {})).toBe('rate(360 minutes)');
    expect(jobSchedule(job, { REVALIDATE_SCHEDULE: '60' })).toBe('rate(60 minutes)');
    for (const bad of ['1', '20000', '1.5', 'x']) expect(() => jobSchedule(job, { REVALIDATE_SCHEDULE: bad }), bad).toThrow(/REVALIDATE_SCHEDULE/);
  });
});

describe('deploy settings', () => {
  const declared = [
    { name: 'FRONTURL', secret: false },
    { name: 'AWS_REGION', secret: false },
    { name: 'DYNAMODB_ENDPOINT', secret: false },
    { name: 'PORT', secret: false },
    { name: 'TABLE_NAME', secret: false },
    { name: 'VAULT_TOKEN', secret: true },
    { name: 'GOOGLE_CLIENT_SECRET', secret: true },
    { name: 'LOG_LEVEL', secret: false },
  ];

  it('forwards declared settings that are set, except owned, local-only and Lambda-reserved ones', () => {
    const s = deploySettings(
      { FRONTURL: 'https://a.example/chat', AWS_REGION: 'eu-west-1', DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', PORT: '1', TABLE_NAME: 't', GOOGLE_CLIENT_SECRET: 'leak', UNDECLARED: 'x' },
      declared,
    );
    expect(s.shared).toEqual({ FRONTURL: 'https://a.example/chat' });
    expect(s.appSecrets).toEqual({ GOOGLE_CLIENT_SECRET: 'GoogleClientSecret' });
    expect(JSON.stringify(s)).not.toContain('leak');
  });

  it('refuses to forward a URL of the deploying machine, except the frontend', () => {
    const d = [
      { name: 'FRONTURL', secret: false },
      { name: 'GOOGLE_OAUTH_TOKEN_URL', secret: false },
    ];
    expect(deploySettings({ FRONTURL: 'http://localhost:3000/chat' }, d).shared).toEqual({ FRONTURL: 'http://localhost:3000/chat' });
    expect(() => deploySettings({ GOOGLE_OAUTH_TOKEN_URL: 'http://127.0.0.1:5081/token' }, d)).toThrow(/GOOGLE_OAUTH_TOKEN_URL.*this machine/);
    expect(deploySettings({ GOOGLE_OAUTH_TOKEN_URL: 'https://oauth2.example.com/token' }, d).shared).toHaveProperty('GOOGLE_OAUTH_TOKEN_URL');
  });

  it('defaults to Secrets Manager and jwt, and refuses the local store', () => {
    const s = deploySettings({}, []);
    expect([s.secretBackend, s.authMode]).toEqual(['aws-secrets-manager', 'jwt']);
    expect(() => deploySettings({ SECRET_BACKEND: 'local' }, [])).toThrow(/cannot be deployed/);
    expect(() => deploySettings({ AUTH_MODE: 'none' }, [])).toThrow(/AUTH_MODE/);
    expect(() => deploySettings({ SECRETS_MANAGER_KMS_KEY_ID: 'alias/aurora' }, [])).toThrow(/alias/);
  });

  it('the real settings registry never forwards a secret from the deploy environment', async () => {
    const { allSettings } = await import('../../lib/config.ts');
    const env = Object.fromEntries(allSettings().map((s) => [s.name, s.secret ? 'LEAKED-VALUE' : 'https://x.example']));
    const s = deploySettings({ ...env, SECRET_BACKEND: 'vault', AUTH_MODE: 'jwt', FRONTURL: 'https://a.example/chat' }, allSettings());
    expect(JSON.stringify(s)).not.toContain('LEAKED-VALUE');
    for (const k of Object.keys(s.shared)) expect(k).not.toMatch(/^(AWS_|LAMBDA_|_)/);
  });
});

describe('api settings', () => {
  it('CORS for the frontend origin only; X-User-ID only in trusted-header mode', () => {
    const a = planApi({ FRONTURL: 'https://app.example.com/chat' }, { authMode: 'jwt' });
    expect(a.cors.allowOrigins).toEqual(['https://app.example.com']);
    expect(a.cors.allowHeaders).not.toContain('x-user-id');
    expect(planApi({ FRONTEND_ORIGIN: 'https://ui.example.com', API_CUSTOM_DOMAIN: 'api.internal.example.com' }, { authMode: 'trusted-header' }).cors).toMatchObject({
      allowOrigins: ['https://ui.example.com'],
      allowHeaders: ['content-type', 'authorization', 'x-user-id'],
    });
    expect(() => planApi({ FRONTEND_ORIGIN: 'https://ui.example.com/app' }, { authMode: 'jwt' })).toThrow(/origin/);
  });

  it('a JWT authorizer only with an issuer, which needs an audience', () => {
    expect(planApi({}, { authMode: 'jwt' }).jwt).toBeUndefined();
    expect(planApi({}, { authMode: 'jwt' }).warnings.join()).toMatch(/401/);
    expect(planApi({ JWT_ISSUER: 'https://id.example.com', JWT_AUDIENCE: 'a, b' }, { authMode: 'jwt' }).jwt).toEqual({
      issuer: 'https://id.example.com',
      audiences: ['a', 'b'],
    });
    expect(() => planApi({ JWT_ISSUER: 'https://id.example.com' }, { authMode: 'jwt' })).toThrow(/JWT_AUDIENCE/);
  });

  it('default throttling, overridable, validated', () => {
    expect(planApi({}, { authMode: 'jwt' }).throttle).toEqual({ burstLimit: 100, rateLimit: 50 });
    expect(planApi({ API_THROTTLE_BURST_LIMIT: '20', API_THROTTLE_RATE_LIMIT: '10' }, { authMode: 'jwt' }).throttle).toEqual({ burstLimit: 20, rateLimit: 10 });
    expect(() => planApi({ API_THROTTLE_RATE_LIMIT: '-1' }, { authMode: 'jwt' })).toThrow(/positive/);
  });
});

describe('tokens', () => {
  it('resolves every token and refuses unknown ones', () => {
    expect(resolveTokens('arn:aws:x:{{aws.region}}:{{aws.account}}:y/{{aws.region}}', { 'aws.region': 'eu-west-3', 'aws.account': '123456789012' })).toBe(
      'arn:aws:x:eu-west-3:123456789012:y/eu-west-3',
    );
    expect(() => resolveTokens('{{table.arn}}', {})).toThrow(/table\.arn/);
    expect(tokensIn('{{a.b}}/{{c}}/{{a.b}}')).toEqual(['a.b', 'c']);
  });
});

describe('GCP setup state machine: ${Fn:<Step>} placeholders → one Lambda per step', () => {
  const fixture = {
    Comment: 'fixture covering every place a placeholder may sit',
    StartAt: 'ListProjects',
    States: {
      ListProjects: { Type: 'Task', Resource: '${Fn:ListProjects}', TimeoutSeconds: 90, Next: 'PerProject' },
      PerProject: {
        Type: 'Map',
        ItemsPath: '$.projects',
        MaxConcurrency: 4,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'EnableApis',
          States: {
            EnableApis: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: '${Fn:EnableApis}', 'Payload.$': '$' },
              OutputPath: '$.Payload',
              End: true,
            },
          },
        },
        Next: 'Both',
      },
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Task', Resource: '${Fn:CreateServiceAccounts}', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Task', Resource: '${Fn:ListProjects}', TimeoutSeconds: 30, End: true } } },
        ],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  };
  const arn = (step: string) => `arn:aws:lambda:eu-west-1:123456789012:function:aurora-connectors-prod-${step}`;
  const arns = (steps: string[]) => Object.fromEntries(steps.map((s) => [s, arn(s)]));

  it('finds each distinct step, wherever its placeholder sits', () => {
    expect(aslPlaceholders(fixture)).toEqual(['CreateServiceAccounts', 'EnableApis', 'ListProjects']);
    expect(aslPlaceholders(JSON.stringify(fixture))).toEqual(['CreateServiceAccounts', 'EnableApis', 'ListProjects']);
  });

  it('replaces every placeholder and leaves none; the result is valid ASL', () => {
    const steps = aslPlaceholders(fixture);
    const out = substituteAsl(fixture, arns(steps));
    expect(out).not.toMatch(/\$\{/);
    const doc = JSON.parse(out);
    expect(doc.States.ListProjects.Resource).toBe(arn('ListProjects'));
    expect(doc.States.PerProject.ItemProcessor.States.EnableApis.Parameters.FunctionName).toBe(arn('EnableApis'));
    expect(doc.States.Both.Branches[1].States.B.Resource).toBe(arn('ListProjects'));
    const v = validateAsl(doc);
    expect(v.isValid, v.errorsText()).toBe(true);
    expect(fixture.States.ListProjects.Resource).toBe('${Fn:ListProjects}'); // input untouched
  });

  it('refuses a missing function, a foreign placeholder, a bad step name and JSONata', () => {
    expect(() => substituteAsl(fixture, arns(['ListProjects', 'EnableApis']))).toThrow(/CreateServiceAccounts/);
    const withStates = (s: object) => ({ StartAt: 'S', States: { S: { Type: 'Task', End: true, ...s } } });
    expect(() => aslPlaceholders(withStates({ Resource: '${StepListProjects}' }))).toThrow(/Unknown placeholder/);
    expect(() => aslPlaceholders(withStates({ Resource: '${Fn:EnableAPIs}' }))).toThrow(/EnableApis/);
    expect(() => aslPlaceholders(withStates({ Resource: '${Fn:list-projects}' }))).toThrow(/Bad step name/);
    expect(() => aslPlaceholders({ ...withStates({ Resource: '${Fn:A}' }), QueryLanguage: 'JSONata' })).toThrow(/JSONPath/);
  });

  it("times each step's Lambda out with its Task (the largest when several Tasks run it)", () => {
    expect(aslStepTimeouts(fixture)).toEqual({ ListProjects: 90 });
    expect(planStep('ListProjects', 'prod', DEFAULT_SETTINGS, 90).timeout).toBe(90);
    expect(planStep('EnableApis', 'prod').timeout).toBe(120);
    expect(() => planStep('EnableApis', 'prod', DEFAULT_SETTINGS, 3600)).toThrow(/900/);
  });

  it('maps steps to handlers, functions and an invoke permission on exactly those functions', () => {
    expect(stepHandlerFile('ListProjects')).toBe('functions/gcp-setup/list-projects.ts');
    const p = planStep('VerifyPropagation', 'prod', SETTINGS.secretsManager);
    expect(p).toMatchObject({ name: 'GcpSetupStepVerifyPropagation', handler: 'functions/gcp-setup/verify-propagation.handler', routeKeys: [] });
    expectJustified(p, p.capabilities);
    expect(stateMachineInvokePermission([arn('A'), arn('B')])).toEqual({
      actions: ['lambda:InvokeFunction'],
      resources: [arn('A'), `${arn('A')}:*`, arn('B'), `${arn('B')}:*`],
    });
  });

  describe.runIf(existsSync(ASL_FILE))('the real lib/gcp-setup/state-machine.asl.json', () => {
    const asl = existsSync(ASL_FILE) ? (JSON.parse(readFileSync(ASL_FILE, 'utf8')) as unknown) : {};

    it('names its steps with ${Fn:<Step>} and substitutes to valid ASL with no placeholder left', () => {
      const steps = aslPlaceholders(asl);
      expect(steps.length).toBeGreaterThan(0);
      const out = substituteAsl(asl, arns(steps));
      expect(out).not.toMatch(/\$\{/);
      const v = validateAsl(JSON.parse(out));
      expect(v.isValid, v.errorsText()).toBe(true);
    });

    it('has a handler exporting `handler` for every step, named apart from the routes', async () => {
      const routeNames = new Set(planRoutes(routes, 'prod').map((p) => p.name));
      const timeouts = aslStepTimeouts(asl);
      for (const step of aslPlaceholders(asl)) {
        const p = planStep(step, 'prod', DEFAULT_SETTINGS, timeouts[step]);
        expect(routeNames.has(p.name)).toBe(false);
        await expectHandler(p.handlerFile);
      }
    });
  });
});

describe('the $default route', () => {
  it('answers unmatched paths with the error envelope and is granted nothing', async () => {
    const plan = planFallback('prod');
    expect(plan.routeKeys).toEqual(['$default']);
    expect(plan.permissions).toEqual([]);
    expect(plan.links).toEqual([]);
    const { handler } = await import('../../functions/system/not-found.ts');
    const res = await handler({} as never);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body!)).toEqual({ error: { code: 'not_found', message: 'Not Found' }, message: 'Not Found' });
  });
});
