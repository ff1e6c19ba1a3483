import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSettings } from '../../lib/config.ts';
import type { RouteDef } from '../../lib/http/route-types.ts';
import {
  ALARM_TOKENS,
  FAILED_EXECUTIONS_CONSUMER,
  FAILED_EXECUTIONS_MAPPING,
  FAILED_QUEUE_VISIBILITY_SECONDS,
  SCHEDULED_JOBS,
  SQS_CONSUME_ACTIONS,
  WORKFLOW_TOKENS,
  alarmSubscriptions,
  aslPlaceholders,
  deploySettings,
  planAlertPublisher,
  planApi,
  planFailedExecutionConsumer,
  planFallback,
  planFunction,
  planJob,
  planJobAlarm,
  planJobInvoke,
  planRoutes,
  planStep,
  planWebSocketApi,
  planWorkflowAlarms,
  functionRolePath,
  tokensIn,
  type FunctionPlan,
} from '../../lib/stacks-plan.ts';

/**
 * What a real `sst deploy` must refuse or get right (issue 16), over the pure plans the stacks
 * apply: stacks/secrets.ts calls deploySettings with the stage first, stacks/api.ts planApi.
 */
const routeLike: RouteDef = { id: 'x', method: 'GET', paths: ['/x'], handler: 'functions/system/not-found.ts', auth: 'user', summary: 'x', request: {}, responses: { 200: null }, errors: [], capabilities: [] } as unknown as RouteDef;
const prod = { JWT_ISSUER: 'https://issuer.example', JWT_AUDIENCE: 'console', FRONTURL: 'https://console.example.com/connectors' };

describe('identity at deploy time', () => {
  it('trusted-header with a JWT issuer is refused, on any stage', () => {
    for (const stage of ['dev', 'production']) {
      expect(() => deploySettings({ ...prod, AUTH_MODE: 'trusted-header', API_CUSTOM_DOMAIN: 'api.example.com' }, allSettings(), stage)).toThrow(/trusted-header cannot be deployed with JWT_ISSUER/);
    }
    expect(() => planApi({ ...prod, API_CUSTOM_DOMAIN: 'api.example.com' }, { authMode: 'trusted-header' })).toThrow(/JWT_ISSUER/);
  });

  it('trusted-header only with a custom domain, and then the execute-api endpoint is disabled', () => {
    expect(() => deploySettings({ AUTH_MODE: 'trusted-header' }, allSettings(), 'dev')).toThrow(/API_CUSTOM_DOMAIN/);
    expect(() => planApi({ FRONTURL: 'https://ui.example.com/c' }, { authMode: 'trusted-header' }, 'dev')).toThrow(/API_CUSTOM_DOMAIN/);
    const behindProxy = { FRONTURL: 'https://ui.example.com/c', API_CUSTOM_DOMAIN: 'api.internal.example.com' };
    expect(deploySettings({ ...behindProxy, AUTH_MODE: 'trusted-header' }, allSettings(), 'dev').authMode).toBe('trusted-header');
    const plan = planApi(behindProxy, { authMode: 'trusted-header' }, 'dev');
    expect(plan).toMatchObject({ defaultEndpoint: false, domain: { name: 'api.internal.example.com' }, jwt: undefined });
    // the domain is not forwarded to the functions: nothing for them to know
    expect(deploySettings({ ...behindProxy, AUTH_MODE: 'trusted-header' }, allSettings(), 'dev').shared).not.toHaveProperty('API_CUSTOM_DOMAIN');
  });

  it('jwt mode keeps the default endpoint (the authorizer guards it) and takes an optional domain with its certificate', () => {
    expect(planApi(prod, { authMode: 'jwt' }, 'production')).toMatchObject({ defaultEndpoint: true, domain: undefined, jwt: { issuer: prod.JWT_ISSUER, audiences: ['console'] } });
    const withCert = planApi({ ...prod, API_CUSTOM_DOMAIN: 'api.example.com', API_CUSTOM_DOMAIN_CERT_ARN: 'arn:aws:acm:eu-west-1:1:certificate/x' }, { authMode: 'jwt' });
    expect(withCert.domain).toEqual({ name: 'api.example.com', certArn: 'arn:aws:acm:eu-west-1:1:certificate/x' });
    expect(() => planApi({ ...prod, API_CUSTOM_DOMAIN: 'https://api.example.com/x' }, { authMode: 'jwt' })).toThrow(/API_CUSTOM_DOMAIN/);
    expect(() => planApi({ ...prod, API_CUSTOM_DOMAIN_CERT_ARN: 'arn:aws:acm:eu-west-1:1:certificate/x' }, { authMode: 'jwt' })).toThrow(/without API_CUSTOM_DOMAIN/);
  });

  it('the production stage fails without JWT_ISSUER or without FRONTURL/FRONTEND_ORIGIN; other stages only warn', () => {
    const { JWT_ISSUER: _i, JWT_AUDIENCE: _a, ...noIssuer } = prod;
    const { FRONTURL: _f, ...noFront } = prod;
    expect(() => deploySettings(noIssuer, allSettings(), 'production')).toThrow(/production stage needs JWT_ISSUER/);
    expect(() => planApi(noIssuer, { authMode: 'jwt' }, 'production')).toThrow(/production stage needs JWT_ISSUER/);
    expect(() => deploySettings(noFront, allSettings(), 'production')).toThrow(/production stage needs FRONTURL or FRONTEND_ORIGIN/);
    expect(() => planApi(noFront, { authMode: 'jwt' }, 'production')).toThrow(/FRONTURL or FRONTEND_ORIGIN/);
    expect(deploySettings({ ...noFront, FRONTEND_ORIGIN: 'https://console.example.com' }, allSettings(), 'production').authMode).toBe('jwt');
    expect(deploySettings(prod, allSettings(), 'production').shared.FRONTURL).toBe(prod.FRONTURL);
    expect(planApi({}, { authMode: 'jwt' }, 'dev').warnings.join()).toMatch(/JWT_ISSUER is unset/);
  });
});

describe('CORS', () => {
  it('allows credentials for exactly the one console origin', () => {
    const cors = planApi(prod, { authMode: 'jwt' }, 'production').cors;
    expect(cors.allowCredentials).toBe(true);
    expect(cors.allowOrigins).toEqual(['https://console.example.com']);
    expect(cors.allowOrigins).not.toContain('*');
  });
});

describe('no secret in any Lambda environment', () => {
  const settingsList = allSettings();
  const secretNames = settingsList.filter((s) => s.secret).map((s) => s.name);
  // the deployer's shell holds every secret (as it might, after `sst secret set` from a .env file)
  const SENTINEL = 'SECRET-VALUE-IN-DEPLOY-ENV';
  const deployEnv = {
    ...Object.fromEntries(secretNames.map((n) => [n, `${SENTINEL}-${n}`])),
    ...prod,
    VAULT_ADDR: 'https://vault.example.com',
    VAULT_AWS_ROLE: 'aurora-functions',
  };

  async function everyPlan(backend: 'vault' | 'aws-secrets-manager'): Promise<FunctionPlan[]> {
    const { routes } = await import('../../lib/http/routes.ts');
    const { kubectlAgentApi } = await import('../../lib/kubectl/ws-routes.ts');
    const asl = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../lib/gcp-setup/state-machine.asl.json'), 'utf8')) as unknown;
    const s = deploySettings({ ...deployEnv, SECRET_BACKEND: backend }, settingsList, 'production');
    return [
      ...planRoutes(routes, 'production', s),
      planFallback('production', s),
      ...aslPlaceholders(asl).map((step) => planStep(step, 'production', s)),
      ...SCHEDULED_JOBS.map((j) => planJob(j, 'production', s)),
      ...planWebSocketApi(kubectlAgentApi, 'production', s).functions,
      planAlertPublisher('production', s),
      planFailedExecutionConsumer('production', s),
    ];
  }

  for (const backend of ['vault', 'aws-secrets-manager'] as const) {
    it(`${backend}: no environment holds a secret value, a secret's token or a secret setting; secrets arrive as links`, async () => {
      const plans = await everyPlan(backend);
      expect(plans.length).toBeGreaterThan(50);
      for (const p of plans) {
        const env = JSON.stringify(p.environment);
        expect(env, p.name).not.toContain(SENTINEL);
        expect(Object.values(p.environment).flatMap(tokensIn).filter((t) => !/^(aws|table|workflow|api|web|executor|agents|alertBus)\./.test(t)), p.name).toEqual([]);
        for (const n of secretNames) expect(p.environment, `${p.name}: ${n}`).not.toHaveProperty(n);
        // links name SST Secrets only, for functions that handle credentials
        if (p.links.length) expect(p.capabilities, p.name).toContain('secrets');
      }
      const linked = new Set(plans.flatMap((p) => p.links));
      expect(linked).toContain('ClientSecret'); // CLIENT_SECRET, Google's OAuth client (lib/connectors/gcp/settings.ts)
      expect(linked).not.toContain('VaultToken');
      if (backend === 'vault') {
        const withSecrets = plans.filter((p) => p.capabilities.includes('secrets'));
        for (const p of withSecrets) expect(p.environment, p.name).toMatchObject({ VAULT_AUTH_METHOD: 'aws', VAULT_ADDR: 'https://vault.example.com', VAULT_AWS_ROLE: 'aurora-functions' });
      }
    });
  }

  it("the stacks never read a secret's .value (it would become a plain output in some resource)", () => {
    const dir = resolve(import.meta.dirname, '../../stacks');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text.match(/\.value\b/g), f).toBeNull();
    }
    const config = readFileSync(resolve(import.meta.dirname, '../../sst.config.ts'), 'utf8');
    expect(config).not.toMatch(/secrets\.values|\.value\b/);
  });

  it("every function role sits under the stage's IAM path, which a Vault AWS auth role can bind to", () => {
    expect(functionRolePath('aurora-connectors', 'production')).toBe('/aurora-connectors/production/');
    expect(() => functionRolePath('aurora-connectors', 'bad/stage')).toThrow(/Stage/);
    const stack = readFileSync(resolve(import.meta.dirname, '../../stacks/functions.ts'), 'utf8');
    expect(stack).toContain('args.path = functionRolePath($app.name, $app.stage)');
  });

  it('Vault deploys only with an https address and a Vault role for the functions; a static token is never forwarded', () => {
    const vaultEnv = { ...prod, SECRET_BACKEND: 'vault' };
    expect(() => deploySettings(vaultEnv, settingsList, 'dev')).toThrow(/VAULT_ADDR/);
    expect(() => deploySettings({ ...vaultEnv, VAULT_ADDR: 'http://vault.example.com' }, settingsList, 'dev')).toThrow(/VAULT_ADDR/);
    expect(() => deploySettings({ ...vaultEnv, VAULT_ADDR: 'https://vault.example.com' }, settingsList, 'dev')).toThrow(/VAULT_AWS_ROLE/);
    const s = deploySettings({ ...vaultEnv, VAULT_ADDR: 'https://vault.example.com', VAULT_AWS_ROLE: 'r', VAULT_TOKEN: 'hvs.do-not-deploy' }, settingsList, 'dev');
    expect(JSON.stringify(s)).not.toContain('hvs.do-not-deploy');
    expect(s.appSecrets).not.toHaveProperty('VAULT_TOKEN');
  });
});

describe('workflows never stay stuck', () => {
  const asl = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../lib/gcp-setup/state-machine.asl.json'), 'utf8')) as unknown;
  // what AWS advises every Lambda Task to retry (Step Functions "Handling errors: Lambda service exceptions")
  const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.ClientExecutionTimeoutException'];

  function tasks(node: unknown, name = '', out: Array<{ name: string; state: Record<string, unknown> }> = []) {
    if (Array.isArray(node)) node.forEach((n) => tasks(n, name, out));
    else if (node && typeof node === 'object') {
      const rec = node as Record<string, unknown>;
      if (rec.Type === 'Task') out.push({ name, state: rec });
      for (const [k, v] of Object.entries(rec)) tasks(v, k, out);
    }
    return out;
  }

  it('every Lambda Task retries the Lambda service errors, ClientExecutionTimeoutException included', () => {
    const all = tasks(asl);
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const t of all) {
      const retries = (t.state.Retry ?? []) as Array<{ ErrorEquals: string[] }>;
      // States.ALL (RecordFailure's) covers them all; a Retry naming Lambda errors must name all four
      const lambdaRetries = retries.filter((r) => r.ErrorEquals.some((e) => e.startsWith('Lambda.') || e === 'States.ALL'));
      expect(lambdaRetries.length, `${t.name}: no Retry for Lambda's own errors`).toBeGreaterThan(0);
      for (const r of lambdaRetries.filter((x) => !x.ErrorEquals.includes('States.ALL'))) for (const e of LAMBDA_SERVICE_ERRORS) expect(r.ErrorEquals, `${t.name}`).toContain(e);
    }
  });

  it("the failed-execution consumer touches the table and its queue only; its alarms and the queue's alarm notify the topic", () => {
    const p = planFailedExecutionConsumer('production', deploySettings({}, allSettings()));
    expect(p.handlerFile).toBe(FAILED_EXECUTIONS_CONSUMER.handler);
    expect(p.capabilities).toEqual(['table']);
    expect(p.links).toEqual([]);
    const services = new Set(p.permissions.flatMap((s) => s.actions.map((a) => a.split(':')[0])));
    expect([...services].sort()).toEqual(['dynamodb', 'sqs']);
    expect(p.permissions.find((s) => s.actions[0].startsWith('sqs:'))).toEqual({ actions: [...SQS_CONSUME_ACTIONS], resources: [WORKFLOW_TOKENS.failedQueueArn] });
    expect(FAILED_EXECUTIONS_MAPPING.functionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(FAILED_QUEUE_VISIBILITY_SECONDS).toBeGreaterThanOrEqual(p.timeout * 6);
    const alarms = planWorkflowAlarms('aurora-connectors-production');
    expect(alarms.map((a) => a.name)).toEqual(['GcpSetupFailedAlarm', 'GcpSetupUnprocessedAlarm']);
    for (const a of alarms) expect(a.alarmActions).toEqual([ALARM_TOKENS.topicArn]);
    expect(() => planFunction({ ...routeLike, id: 'gcpSetup.failedExecutions' }, 'production')).toThrow(/reserved/);
  });
});

describe('scheduled work retries on purpose', () => {
  it('the job function sets its own async retries (none), drops stale invocations, sends failures to the alarm topic and alarms on errors', () => {
    for (const job of SCHEDULED_JOBS) {
      const invoke = planJobInvoke(job);
      expect(invoke.maximumRetryAttempts, job.name).toBe(0);
      expect(invoke.maximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(invoke.onFailureDestination).toBe(ALARM_TOKENS.topicArn);
      expect(invoke.destinationPermission).toEqual({ actions: ['sns:Publish'], resources: [ALARM_TOKENS.topicArn] });
      const alarm = planJobAlarm(job, '{{job.functionName}}');
      expect(alarm).toMatchObject({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: '{{job.functionName}}' }, alarmActions: [ALARM_TOKENS.topicArn] });
    }
    expect(() => planJobInvoke({ ...SCHEDULED_JOBS[0], asyncRetries: 3 as 0 })).toThrow(/0, 1 or 2/);
  });

  it('ALARM_EMAIL subscribes addresses, and refuses what is not one', () => {
    expect(alarmSubscriptions({})).toEqual([]);
    expect(alarmSubscriptions({ ALARM_EMAIL: 'ops@example.com, oncall@example.com' })).toEqual([
      { protocol: 'email', endpoint: 'ops@example.com' },
      { protocol: 'email', endpoint: 'oncall@example.com' },
    ]);
    expect(() => alarmSubscriptions({ ALARM_EMAIL: 'ops' })).toThrow(/ALARM_EMAIL/);
  });
});
