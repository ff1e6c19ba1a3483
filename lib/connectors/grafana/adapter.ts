import type { Config } from '../../config.ts';
import { ProviderAuthError, ProviderUnavailableError, ValidationError } from '../../errors.ts';
import { isProviderFault, providerFetch, type ProviderResponse } from '../../provider-http.ts';
import type { SecretValue } from '../../secret-value.ts';
import { grafana, type GrafanaLocation } from './definition.ts';

/**
 * The API base of a Grafana location: a Cloud stack through GRAFANA_CLOUD_URL_TEMPLATE (so a proxy
 * or the simulator can stand in for *.grafana.net), a self-hosted URL as given, https only unless its
 * host is in GRAFANA_ALLOW_HTTP_HOSTS (the token must not cross the network in clear).
 */
export function grafanaBase(cfg: Config['grafana'], loc: GrafanaLocation): string {
  if (loc.stack) return cfg.cloudUrlTemplate.replace('{stack}', loc.stack);
  const u = new URL(loc.url);
  const allowed = cfg.allowHttpHosts.includes(u.host.toLowerCase());
  if (u.protocol === 'http:' && !allowed) throw new ValidationError(grafana.messages.plainHttp(u.host), 'base_url');
  // a user's URL must not aim the service (and the token) at the machine it runs on or at the
  // cloud's metadata addresses; private networks stay reachable (self-hosted Grafana lives there)
  if (!allowed && isLocalHost(u.hostname)) throw new ValidationError(grafana.messages.localHost(u.hostname), 'base_url');
  return loc.url;
}

function isLocalHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === 'metadata.google.internal' || h === 'metadata') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  if (v4) return v4[1] === '127' || v4[1] === '0' || (v4[1] === '169' && v4[2] === '254') || (v4[1] === '100' && v4[2] === '100');
  return h === '::' || h === '::1' || /^fe[89ab][0-9a-f]:/.test(h) || /^::ffff:(127|0|169\.254)\./.test(h) || h.startsWith('fd00:ec2::');
}

/** A webhook contact point as the provisioning API takes and returns it. */
export interface ContactPoint {
  uid?: string;
  name: string;
  type: 'webhook';
  settings: Record<string, unknown>;
  disableResolveMessage?: boolean;
}

/**
 * The Grafana calls we make, over providerFetch (timeouts; reads and idempotent writes retried on
 * 429/5xx) with the token as a bearer; it never appears in an error message. Grafana answers 401 to
 * a token it does not know (or a disabled service account) and 403 to one whose role falls short.
 */
export function grafanaApi(cfg: Config['grafana'], loc: GrafanaLocation, token: SecretValue<string>) {
  const base = grafanaBase(cfg, loc);
  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ProviderResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${token.reveal()}`, accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      // a contact point we provision stays editable in Grafana's UI
      headers['x-disable-provenance'] = 'true';
    }
    const r = await providerFetch('Grafana', base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' }, { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts, idempotent: method !== 'POST' });
    if (isProviderFault(r.status)) throw new ProviderUnavailableError(`Grafana at ${loc.name} is unavailable (HTTP ${r.status})`);
    return r;
  }
  const unexpected = (r: ProviderResponse, what: string) => new ProviderUnavailableError(`Grafana at ${loc.name} answered HTTP ${r.status} to ${what}`, { status: 502 });
  const forbidden = () => new ProviderAuthError(grafana.messages.contactPointForbidden, { status: 403, code: 'contact_point_forbidden' });

  return {
    /** GET /api/org: the token's organisation (any role may read it) */
    async org(): Promise<{ id: number; name: string }> {
      const r = await call('GET', grafana.paths.org);
      if (r.status === 401 || r.status === 403) throw new ProviderAuthError(grafana.messages.tokenRejected(loc.name), { status: 401, code: 'invalid_token', field: 'api_token' });
      if (r.status !== 200) throw new ProviderUnavailableError(grafana.messages.notGrafana(loc.name), { status: 502 });
      let doc: { id?: unknown; name?: unknown };
      try {
        doc = JSON.parse(r.text) as typeof doc;
      } catch {
        throw new ProviderUnavailableError(grafana.messages.notGrafana(loc.name), { status: 502 });
      }
      if (typeof doc?.id !== 'number' || typeof doc.name !== 'string') throw new ProviderUnavailableError(grafana.messages.notGrafana(loc.name), { status: 502 });
      return { id: doc.id, name: doc.name };
    },

    /** Create the contact point, or bring the one of that uid up to date. */
    async putContactPoint(cp: ContactPoint & { uid: string }): Promise<ContactPoint> {
      let r = await call('PUT', grafana.paths.contactPoint(cp.uid), cp);
      if (r.status === 404) r = await call('POST', grafana.paths.contactPoints, cp);
      if (r.status === 403) throw forbidden();
      if (r.status !== 200 && r.status !== 202) throw unexpected(r, 'the contact point creation');
      return r.json<ContactPoint>();
    },

    /** Remove it (already gone is fine). */
    async deleteContactPoint(uid: string): Promise<void> {
      const r = await call('DELETE', grafana.paths.contactPoint(uid));
      if (r.status === 200 || r.status === 202 || r.status === 204 || r.status === 404) return;
      if (r.status === 403) throw forbidden();
      throw unexpected(r, 'the contact point deletion');
    },
  };
}
