import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { entries, mapOf, simStateFile } from '../../local/sim-kit.ts';
import { defaultGoogleFixture, OWNER_PERMISSIONS, ROLE_PERMISSIONS, SIM_CLIENT, type GoogleFixture, type SimProjectFixture } from './simulator-fixture.ts';

export { defaultGoogleFixture, simProjects, SIM_CLIENT, type GoogleFixture, type SimProjectFixture } from './simulator-fixture.ts';

/**
 * Simulated Google: OAuth consent (approves at once), token (authorization_code with PKCE S256,
 * refresh_token, revocation), OpenID userinfo, Cloud Resource Manager v1/v3 (projects list/search
 * paginated, IAM policy get/set with etags, testIamPermissions), Cloud Billing billingInfo, Service
 * Usage batchEnable with long-running operations, IAM service accounts and their policies, and IAM
 * Credentials generateAccessToken, which fails until the token-creator grant has "propagated", and
 * Org Policy v2 policies on projects (get/patch/create, with the spec etag).
 * Every API has its own 127.0.0.1 origin, as each has its own host at Google, and speaks Google's wire format.
 */

interface Binding {
  role: string;
  members: string[];
  condition?: unknown;
}
interface Policy {
  version: number;
  etag: string;
  bindings: Binding[];
}
/** Two VMs per project, as Compute Engine lists them (the fields `gcloud compute instances list` shows). */
function simInstances(projectId: string, number: string, base: string) {
  const zone = 'europe-west1-b';
  return [
    { name: 'web-1', status: 'RUNNING', machineType: 'e2-small' },
    { name: 'db-1', status: 'TERMINATED', machineType: 'e2-standard-2' },
  ].map((v, i) => ({
    kind: 'compute#instance',
    id: String(BigInt(number) * 10n + BigInt(i + 1)),
    name: v.name,
    status: v.status,
    zone: `${base}/projects/${projectId}/zones/${zone}`,
    machineType: `${base}/projects/${projectId}/zones/${zone}/machineTypes/${v.machineType}`,
    selfLink: `${base}/projects/${projectId}/zones/${zone}/instances/${v.name}`,
    creationTimestamp: '2024-03-01T10:00:00.000-00:00',
    networkInterfaces: [{ name: 'nic0', network: `${base}/projects/${projectId}/global/networks/default`, networkIP: `10.132.0.${i + 2}` }],
    disks: [{ boot: true, deviceName: v.name, autoDelete: true }],
  }));
}

interface ProjectState {
  fixture: SimProjectFixture;
  number: string;
  policy: Policy;
  services: Set<string>;
}
interface ServiceAccount {
  email: string;
  projectId: string;
  uniqueId: string;
  displayName: string;
  description: string;
  policy: Policy;
}
interface TokenInfo {
  principal: string;
  expiresAt: number;
  revoked: boolean;
  refreshToken?: string;
}
interface OrgPolicy {
  name: string;
  spec: { etag: string; updateTime: string; rules?: unknown[]; inheritFromParent?: boolean; reset?: boolean };
}
interface Fault {
  path?: RegExp;
  method?: string;
  status: number;
  remaining: number;
  body?: unknown;
}

export interface GoogleSimulator extends RunningSimulator {
  url: string;
  fixture: GoogleFixture;
  /** back to the default fixture, with no tokens, accounts, policies, faults or counts */
  reset(fixture?: Partial<GoogleFixture>): void;
  /** change knobs of the current fixture (latency, delays, projects, consent...) */
  configure(patch: Partial<GoogleFixture>): void;
  /** the next `times` calls matching path (and method) answer `status` */
  fail(opts: { path?: RegExp; method?: string; status: number; times?: number; body?: unknown }): void;
  /** the next `times` project setIamPolicy calls find someone else changed the policy first */
  conflictNext(times: number): void;
  /** revoke every refresh token (as the user would in their Google account settings) */
  revokeAll(): void;
  /** every issued access token expires now */
  expireAccessTokens(): void;
  /** calls by API method, and the total (OAuth included) */
  counts(): Record<string, number> & { total: number; api: number };
  resetCounts(): void;
  /** every token string the simulator ever issued (resets included), for leak scans */
  issuedSecrets(): string[];
  projectPolicy(projectId: string): Policy | undefined;
  serviceAccount(email: string): ServiceAccount | undefined;
  enabledServices(projectId: string): string[];
  /** every org policy set through the Org Policy API (projects and anything else), by name */
  orgPolicies(): OrgPolicy[];
  /** a policy the project already has (set by the organisation's admins before we came) */
  presetOrgPolicy(projectId: string, constraint: string, spec: Omit<OrgPolicy['spec'], 'etag' | 'updateTime'>): void;
  /** every API call (OAuth included) in order, as host + method + path; cleared with the counts */
  calls(): Array<{ host: string; method: string; path: string }>;
  /** bindings someone else added during conflictNext */
  readonly foreignMember: string;
  /**
   * Resolves once `counts()[name]` has reached `n`: lets a test act on what the service has done
   * (an event) instead of on how much time has passed.
   */
  whenCount(name: string, n: number): Promise<void>;
  /** every IAM grant made so far takes effect now, whatever the propagation delay */
  propagateNow(): void;
  /**
   * Calls matching path (and method) that arrive from now on wait, in the call log but unanswered, until
   * release; `reached` resolves when the first arrives. release() answers them as usual, or with
   * `status` when given. A reset releases every hold.
   */
  hold(opts: { path: RegExp; method?: string }): { reached: Promise<void>; release(status?: number): void };
}

export function isGoogleSimulator(s: RunningSimulator): s is GoogleSimulator {
  return s.name === 'google';
}

const FOREIGN_MEMBER = 'user:someone-else@example.com';

/** What survives a restart on the same data dir: everything Google would remember (not faults, counts or the call log). */
interface GoogleState {
  projects: Array<[string, { number: string; policy: Policy; services: string[] }]>;
  serviceAccounts: Array<[string, ServiceAccount]>;
  codes: Array<[string, { clientId: string; redirectUri: string; challenge: string; scope: string; email: string; expiresAt: number; used: boolean }]>;
  refreshTokens: Array<[string, { email: string; clientId: string; revoked: boolean; scope: string }]>;
  accessTokens: Array<[string, TokenInfo]>;
  grantTimes: Array<[string, number]>;
  orgPolicies: Array<[string, OrgPolicy]>;
  issued: string[];
  etagSeq: number;
  opSeq: number;
}

export const startGoogleSimulator: SimulatorStarter = async (opts) => {
  let fixture = defaultGoogleFixture();
  if (opts.latencyMs) fixture.latencyMs = opts.latencyMs;
  let projects = new Map<string, ProjectState>();
  let serviceAccounts = new Map<string, ServiceAccount>();
  let codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; scope: string; email: string; expiresAt: number; used: boolean }>();
  let refreshTokens = new Map<string, { email: string; clientId: string; revoked: boolean; scope: string }>();
  let accessTokens = new Map<string, TokenInfo>();
  let operations = new Map<string, { project: string; services: string[]; doneAt: number; error?: { code: number; message: string } }>();
  /** when each (resource, role, member) grant was made: grants work once propagation has passed */
  let grantTimes = new Map<string, number>();
  let faults: Fault[] = [];
  let conflicts = 0;
  let counts: Record<string, number> = {};
  let callLog: Array<{ host: string; method: string; path: string }> = [];
  let countWaiters: Array<{ name: string; n: number; ok: () => void }> = [];
  type Hold = { path: RegExp; method?: string; arrived: () => void; released: Promise<number | undefined> };
  let holds: Hold[] = [];
  let releaseHolds: Array<() => void> = [];
  let orgPolicies = new Map<string, OrgPolicy>();
  let issued: string[] = [];
  let etagSeq = 1;
  let opSeq = 1;

  const newEtag = () => Buffer.from(`etag-${etagSeq++}`).toString('base64');
  const syncProjects = () => {
    const next = new Map<string, ProjectState>();
    fixture.projects.forEach((p, i) => {
      const existing = projects.get(p.projectId);
      next.set(p.projectId, existing ? { ...existing, fixture: p } : { fixture: p, number: String(100000000000 + i * 7919), policy: { version: 1, etag: newEtag(), bindings: [{ role: 'roles/owner', members: [`user:${fixture.account.email}`] }] }, services: new Set() });
    });
    projects = next;
  };
  const resetAll = (patch: Partial<GoogleFixture> = {}) => {
    fixture = { ...defaultGoogleFixture(), ...patch };
    projects = new Map();
    serviceAccounts = new Map();
    codes = new Map();
    refreshTokens = new Map();
    accessTokens = new Map();
    operations = new Map();
    grantTimes = new Map();
    faults = [];
    conflicts = 0;
    for (const r of releaseHolds) r();
    holds = [];
    releaseHolds = [];
    countWaiters = [];
    counts = {};
    callLog = [];
    orgPolicies = new Map();
    // `issued` survives resets: leak scans need every token ever handed out
    syncProjects();
  };
  syncProjects();

  const store = simStateFile<GoogleState>(opts.stateDir, 'google');
  const saved = store.load();
  if (saved) {
    for (const [id, p] of saved.projects) {
      const current = projects.get(id);
      if (current) projects.set(id, { ...current, number: p.number, policy: p.policy, services: new Set(p.services) });
    }
    serviceAccounts = mapOf(saved.serviceAccounts);
    codes = mapOf(saved.codes);
    refreshTokens = mapOf(saved.refreshTokens);
    accessTokens = mapOf(saved.accessTokens);
    grantTimes = mapOf(saved.grantTimes);
    orgPolicies = mapOf(saved.orgPolicies);
    issued = saved.issued;
    etagSeq = saved.etagSeq;
    opSeq = saved.opSeq;
  }
  const persist = () => {
    if (!opts.stateDir) return;
    const now = Date.now();
    for (const [k, c] of codes) if (c.used || c.expiresAt < now) codes.delete(k);
    for (const [k, a] of accessTokens) if (a.expiresAt < now) accessTokens.delete(k);
    store.save({
      projects: [...projects].map(([id, p]) => [id, { number: p.number, policy: p.policy, services: [...p.services] }]),
      serviceAccounts: entries(serviceAccounts),
      codes: entries(codes),
      refreshTokens: entries(refreshTokens),
      accessTokens: entries(accessTokens),
      grantTimes: entries(grantTimes),
      orgPolicies: entries(orgPolicies),
      issued,
      etagSeq,
      opSeq,
    });
  };

  const token = (prefix: string) => {
    const t = `${prefix}${randomBytes(24).toString('base64url')}`;
    issued.push(t);
    return t;
  };
  const count = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
    if (countWaiters.length === 0) return;
    const reached = countWaiters.filter((w) => (counts[w.name] ?? 0) >= w.n);
    countWaiters = countWaiters.filter((w) => !reached.includes(w));
    for (const w of reached) w.ok();
  };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const STATUS_NAMES: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };
  const gError = (res: ServerResponse, code: number, message: string, status = STATUS_NAMES[code] ?? 'UNKNOWN') => send(res, code, { error: { code, message, status } });
  const oauthError = (res: ServerResponse, code: number, error: string, description: string, extra: Record<string, string> = {}) => send(res, code, { error, error_description: description, ...extra });

  const propagationFor = (projectId: string) => fixture.propagationByProject[projectId] ?? fixture.propagationMs;
  const grantKey = (resource: string, role: string, member: string) => `${resource}|${role}|${member}`;
  const effectiveRoles = (resource: string, policy: Policy, member: string, delayMs: number): string[] => {
    const now = Date.now();
    return policy.bindings.filter((b) => b.members.includes(member) && (grantTimes.get(grantKey(resource, b.role, member)) ?? 0) + delayMs <= now).map((b) => b.role);
  };
  const recordGrants = (resource: string, before: Policy, after: Policy) => {
    const now = Date.now();
    for (const b of after.bindings) {
      for (const m of b.members) {
        const had = before.bindings.some((x) => x.role === b.role && x.members.includes(m));
        if (!had) grantTimes.set(grantKey(resource, b.role, m), now);
      }
    }
  };

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  const json = (text: string): Record<string, any> => {
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      return {};
    }
  };

  function caller(req: IncomingMessage): TokenInfo | undefined {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const info = m ? accessTokens.get(m[1]) : undefined;
    if (!info || info.revoked || info.expiresAt <= Date.now()) return undefined;
    return info;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, host: string) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = `/${host}${url.pathname}`;
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (fixture.latencyMs) await sleep(fixture.latencyMs);
    if (res.destroyed) return;
    counts.total = (counts.total ?? 0) + 1;
    callLog.push({ host, method, path: url.pathname });
    // a long `npm start -- --simulate` session must not grow without bound
    if (callLog.length > 20000) callLog.splice(0, callLog.length - 20000);
    if (!path.startsWith('/oauth/') && !path.startsWith('/openidconnect/')) counts.api = (counts.api ?? 0) + 1;

    const held = holds.find((h) => h.path.test(path) && (!h.method || h.method === method));
    if (held) {
      held.arrived();
      const status = await held.released;
      if (res.destroyed) return;
      if (status) return gError(res, status, 'Simulated fault');
    }

    const fault = faults.find((f) => f.remaining > 0 && (!f.path || f.path.test(path)) && (!f.method || f.method === method));
    if (fault) {
      fault.remaining--;
      count(`fault.${fault.status}`);
      return send(res, fault.status, fault.body ?? { error: { code: fault.status, message: 'Simulated fault', status: STATUS_NAMES[fault.status] ?? 'UNKNOWN' } });
    }
    if (fixture.faultRate > 0 && !path.startsWith('/oauth/') && Math.random() < fixture.faultRate) {
      count(`fault.${fixture.faultStatus}`);
      return gError(res, fixture.faultStatus, 'Simulated random fault');
    }

    // ---- OAuth 2.0 ----
    if (method === 'GET' && path === '/oauth/o/oauth2/v2/auth') {
      count('oauth.consent');
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri');
      if (q.get('client_id') !== SIM_CLIENT.id || !redirectUri) return send(res, 400, { error: 'invalid_request', error_description: 'Missing or unknown client_id / redirect_uri' });
      const back = new URL(redirectUri);
      const state = q.get('state');
      if (state !== null) back.searchParams.set('state', state);
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        back.searchParams.set('error', 'invalid_request');
        return send(res, 302, '', { location: back.toString() });
      }
      if (fixture.consent === 'deny') {
        back.searchParams.set('error', 'access_denied');
        return send(res, 302, '', { location: back.toString() });
      }
      const code = token('4/0Sim');
      codes.set(code, { clientId: SIM_CLIENT.id, redirectUri, challenge: q.get('code_challenge')!, scope: q.get('scope') ?? '', email: fixture.account.email, expiresAt: Date.now() + 600_000, used: false });
      back.searchParams.set('code', code);
      back.searchParams.set('scope', q.get('scope') ?? '');
      return send(res, 302, '', { location: back.toString() });
    }
    if (method === 'POST' && path === '/oauth/token') {
      const form = new URLSearchParams(body);
      const grant = form.get('grant_type');
      count(`oauth.token.${grant}`);
      if (form.get('client_id') !== SIM_CLIENT.id || form.get('client_secret') !== SIM_CLIENT.secret) return oauthError(res, 401, 'invalid_client', 'The OAuth client was not found.');
      if (grant === 'authorization_code') {
        const c = codes.get(form.get('code') ?? '');
        if (!c || c.used || c.expiresAt < Date.now()) return oauthError(res, 400, 'invalid_grant', 'Malformed auth code.');
        c.used = true;
        if (c.redirectUri !== form.get('redirect_uri')) return oauthError(res, 400, 'redirect_uri_mismatch', 'Bad Request');
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== c.challenge) return oauthError(res, 400, 'invalid_grant', 'Invalid code verifier.');
        const refresh = token('1//0Sim');
        refreshTokens.set(refresh, { email: c.email, clientId: c.clientId, revoked: false, scope: c.scope });
        const access = token('ya29.Sim');
        accessTokens.set(access, { principal: `user:${c.email}`, expiresAt: Date.now() + fixture.accessTokenTtlSeconds * 1000, revoked: false, refreshToken: refresh });
        const idToken = token('eyJhbGciOiJub25lIn0.');
        return send(res, 200, { access_token: access, expires_in: fixture.accessTokenTtlSeconds, refresh_token: refresh, scope: c.scope, token_type: 'Bearer', id_token: idToken });
      }
      if (grant === 'refresh_token') {
        const rt = form.get('refresh_token') ?? '';
        const r = refreshTokens.get(rt);
        if (!r || r.revoked) return oauthError(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
        if (fixture.requireReauth) return oauthError(res, 400, 'invalid_grant', 'reauth related error (invalid_rapt)', { error_subtype: 'invalid_rapt' });
        const access = token('ya29.Sim');
        accessTokens.set(access, { principal: `user:${r.email}`, expiresAt: Date.now() + fixture.accessTokenTtlSeconds * 1000, revoked: false, refreshToken: rt });
        const out: Record<string, unknown> = { access_token: access, expires_in: fixture.accessTokenTtlSeconds, scope: r.scope, token_type: 'Bearer' };
        if (fixture.rotateRefreshTokens) {
          const next = token('1//0Sim');
          refreshTokens.set(next, { ...r });
          r.revoked = true;
          out.refresh_token = next;
        }
        return send(res, 200, out);
      }
      return oauthError(res, 400, 'unsupported_grant_type', 'Invalid grant_type');
    }
    if (method === 'POST' && path === '/oauth/revoke') {
      count('oauth.revoke');
      const t = new URLSearchParams(body).get('token') ?? url.searchParams.get('token') ?? '';
      const r = refreshTokens.get(t);
      const a = accessTokens.get(t);
      if (!r && !a) return oauthError(res, 400, 'invalid_token', 'Token expired or revoked');
      const rt = r ? t : a!.refreshToken;
      if (rt && refreshTokens.has(rt)) refreshTokens.get(rt)!.revoked = true;
      for (const info of accessTokens.values()) if (info.refreshToken === rt || info === a) info.revoked = true;
      return send(res, 200, {});
    }
    if (method === 'GET' && path === '/openidconnect/v1/userinfo') {
      count('userinfo');
      const who = caller(req);
      if (!who || !who.principal.startsWith('user:')) return send(res, 401, { error: 'invalid_request', error_description: 'Invalid Credentials' });
      const email = who.principal.slice(5);
      return send(res, 200, { sub: fixture.account.email === email ? fixture.account.sub : createHash('sha256').update(email).digest('hex').slice(0, 21), email, email_verified: true });
    }

    // ---- Google APIs: every call needs a valid bearer token ----
    const who = caller(req);
    if (!who) return gError(res, 401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    const isUser = who.principal === `user:${fixture.account.email}`;
    const project = (id: string) => {
      const p = projects.get(id) ?? [...projects.values()].find((x) => x.number === id);
      return p && p.fixture.state !== 'DELETE_REQUESTED' ? p : undefined;
    };
    const userCan = (p: ProjectState, perm: string) => isUser && (p.fixture.userPermissions ?? OWNER_PERMISSIONS).includes(perm);
    const denied = (perm: string, resource: string) => gError(res, 403, `Permission '${perm}' denied on resource '${resource}' (or it may not exist).`);
    let m: RegExpExecArray | null;

    /** What the caller may do on a project, from the roles it holds there once propagated. */
    function heldPermissions(projectId: string): string[] {
      const p = project(projectId);
      if (!p) return [];
      if (isUser) return p.fixture.userPermissions ?? OWNER_PERMISSIONS;
      return effectiveRoles(`projects/${p.fixture.projectId}`, p.policy, who!.principal, propagationFor(p.fixture.projectId)).flatMap((r) => ROLE_PERMISSIONS[r] ?? ['resourcemanager.projects.get']);
    }

    // Compute Engine: the instance lists the walkthrough reads (every billed project has two VMs).
    if (method === 'GET' && (m = /^\/compute\/compute\/v1\/projects\/([^/]+)\/(aggregated\/instances|zones\/([^/]+)\/instances)$/.exec(path))) {
      const [, id, kind, zone] = m;
      count(kind.startsWith('aggregated') ? 'compute.instances.aggregatedList' : 'compute.instances.list');
      const p = project(id);
      if (!p || !heldPermissions(id).includes('compute.instances.list')) return denied('compute.instances.list', `projects/${id}`);
      if (!p.fixture.billing) return gError(res, 403, `Compute Engine API has not been used in project ${p.number} before or it is disabled.`);
      const all = simInstances(p.fixture.projectId, p.number, `http://${req.headers.host ?? "127.0.0.1"}/compute/v1`);
      if (zone) return send(res, 200, { kind: 'compute#instanceList', id: `projects/${id}/zones/${zone}/instances`, items: all.filter((i) => i.zone.endsWith(`/zones/${zone}`)) });
      const items: Record<string, { instances?: unknown[]; warning?: unknown }> = {};
      for (const i of all) (items[`zones/${i.zone.split('/').pop()}`] ??= { instances: [] }).instances!.push(i);
      return send(res, 200, { kind: 'compute#instanceAggregatedList', id: `projects/${id}/aggregated/instances`, items });
    }

    // Cloud Resource Manager
    if (method === 'GET' && (path === '/crm/v3/projects:search' || path === '/crm/v1/projects')) {
      const v3 = path.startsWith('/crm/v3');
      count(v3 ? 'crm.projects.search' : 'crm.projects.list');
      // A service account sees the projects where it holds a role (what cloud_tool's gcloud runs as).
      const visible = isUser ? fixture.projects : fixture.projects.filter((p) => heldPermissions(p.projectId).length > 0);
      const size = Math.min(fixture.pageSize, Number(url.searchParams.get('pageSize') ?? fixture.pageSize) || fixture.pageSize);
      const start = Number(url.searchParams.get('pageToken') ? Buffer.from(url.searchParams.get('pageToken')!, 'base64url').toString() : 0) || 0;
      const page = visible.slice(start, start + size).map((p) => {
        const st = projects.get(p.projectId)!;
        return v3
          ? { name: `projects/${st.number}`, projectId: p.projectId, displayName: p.name, state: p.state ?? 'ACTIVE', parent: 'organizations/123456789012' }
          : { projectNumber: st.number, projectId: p.projectId, name: p.name, lifecycleState: p.state ?? 'ACTIVE', parent: { type: 'organization', id: '123456789012' } };
      });
      const next = start + size < visible.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
      return send(res, 200, { projects: page, ...(next ? { nextPageToken: next } : {}) });
    }
    if (method === 'POST' && (m = /^\/crm\/(v1|v3)\/projects\/([^/:]+):(getIamPolicy|setIamPolicy|testIamPermissions)$/.exec(path))) {
      const [, , id, verb] = m;
      count(`crm.projects.${verb}`);
      const p = project(id);
      const resource = `projects/${id}`;
      const b = json(body);
      if (verb === 'testIamPermissions') {
        if (!p) return send(res, 200, {});
        const asked: string[] = b.permissions ?? [];
        let held: string[];
        if (isUser) held = p.fixture.userPermissions ?? OWNER_PERMISSIONS;
        else held = effectiveRoles(`projects/${p.fixture.projectId}`, p.policy, who.principal, propagationFor(p.fixture.projectId)).flatMap((r) => ROLE_PERMISSIONS[r] ?? ['resourcemanager.projects.get']);
        const granted = asked.filter((x) => held.includes(x));
        return send(res, 200, granted.length ? { permissions: granted } : {});
      }
      if (!p) return denied(`resourcemanager.projects.${verb}`, resource);
      if (verb === 'getIamPolicy') {
        if (!userCan(p, 'resourcemanager.projects.getIamPolicy')) return denied('resourcemanager.projects.getIamPolicy', resource);
        return send(res, 200, p.policy);
      }
      if (!userCan(p, 'resourcemanager.projects.setIamPolicy')) return denied('resourcemanager.projects.setIamPolicy', resource);
      if (conflicts > 0) {
        conflicts--;
        count('crm.projects.concurrentChange');
        const before = structuredClone(p.policy);
        p.policy.bindings.push({ role: 'roles/browser', members: [FOREIGN_MEMBER] });
        p.policy.etag = newEtag();
        recordGrants(`projects/${p.fixture.projectId}`, before, p.policy);
      }
      const incoming = b.policy as Policy | undefined;
      if (!incoming || !Array.isArray(incoming.bindings)) return gError(res, 400, 'Request contains an invalid argument.');
      if (incoming.etag && incoming.etag !== p.policy.etag) return gError(res, 409, 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.', 'ABORTED');
      const before = p.policy;
      p.policy = { version: incoming.version ?? 1, bindings: structuredClone(incoming.bindings), etag: newEtag() };
      recordGrants(`projects/${p.fixture.projectId}`, before, p.policy);
      return send(res, 200, p.policy);
    }

    // Cloud Billing
    if (method === 'GET' && (m = /^\/billing\/v1\/projects\/([^/]+)\/billingInfo$/.exec(path))) {
      count('billing.projects.getBillingInfo');
      const p = project(m[1]);
      if (!p || !isUser) return denied('resourcemanager.projects.get', `projects/${m[1]}`);
      return send(res, 200, { name: `projects/${m[1]}/billingInfo`, projectId: m[1], billingAccountName: p.fixture.billing ? 'billingAccounts/012345-6789AB-CDEF01' : '', billingEnabled: p.fixture.billing });
    }

    // Service Usage
    if (method === 'POST' && (m = /^\/serviceusage\/v1\/projects\/([^/]+)\/services:batchEnable$/.exec(path))) {
      count('serviceusage.services.batchEnable');
      const p = project(m[1]);
      if (!p || !userCan(p, 'serviceusage.services.enable')) return denied('serviceusage.services.enable', `projects/${m[1]}`);
      const ids: string[] = json(body).serviceIds ?? [];
      if (ids.length === 0 || ids.length > 20) return gError(res, 400, `Request contains an invalid argument: between 1 and 20 services per batch (got ${ids.length}).`);
      if (!p.fixture.billing) return gError(res, 400, `Billing must be enabled for activation of service(s) in project '${m[1]}' to proceed.`, 'FAILED_PRECONDITION');
      const name = `operations/acat.p2-${p.number}-${(opSeq++).toString(16).padStart(8, '0')}`;
      operations.set(name, { project: p.fixture.projectId, services: ids, doneAt: Date.now() + fixture.operationDelayMs, error: fixture.operationError });
      return send(res, 200, { name, metadata: { '@type': 'type.googleapis.com/google.protobuf.Empty' } });
    }
    if (method === 'GET' && (m = /^\/serviceusage\/v1\/(operations\/[^/]+)$/.exec(path))) {
      count('serviceusage.operations.get');
      const op = operations.get(m[1]);
      if (!op) return gError(res, 404, `Operation '${m[1]}' not found.`);
      if (Date.now() < op.doneAt) return send(res, 200, { name: m[1], metadata: { '@type': 'type.googleapis.com/google.protobuf.Empty' } });
      if (op.error) return send(res, 200, { name: m[1], done: true, error: op.error });
      const p = projects.get(op.project);
      for (const s of op.services) p?.services.add(s);
      return send(res, 200, {
        name: m[1],
        done: true,
        response: { '@type': 'type.googleapis.com/google.api.serviceusage.v1.BatchEnableServicesResponse', services: op.services.map((s) => ({ name: `projects/${p?.number}/services/${s}`, config: { name: s }, state: 'ENABLED', parent: `projects/${p?.number}` })) },
      });
    }

    // IAM service accounts
    if ((m = /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts$/.exec(path)) && method === 'POST') {
      count('iam.serviceAccounts.create');
      const p = project(m[1]);
      if (!p || !userCan(p, 'iam.serviceAccounts.create')) return denied('iam.serviceAccounts.create', `projects/${m[1]}`);
      if (!p.services.has('iam.googleapis.com')) return gError(res, 403, `Identity and Access Management (IAM) API has not been used in project ${p.number} before or it is disabled.`, 'PERMISSION_DENIED');
      const b = json(body);
      const accountId: string = b.accountId ?? '';
      if (!/^[a-z]([-a-z0-9]*[a-z0-9])$/.test(accountId) || accountId.length < 6 || accountId.length > 30) return gError(res, 400, 'Invalid account id');
      const email = `${accountId}@${p.fixture.projectId}.iam.gserviceaccount.com`;
      if (serviceAccounts.has(email)) return gError(res, 409, `Service account ${accountId} already exists within project projects/${p.fixture.projectId}.`, 'ALREADY_EXISTS');
      const sa: ServiceAccount = { email, projectId: p.fixture.projectId, uniqueId: String(100000000000000000000n + BigInt(serviceAccounts.size + 1)), displayName: b.serviceAccount?.displayName ?? '', description: b.serviceAccount?.description ?? '', policy: { version: 1, etag: 'ACAB', bindings: [] } };
      serviceAccounts.set(email, sa);
      return send(res, 200, saView(sa));
    }
    if ((m = /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+)(?::(getIamPolicy|setIamPolicy))?$/.exec(path))) {
      const verb = m[3] ?? 'get';
      count(`iam.serviceAccounts.${verb}`);
      const email = decodeURIComponent(m[2]);
      const sa = serviceAccounts.get(email);
      const p = sa ? project(sa.projectId) : undefined;
      if (!sa || !p || !isUser) return verb === 'get' ? gError(res, 404, `Unknown service account`) : denied(`iam.serviceAccounts.${verb}`, `projects/-/serviceAccounts/${email}`);
      if (verb === 'get' && method === 'GET') return send(res, 200, saView(sa));
      if (verb === 'getIamPolicy' && method === 'POST') return send(res, 200, sa.policy);
      if (verb === 'setIamPolicy' && method === 'POST') {
        const incoming = json(body).policy as Policy | undefined;
        if (!incoming || !Array.isArray(incoming.bindings)) return gError(res, 400, 'Request contains an invalid argument.');
        if (incoming.etag && incoming.etag !== sa.policy.etag) return gError(res, 409, 'There were concurrent policy changes.', 'ABORTED');
        const before = sa.policy;
        sa.policy = { version: 1, bindings: structuredClone(incoming.bindings), etag: newEtag() };
        recordGrants(`sa/${email}`, before, sa.policy);
        return send(res, 200, sa.policy);
      }
    }

    // IAM Credentials
    if (method === 'POST' && (m = /^\/iamcredentials\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(path))) {
      count('iamcredentials.generateAccessToken');
      const email = decodeURIComponent(m[1]);
      const sa = serviceAccounts.get(email);
      const resource = `projects/-/serviceAccounts/${email}`;
      if (!sa) return denied('iam.serviceAccounts.getAccessToken', resource);
      const roles = effectiveRoles(`sa/${email}`, sa.policy, who.principal, propagationFor(sa.projectId));
      if (!roles.includes('roles/iam.serviceAccountTokenCreator')) return denied('iam.serviceAccounts.getAccessToken', resource);
      const b = json(body);
      const lifetime = Math.min(3600, Number(String(b.lifetime ?? '3600s').replace(/s$/, '')) || 3600);
      const access = token('ya29.c.SimSa');
      const expiresAt = Date.now() + lifetime * 1000;
      accessTokens.set(access, { principal: `serviceAccount:${email}`, expiresAt, revoked: false });
      return send(res, 200, { accessToken: access, expireTime: new Date(expiresAt).toISOString() });
    }

    // Org Policy v2, on projects only (what the service may touch); organisation and folder
    // policies are not served, and any call to them shows in the call log.
    if ((m = /^\/orgpolicy\/v2\/projects\/([^/]+)\/policies(?:\/([^/:]+))?$/.exec(path))) {
      const [, id, constraint] = m;
      const verb = constraint ? (method === 'GET' ? 'get' : method === 'PATCH' ? 'patch' : '') : method === 'POST' ? 'create' : '';
      if (!verb) return gError(res, 404, `The requested URL ${path} was not found on this server.`);
      count(`orgpolicy.policies.${verb}`);
      const p = project(id);
      const perm = verb === 'get' ? 'orgpolicy.policy.get' : 'orgpolicy.policy.set';
      if (!p || !isUser || fixture.orgPolicyDenied.includes(p.fixture.projectId)) return denied(perm, `projects/${id}`);
      const b = json(body);
      // the policy's name must be on the project of the URL (by id or number); kept by project id
      const given = /^projects\/([^/]+)\/policies\/([a-z]+\.[A-Za-z]+)$/.exec(constraint ? `projects/${id}/policies/${constraint}` : String(b.name ?? ''));
      if (!given || (given[1] !== p.fixture.projectId && given[1] !== p.number) || (constraint && b.name !== undefined && String(b.name).split('/').pop() !== constraint)) return gError(res, 400, 'Request contains an invalid argument: policy name.');
      const name = `projects/${p.fixture.projectId}/policies/${given[2]}`;
      const current = orgPolicies.get(name);
      if (verb === 'get') return current ? send(res, 200, current) : gError(res, 404, 'Requested entity was not found.');
      if (verb === 'patch' && !current) return gError(res, 404, 'Requested entity was not found.');
      if (verb === 'create' && current) return gError(res, 409, 'Requested entity already exists', 'ALREADY_EXISTS');
      if (verb === 'patch' && b.spec?.etag && b.spec.etag !== current!.spec.etag) return gError(res, 409, 'The etag does not match the current policy.', 'ABORTED');
      const spec = (b.spec ?? {}) as Record<string, unknown>;
      const next: OrgPolicy = { name, spec: { ...spec, etag: newEtag(), updateTime: new Date().toISOString() } };
      orgPolicies.set(name, next);
      return send(res, 200, next);
    }

    return gError(res, 404, `The requested URL ${path} was not found on this server.`);
  }

  const saView = (sa: ServiceAccount) => ({
    name: `projects/${sa.projectId}/serviceAccounts/${sa.email}`,
    projectId: sa.projectId,
    uniqueId: sa.uniqueId,
    email: sa.email,
    displayName: sa.displayName,
    description: sa.description,
    oauth2ClientId: sa.uniqueId,
  });

  // One server per Google host: each API's root URL is a setting of its own (googleCall appends
  // the API's path to it), and each gets an origin of its own, as it has at Google.
  const HOSTS = ['oauth', 'openidconnect', 'crm', 'billing', 'serviceusage', 'iam', 'iamcredentials', 'orgpolicy', 'compute'] as const;
  const servers = await Promise.all(
    HOSTS.map(async (host) => {
      const server = createServer((req, res) => {
        handle(req, res, host)
          .catch(() => {
            if (!res.headersSent) gError(res, 500, 'Internal error encountered.');
          })
          .finally(persist);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      return { host, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }),
  );
  const at = (host: (typeof HOSTS)[number]) => servers.find((s) => s.host === host)!.url;
  const url = at('oauth');

  const sim: GoogleSimulator = {
    name: 'google',
    url,
    get fixture() {
      return fixture;
    },
    env: {
      CLIENT_ID: SIM_CLIENT.id,
      CLIENT_SECRET: SIM_CLIENT.secret,
      GOOGLE_OAUTH_AUTH_URL: `${at('oauth')}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${at('oauth')}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${at('oauth')}/revoke`,
      GOOGLE_USERINFO_URL: `${at('openidconnect')}/v1/userinfo`,
      GCP_CRM_ROOT_URL: at('crm'),
      GCP_BILLING_ROOT_URL: at('billing'),
      GCP_SERVICEUSAGE_ROOT_URL: at('serviceusage'),
      GCP_IAM_ROOT_URL: at('iam'),
      GCP_IAMCREDENTIALS_ROOT_URL: at('iamcredentials'),
      GCP_ORGPOLICY_ROOT_URL: at('orgpolicy'),
      // the real gcloud of cloud_tool runs talks to the same simulated APIs
      GCP_CLI_API_ENDPOINT_OVERRIDES: `cloudresourcemanager=${at('crm')}/,compute=${at('compute')}/compute/v1/`,
    },
    reset: (patch) => resetAll(patch),
    configure: (patch) => {
      fixture = { ...fixture, ...patch };
      if (patch.projects) syncProjects();
    },
    fail: (o) => faults.push({ path: o.path, method: o.method, status: o.status, remaining: o.times ?? 1, body: o.body }),
    conflictNext: (times) => {
      conflicts = times;
    },
    revokeAll: () => {
      for (const r of refreshTokens.values()) r.revoked = true;
      for (const a of accessTokens.values()) a.revoked = true;
    },
    expireAccessTokens: () => {
      for (const a of accessTokens.values()) a.expiresAt = Date.now() - 1;
    },
    counts: () => ({ total: 0, api: 0, ...counts }) as Record<string, number> & { total: number; api: number },
    resetCounts: () => {
      counts = {};
      callLog = [];
    },
    issuedSecrets: () => [...issued, SIM_CLIENT.secret],
    projectPolicy: (id) => projects.get(id)?.policy,
    serviceAccount: (email) => serviceAccounts.get(email),
    enabledServices: (id) => [...(projects.get(id)?.services ?? [])].sort(),
    orgPolicies: () => [...orgPolicies.values()].map((x) => structuredClone(x)),
    calls: () => callLog.map((c) => ({ ...c })),
    presetOrgPolicy: (projectId, constraint, spec) => {
      const name = `projects/${projectId}/policies/${constraint}`;
      orgPolicies.set(name, { name, spec: { ...structuredClone(spec), etag: newEtag(), updateTime: new Date().toISOString() } });
    },
    foreignMember: FOREIGN_MEMBER,
    whenCount: (name, n) =>
      (counts[name] ?? 0) >= n ? Promise.resolve() : new Promise<void>((ok) => countWaiters.push({ name, n, ok })),
    propagateNow: () => {
      for (const k of grantTimes.keys()) grantTimes.set(k, 0);
    },
    hold: (o) => {
      let arrived!: () => void;
      const reached = new Promise<void>((ok) => (arrived = ok));
      let release!: (status?: number) => void;
      const released = new Promise<number | undefined>((ok) => (release = ok));
      const h: Hold = { path: o.path, method: o.method, arrived, released };
      holds.push(h);
      releaseHolds.push(() => release());
      return {
        reached,
        release: (status) => {
          holds = holds.filter((x) => x !== h);
          release(status);
        },
      };
    },
    close: async () => {
      for (const r of releaseHolds) r();
      await Promise.all(
        servers.map(
          ({ server }) =>
            new Promise<void>((ok) => {
              server.closeAllConnections();
              server.close(() => ok());
            }),
        ),
      );
    },
  };
  return sim;
};
