import { resolve } from 'node:path';
import { QueryCommand } from '../../lib/db/dynamodb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { routes } from '../../lib/http/routes.ts';
import type { RouteDef } from '../../lib/http/route-types.ts';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import { SCALEWAY_FIXTURES } from '../../lib/connectors/scaleway/simulator.ts';
import { TAILSCALE_FIXTURES } from '../../lib/connectors/tailscale/simulator.ts';
import { AZURE_SIM } from '../../lib/connectors/azure/simulator.ts';
import { DATADOG_FIXTURES } from '../../lib/connectors/datadog/simulator.ts';
import { PAGERDUTY_FIXTURES } from '../../lib/connectors/pagerduty/simulator.ts';
import { CONFLUENCE_FIXTURES, type ConfluenceSimulator } from '../../lib/connectors/confluence/simulator.ts';
import { GRAFANA_FIXTURES } from '../../lib/connectors/grafana/simulator.ts';
import { NETDATA_FIXTURES } from '../../lib/connectors/netdata/simulator.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * The isolation matrix: user A connects every provider and leaves a setup task, an SSH key and a
 * pending confirmation behind; then user B calls every user route of the table, aimed at A's
 * objects wherever a route takes an id. Each pair must answer 404 where it names A's object, show
 * B none of A's identifiers, and leave every item of A's partition and every secret of A as it was.
 */
const A = 'iso-alice';
const B = 'iso-bob';
let rt: TestRuntime;
const ids: { mcpTokenId?: string; slackTeam?: string; githubAccount?: string; alertId?: string; datadogOrg?: string; pagerdutyAccount?: string; confluenceAccount?: string; webhookId?: string; webhookSecret?: string; scalewayOrg?: string; tailnet?: string; azureSub?: string; awsAccount?: string; gcpEmail?: string; ovhAccount?: string; taskId?: string; confirmationId?: string; rootProject?: string; clusterId?: string; agentTokenId?: string; grafanaAccount?: string; netdataSpace?: string } = {};

async function partition(userId: string) {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await deps().db.doc.send(new QueryCommand({ TableName: deps().db.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${userId}` }, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  // audit events are append-only records of what happened; B's actions must not add to A's
  return items.sort((x, y) => String(x.sk).localeCompare(String(y.sk)));
}

async function secretsOf(userId: string) {
  const refs = ((await deps().secrets.list?.()) ?? []).filter((r) => r.includes(`users/${userId}/`)).sort();
  const values: Record<string, unknown> = {};
  for (const ref of refs) values[ref] = (await deps().secrets.get(ref))?.reveal();
  return values;
}

async function snapshot() {
  return { items: await partition(A), secrets: await secretsOf(A) };
}

beforeAll(async () => {
  rt = await startTestRuntime({
    simulate: true,
    env: { CLOUD_TOOL_PATH: resolve('test/fixtures/fake-cli'), FEATURE_FLAG_OVH_ENABLED: 'true', FEATURE_FLAG_SLACK_ENABLED: 'true', GCP_LOCAL_WAIT_MS: '5', GCP_LOCAL_RETRY_MS: '5', GCP_ENABLE_POLL_INTERVAL_MS: '10' },
  });
  const post = (path: string, body: unknown) => rt.request('POST', path, { user: A, body });

  const scw = await post('/scaleway_api/scaleway/connect', { access_key: SCALEWAY_FIXTURES.validKey.accessKey, secret_key: SCALEWAY_FIXTURES.validKey.secretKey });
  expect(scw.status).toBe(200);
  ids.scalewayOrg = scw.body.organization_id;

  const ts = await post('/tailscale_api/tailscale/connect', { client_id: TAILSCALE_FIXTURES.client.clientId, client_secret: TAILSCALE_FIXTURES.client.clientSecret });
  expect(ts.status).toBe(200);
  ids.tailnet = ts.body.tailnet;
  expect((await rt.request('GET', '/tailscale_api/tailscale/ssh-setup', { user: A })).status).toBe(200);

  const az = await post('/azure/login', { tenant_id: AZURE_SIM.tenantId, client_id: AZURE_SIM.clientId, client_secret: AZURE_SIM.clientSecret });
  expect(az.status).toBe(200);
  ids.azureSub = az.body.subscription_id;

  const onb = await rt.request('GET', '/aws/onboarding', { user: A });
  const aws = await post('/aws/auth', { role_arn: 'arn:aws:iam::123456789012:role/AuroraRole', external_id: onb.body.external_id });
  expect(aws.status).toBe(200);
  ids.awsAccount = aws.body.account_id;

  const init = await post('/ovh_api/ovh/oauth2/initiate', { endpoint: 'ovh-eu' });
  expect(init.status).toBe(200);
  const consent = await fetch(init.body.authorizationUrl, { redirect: 'manual' });
  const cb = new URL(consent.headers.get('location')!);
  // the callback comes from the browser that initiated (it carries the binding cookie)
  expect((await rt.request('GET', `${cb.pathname}${cb.search}`, { user: null })).status).toBe(302);

  ids.ovhAccount = (await rt.request('GET', '/api/user_connections', { user: A })).body.find((c: { provider: string }) => c.provider === 'ovh')?.account_id;

  const gcp = await connectGcp(rt.url, A, { timeoutMs: 60000, intervalMs: 20 });
  ids.taskId = gcp.taskId;
  ids.gcpEmail = (await rt.request('GET', '/api/user_connections', { user: A })).body.find((c: { provider: string }) => c.provider === 'gcp')?.account_id;
  ids.rootProject = (await rt.request('GET', '/api/gcp/root-project', { user: A })).body.root_project;

  const cluster = await post('/api/kubectl/tokens', { cluster_name: 'alice-cluster' });
  expect(cluster.status).toBe(200);
  ids.clusterId = cluster.body.cluster_id;
  ids.agentTokenId = cluster.body.token_id;

  const mcpToken = await post('/api/agent-tokens', { name: 'alice-agent' });
  expect(mcpToken.status).toBe(200);
  ids.mcpTokenId = mcpToken.body.id;

  // a tool with its webhook and an alert it delivered
  const dd = await post('/datadog/connect', { api_key: DATADOG_FIXTURES.us1.apiKey, app_key: DATADOG_FIXTURES.us1.appKey });
  expect(dd.status).toBe(200);
  ids.datadogOrg = dd.body.organization_id;
  const hook = await rt.request('GET', '/datadog/webhook-url', { user: A });
  ids.webhookId = hook.body.webhook_id;
  ids.webhookSecret = hook.body.secret;
  const now = String(Date.now());
  const delivered = await rt.request('POST', new URL(hook.body.url).pathname, { user: null, rawBody: JSON.stringify({ id: 'iso-1', title: 'A alert', date: now, last_updated: now }), headers: { 'content-type': 'application/json', 'x-aurora-webhook-secret': hook.body.secret } });
  expect(delivered.body.stored).toBe(1);
  ids.alertId = (await rt.request('GET', '/api/alerts', { user: A })).body.alerts[0].id;

  const pd = await post('/pagerduty', { api_token: PAGERDUTY_FIXTURES.token });
  expect(pd.status, pd.text).toBe(200);
  ids.pagerdutyAccount = pd.body.subdomain;
  expect((await post('/api/connectors/pagerduty/webhook', {})).status).toBe(200);
  const cfSim = rt.runtime.simulators.find((s) => s.name === 'confluence') as ConfluenceSimulator;
  const cf = await post('/confluence/connect', { authType: 'pat', baseUrl: cfSim.dcBaseUrl, patToken: CONFLUENCE_FIXTURES.pat });
  expect(cf.status, cf.text).toBe(200);
  ids.confluenceAccount = cf.body.base_url;
  // an OAuth tool: GitHub, through its consent page and the starting browser's callback
  const gh = await post('/github/login', {});
  expect(gh.status).toBe(200);
  const ghBack = new URL((await fetch(gh.body.oauth_url, { redirect: 'manual' })).headers.get('location')!);
  expect((await rt.request('GET', `${ghBack.pathname}${ghBack.search}`, { user: null })).status).toBe(302);
  ids.githubAccount = (await rt.request('GET', '/api/user_connections', { user: A })).body.find((c: { provider: string }) => c.provider === 'github')?.account_id;
  expect(ids.githubAccount).toBeDefined();
  const sl = await post('/slack', {});
  expect(sl.status).toBe(200);
  const slBack = new URL((await fetch(sl.body.oauth_url, { redirect: 'manual' })).headers.get('location')!);
  expect((await rt.request('GET', `${slBack.pathname}${slBack.search}`, { user: null })).status).toBe(302);
  ids.slackTeam = (await rt.request('GET', '/api/user_connections', { user: A })).body.find((c: { provider: string }) => c.provider === 'slack')?.account_id;
  expect(ids.slackTeam).toBeDefined();
  const gf = await post('/grafana/connect', { api_token: GRAFANA_FIXTURES.cloud.editorToken, base_url: GRAFANA_FIXTURES.cloud.url });
  expect(gf.status).toBe(200);
  ids.grafanaAccount = (await rt.request('GET', '/api/user_connections', { user: A })).body.find((c: { provider: string }) => c.provider === 'grafana')?.account_id;
  const nd = await post('/netdata/connect', { api_token: NETDATA_FIXTURES.single.token });
  expect(nd.status).toBe(200);
  ids.netdataSpace = nd.body.space_id;

  const conf = await post('/api/cloud_tool', { provider: 'scaleway', command: `scw instance server terminate ${SCALEWAY_FIXTURES.projects[0].id}`, mode: 'agent' });
  expect(conf.body.requires_confirmation, conf.text).toBe(true);
  ids.confirmationId = conf.body.confirmation_id;
}, 120000);

afterAll(async () => rt.close());

/** B's request for a route: aimed at A's objects wherever the route takes an id. */
function requestsFor(r: RouteDef): Array<{ path: string; body?: unknown; expect404?: boolean }> {
  const path = r.paths[0];
  const body = (b: unknown) => (r.request.body ? b : undefined);
  switch (r.id) {
    case 'gcp.setupStatus':
      return [{ path: path.replace('{task_id}', ids.taskId!), expect404: true }];
    case 'cloudTool.cancelConfirmation':
    case 'cloudTool.approveConfirmation':
      return [{ path: path.replace('{id}', ids.confirmationId!), expect404: true }];
    case 'kubectl.revokeConnection':
      return [{ path: path.replace('{cluster_id}', ids.clusterId!), expect404: true }];
    case 'kubectl.rotateToken':
      return [{ path: path.replace('{token_id}', ids.agentTokenId!), body: {}, expect404: true }];
    case 'agentTokens.revoke':
      return [{ path: path.replace('{id}', ids.mcpTokenId!), expect404: true }];
    case 'agentTokens.create':
      return [{ path, body: { name: 'alice-agent' } }];
    case 'kubectl.createToken':
      return [{ path, body: { cluster_name: 'alice-cluster' } }];
    case 'connections.providerDisconnect':
      return [
        ...([['scaleway', ids.scalewayOrg], ['tailscale', ids.tailnet], ['azure', ids.azureSub], ['aws', ids.awsAccount], ['gcp', ids.gcpEmail], ['kubernetes', ids.clusterId], ['datadog', ids.datadogOrg], ['pagerduty', ids.pagerdutyAccount], ['confluence', ids.confluenceAccount], ['github', ids.githubAccount], ['slack', ids.slackTeam], ['grafana', ids.grafanaAccount], ['netdata', ids.netdataSpace]] as const).map(([p, acct]) => ({ path: path.replace('{provider}', p), body: { account_id: acct }, expect404: true })),
        ...['scaleway', 'tailscale', 'azure', 'aws', 'gcp', 'ovh', 'kubernetes', 'datadog', 'pagerduty', 'confluence', 'github', 'slack', 'grafana', 'netdata'].map((p) => ({ path: path.replace('{provider}', p), body: {} })),
      ];
    case 'connections.markDisconnected':
      return [
        { path, body: { provider: 'scaleway', account_id: ids.scalewayOrg }, expect404: true },
        { path, body: { provider: 'azure', account_id: ids.azureSub }, expect404: true },
        { path, body: { provider: 'kubernetes', account_id: ids.clusterId }, expect404: true },
      ];
    case 'oauth.start':
      return ['gcp', 'ovh', 'confluence', 'github', 'slack'].map((p) => ({ path: path.replace('{provider}', p) }));
    case 'gcp.postAuthRetry':
      return [{ path, body: { selected_project_ids: [ids.rootProject] } }];
    case 'gcp.setRootProject':
      return [{ path, body: { project_id: ids.rootProject } }];
    case 'cloudTool.run':
      return [
        { path, body: { provider: 'scaleway', command: `scw instance server terminate ${SCALEWAY_FIXTURES.projects[0].id}`, confirmation_id: ids.confirmationId, mode: 'agent' } },
        { path, body: { provider: 'kubernetes', command: 'kubectl get pods -A', cluster_id: ids.clusterId } },
        { path, body: { command: 'kubectl get pods -A', cluster_id: ids.clusterId } },
      ];
    case 'connections.putPreference':
      return [{ path, body: { provider_preference: ['aws'] } }];
    case 'pagerduty.rotateToken':
      return [{ path, body: { api_token: PAGERDUTY_FIXTURES.token2 }, expect404: true }, { path, body: { api_token: PAGERDUTY_FIXTURES.token2, account_id: ids.pagerdutyAccount }, expect404: true }];
    case 'ovh.initiate':
      return [{ path, body: { endpoint: 'ovh-eu' } }];
    case 'connectors.catalogue':
      return [{ path }];
    case 'alerts.get':
      return [{ path: path.replace('{alert_id}', ids.alertId!), expect404: true }];
    case 'proxy.get':
      // B has no connection of these tools: nothing of A's answers
      return ['/api/proxy/datadog/api/v1/monitor', '/api/proxy/grafana/api/org', `/api/proxy/netdata/api/v2/spaces/${ids.netdataSpace}/nodes`].map((p) => ({ path: p, expect404: true }));
    case 'proxy.post':
      // read-only POSTs, so Ask mode lets them through to the connection lookup
      return ['/api/proxy/datadog/api/v2/logs/events/search', '/api/proxy/grafana/api/ds/query'].map((p) => ({ path: p, body: {}, expect404: true }));
    case 'alerts.list':
      return [{ path }, { path: `${path}?connector=datadog` }];
    default: {
      // a connector's webhook setup and creation, aimed at A's connection
      const hook = /^(\w+)\.(webhookSetup|webhookCreate)$/.exec(r.id);
      const hookAccount = hook ? accountOf[hook[1]]?.() : undefined;
      if (hook && hookAccount) {
        return hook[2] === 'webhookSetup'
          ? [{ path, expect404: true }, { path: `${path}?account_id=${encodeURIComponent(hookAccount)}`, expect404: true }]
          : [{ path, body: {}, expect404: true }, { path, body: { account_id: hookAccount }, expect404: true }];
      }
      // every connector's generic routes, aimed at A's account of that connector
      const generic = /^(\w+)\.(status|reconnect)$/.exec(r.id);
      const account = generic ? accountOf[generic[1]]?.() : undefined;
      if (generic && account) {
        return generic[2] === 'status'
          ? [{ path }, { path: `${path}?account_id=${encodeURIComponent(account)}`, expect404: true }]
          : [{ path, body: { account_id: account }, expect404: true }];
      }
      return [{ path, body: body({}) }];
    }
  }
}

const accountOf: Record<string, () => string | undefined> = {
  scaleway: () => ids.scalewayOrg,
  tailscale: () => ids.tailnet,
  azure: () => ids.azureSub,
  aws: () => ids.awsAccount,
  gcp: () => ids.gcpEmail,
  ovh: () => ids.ovhAccount,
  datadog: () => ids.datadogOrg,
  pagerduty: () => ids.pagerdutyAccount,
  confluence: () => ids.confluenceAccount,
  github: () => ids.githubAccount,
  slack: () => ids.slackTeam,
  grafana: () => ids.grafanaAccount,
  netdata: () => ids.netdataSpace,
};

describe('isolation matrix: user B against user A', () => {
  it('every user route: 404 for A’s ids, none of A’s identifiers shown, A’s data unchanged', async () => {
    const before = await snapshot();
    expect(before.items.length).toBeGreaterThan(8);
    expect(Object.keys(before.secrets).length).toBeGreaterThanOrEqual(6);
    const aIdentifiers = [ids.taskId, ids.confirmationId, ids.gcpEmail, ids.azureSub, ids.clusterId, ids.agentTokenId, ids.mcpTokenId, ids.webhookId, ids.webhookSecret, ids.alertId].filter((v): v is string => !!v && v.length > 6);
    const userRoutes = routes.filter((r) => r.auth === 'user');
    // Reads first (nothing of B's exists yet, so nothing of A's may appear), then everything else.
    const ordered = [...userRoutes.filter((r) => r.method === 'GET'), ...userRoutes.filter((r) => r.method !== 'GET')];
    let pairs = 0;
    const failures: string[] = [];
    for (const r of ordered) {
      for (const req of requestsFor(r)) {
        pairs++;
        const res = await rt.request(r.method, req.path, { user: B, body: req.body });
        const label = `${r.id} ${r.method} ${req.path}`;
        if (res.status >= 500) failures.push(`${label}: ${res.status}`);
        if (req.expect404 && res.status !== 404) failures.push(`${label}: expected 404, got ${res.status}`);
        if (r.method === 'GET') for (const id of aIdentifiers) if (res.text.includes(id)) failures.push(`${label}: shows A's ${id}`);
        const after = await snapshot();
        if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${label}: changed A's data`);
      }
    }
    console.log(`isolation: ${pairs} user-B requests over ${userRoutes.length} user routes against user A's objects`);
    expect(failures).toEqual([]);
    expect(pairs).toBeGreaterThan(userRoutes.length);
  });
});
