import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeSelfSignedCert } from '../../local/self-signed.ts';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { hold as holdRequest } from '../../local/sim-kit.ts';

/**
 * Simulated Azure: Entra ID (the v2 token endpoint, client-credentials grant, with Entra's error
 * documents and AADSTS codes) and Azure Resource Manager (subscriptions list with nextLink paging,
 * one subscription).
 *
 * Entra is served over HTTPS with a certificate made at start, because the service refuses a
 * non-https authority (it posts the client secret there: AZURE_AUTHORITY_HOST in settings.ts) and
 * so that the path that trusts a configured CA stays tested; the starter hands the certificate to
 * the service as AZURE_AUTHORITY_CA_PEM (trusted for the authority only, entra.ts). ARM is plain
 * HTTP on another port (the service calls it with fetch, which needs no special trust).
 *
 * Fixture: one tenant; a service principal that sees one disabled and two enabled subscriptions
 * (the disabled one listed first, two per page so the list takes two pages), and another that sees
 * only a disabled one. The credentials are exported for tests and the README walkthrough.
 */
const TENANT = '7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const AZURE_SIM = {
  tenantId: TENANT,
  tenantDomain: 'aurorasim.onmicrosoft.com',
  clientId: '0b7e9a1c-2d3f-4e5a-8b6c-7d8e9f0a1b2c',
  clientSecret: 'sim8Q~AuroraSimulatorClientSecretValue.0001',
  subscriptions: {
    disabled: { subscriptionId: '5c0e1f2a-0000-4000-8000-0000000000d1', displayName: 'Legacy (disabled)', state: 'Disabled' },
    production: { subscriptionId: '5c0e1f2a-0000-4000-8000-000000000001', displayName: 'Azure Production', state: 'Enabled' },
    development: { subscriptionId: '5c0e1f2a-0000-4000-8000-000000000002', displayName: 'Azure Development', state: 'Enabled' },
  },
  /** a principal of the same tenant that only sees a disabled subscription */
  noEnabled: {
    clientId: '1c8f0b2d-3e4a-4f5b-9c7d-8e9f0a1b2c3d',
    clientSecret: 'sim8Q~AuroraSimulatorOnlyDisabledSecret.0002',
    subscription: { subscriptionId: '5c0e1f2a-0000-4000-8000-0000000000d2', displayName: 'Sandbox (disabled)', state: 'Disabled' },
  },
  /** a well-formed tenant that does not exist */
  unknownTenantId: 'deadbeef-0000-4000-8000-00000000dead',
  /** the audience the service asks for (the real ARM one, as in Azure) */
  armAudience: 'https://management.azure.com',
};

export interface AzureApp {
  tenantId: string;
  secret: string;
  subscriptionIds: string[];
}

export interface AzureFault {
  /** which endpoint fails (default: both) */
  target?: 'token' | 'arm';
  /** HTTP status (default 503); ignored with `timeout` */
  status?: number;
  /** answered instead of the error document: JSON, or a string as an HTML page */
  body?: unknown;
  /** a Retry-After header on the answer */
  retryAfter?: string;
  /** never answer (until the client gives up, `hangMs` passes or the simulator closes) */
  timeout?: boolean;
  /** how many more requests fail (default: until cleared) */
  remaining?: number;
}

export interface AzureSimControl {
  latencyMs: number;
  fault: AzureFault | null;
  hangMs: number;
  /** subscriptions per ARM page */
  pageSize: number;
  tenants: Set<string>;
  apps: Map<string, AzureApp>;
  subscriptions: Map<string, { subscriptionId: string; displayName: string; state: string; tenantId: string }>;
  /** method + path of every request (never headers or bodies) */
  requests: string[];
  /** every access token issued, for leak scans */
  issuedTokens(): string[];
  reset(): void;
}

export interface AzureSimulator extends RunningSimulator {
  authorityUrl: string;
  armUrl: string;
  certPem: string;
  control: AzureSimControl;
}

function fixtures(control: AzureSimControl): void {
  control.tenants = new Set([TENANT, AZURE_SIM.tenantDomain]);
  const subs = AZURE_SIM.subscriptions;
  control.subscriptions = new Map(
    [subs.disabled, subs.production, subs.development, AZURE_SIM.noEnabled.subscription].map((s) => [s.subscriptionId, { ...s, tenantId: TENANT }]),
  );
  control.apps = new Map([
    [AZURE_SIM.clientId, { tenantId: TENANT, secret: AZURE_SIM.clientSecret, subscriptionIds: [subs.disabled.subscriptionId, subs.production.subscriptionId, subs.development.subscriptionId] }],
    [AZURE_SIM.noEnabled.clientId, { tenantId: TENANT, secret: AZURE_SIM.noEnabled.clientSecret, subscriptionIds: [AZURE_SIM.noEnabled.subscription.subscriptionId] }],
  ]);
}

const stamp = () => new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function entraError(status: number, error: string, code: number, text: string) {
  const trace = randomUUID();
  const correlation = randomUUID();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${stamp()}`,
      error_codes: [code],
      timestamp: stamp(),
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

export const startAzureSimulator: SimulatorStarter = async (opts) => {
  const cert = makeSelfSignedCert({ commonName: 'aurora azure simulator' });
  const tokens = new Map<string, { clientId: string; tenantId: string; expiresAt: number }>();
  const control: AzureSimControl = {
    latencyMs: opts.latencyMs ?? 0,
    fault: null,
    hangMs: 30_000,
    pageSize: 2,
    tenants: new Set(),
    apps: new Map(),
    subscriptions: new Map(),
    requests: [],
    issuedTokens: () => [...tokens.keys()],
    reset() {
      control.latencyMs = opts.latencyMs ?? 0;
      control.fault = null;
      control.hangMs = 30_000;
      control.pageSize = 2;
      control.requests.length = 0;
      fixtures(control);
    },
  };
  fixtures(control);

  const closing = new AbortController();
  const hold = (res: ServerResponse) => holdRequest(res, control.hangMs, closing.signal);

  function faultFor(target: 'token' | 'arm'): AzureFault | null {
    const f = control.fault;
    if (!f || (f.target && f.target !== target)) return null;
    if (f.remaining !== undefined) {
      if (f.remaining <= 0) return null;
      f.remaining--;
    }
    return f;
  }

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Applies latency and faults; true when the request was answered (or dropped) already. */
  async function faulted(res: ServerResponse, target: 'token' | 'arm'): Promise<boolean> {
    if (control.latencyMs > 0) await sleep(control.latencyMs);
    const f = faultFor(target);
    if (!f) return false;
    if (f.timeout) {
      await hold(res);
      return true;
    }
    const status = f.status ?? 503;
    const headers: Record<string, string> = f.retryAfter ? { 'retry-after': f.retryAfter } : {};
    if (typeof f.body === 'string') {
      res.writeHead(status, { 'content-type': 'text/html', ...headers });
      res.end(f.body);
    } else if (f.body !== undefined) sendJson(res, status, f.body, headers);
    else if (target === 'arm') sendJson(res, status, { error: { code: status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } }, headers);
    else sendJson(res, status, { error: 'temporarily_unavailable', error_description: 'AADSTS50001: The service is temporarily unavailable.', error_codes: [50001] }, headers);
    return true;
  }

  // ---- Entra ID (HTTPS)
  let authorityUrl = '';
  async function entra(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', authorityUrl);
    const body = await readBody(req);
    control.requests.push(`${req.method} entra ${url.pathname}`);
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && req.method === 'POST') {
      if (await faulted(res, 'token')) return;
      const tenant = decodeURIComponent(token[1]);
      const form = new URLSearchParams(body);
      const fail = (e: ReturnType<typeof entraError>) => sendJson(res, e.status, e.body);
      // Entra reads the grant from a form body only (a JSON body is a missing grant_type)
      if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return fail(entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'."));
      if (!control.tenants.has(tenant)) return fail(entraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`));
      if (form.get('grant_type') !== 'client_credentials') return fail(entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.'));
      const clientId = form.get('client_id') ?? '';
      const app = control.apps.get(clientId);
      if (!app || (app.tenantId !== tenant && tenant !== AZURE_SIM.tenantDomain)) {
        return fail(entraError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`));
      }
      if (form.get('client_secret') !== app.secret) {
        return fail(entraError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`));
      }
      const scope = form.get('scope') ?? '';
      if (!scope.split(' ').includes(`${AZURE_SIM.armAudience}/.default`)) {
        return fail(entraError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`));
      }
      const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.sim.${randomBytes(32).toString('base64url')}`;
      tokens.set(accessToken, { clientId, tenantId: app.tenantId, expiresAt: Date.now() + 3599_000 });
      return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
    }
    sendJson(res, 404, { error: 'not_found', error_description: 'AADSTS900561: The endpoint only accepts POST requests.', error_codes: [900561] });
  }

  // ---- Azure Resource Manager (HTTP)
  let armUrl = '';
  async function arm(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', armUrl);
    await readBody(req);
    control.requests.push(`${req.method} arm ${url.pathname}`);
    if (await faulted(res, 'arm')) return;
    const armError = (status: number, code: string, message: string) => sendJson(res, status, { error: { code, message } }, status === 401 ? { 'www-authenticate': `Bearer authorization_uri="${authorityUrl}/${TENANT}", error="invalid_token"` } : {});
    const auth = req.headers.authorization ?? '';
    const t = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!t) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    const tok = tokens.get(t);
    if (!tok) return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (tok.expiresAt <= Date.now()) return armError(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.');
    if (!url.searchParams.get('api-version')) return armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    const app = control.apps.get(tok.clientId);
    const visible = (app?.subscriptionIds ?? []).map((id) => control.subscriptions.get(id)).filter((s): s is NonNullable<typeof s> => !!s);
    const view = (s: (typeof visible)[number]) => ({
      id: `/subscriptions/${s.subscriptionId}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: s.subscriptionId,
      tenantId: s.tenantId,
      displayName: s.displayName,
      state: s.state,
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    });
    if (req.method === 'GET' && url.pathname === '/subscriptions') {
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
      const page = visible.slice(skip, skip + control.pageSize);
      const next = skip + control.pageSize < visible.length ? `${armUrl}/subscriptions?api-version=${encodeURIComponent(url.searchParams.get('api-version')!)}&%24skiptoken=${skip + control.pageSize}` : undefined;
      return sendJson(res, 200, { value: page.map(view), count: { type: 'Total', value: visible.length }, ...(next ? { nextLink: next } : {}) });
    }
    const one = /^\/subscriptions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && one) {
      const id = decodeURIComponent(one[1]);
      const s = visible.find((v) => v.subscriptionId === id);
      if (!s) {
        if (control.subscriptions.has(id)) {
          return armError(403, 'AuthorizationFailed', `The client '${tok.clientId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read' over scope '/subscriptions/${id}'.`);
        }
        return armError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
      }
      return sendJson(res, 200, view(s));
    }
    armError(404, 'NotFound', `No route for ${req.method} ${url.pathname}`);
  }

  const entraServer = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    entra(req, res).catch(() => res.destroy());
  });
  const armServer = createHttpServer((req, res) => {
    arm(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((ok) => entraServer.listen(0, '127.0.0.1', ok));
  await new Promise<void>((ok) => armServer.listen(0, '127.0.0.1', ok));
  authorityUrl = `https://127.0.0.1:${(entraServer.address() as AddressInfo).port}`;
  armUrl = `http://127.0.0.1:${(armServer.address() as AddressInfo).port}`;

  const sim: AzureSimulator = {
    name: 'azure',
    authorityUrl,
    armUrl,
    certPem: cert.certPem,
    control,
    env: {
      AZURE_AUTHORITY_HOST: authorityUrl,
      AZURE_AUTHORITY_CA_PEM: cert.certPem,
      AZURE_RESOURCE_MANAGER_ENDPOINT: armUrl,
      AZURE_RESOURCE_MANAGER_AUDIENCE: AZURE_SIM.armAudience,
    },
    close: async () => {
      closing.abort();
      for (const s of [entraServer, armServer]) {
        s.closeAllConnections();
        await new Promise<void>((ok) => s.close(() => ok()));
      }
    },
  };
  return sim;
};
