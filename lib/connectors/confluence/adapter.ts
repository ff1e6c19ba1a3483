import type { Config } from '../../config.ts';
import { BadRequestError, ProviderAuthError, ProviderUnavailableError, ValidationError } from '../../errors.ts';
import { isProviderFault, providerFetch, type ProviderResponse } from '../../provider-http.ts';
import type { SecretValue } from '../../secret-value.ts';
import { confluence } from './definition.ts';

type Cfg = Config['confluence'];

export interface AtlassianSite {
  id: string;
  url: string;
  name: string;
  scopes: string[];
}

/**
 * A Data Center base URL as typed (https://confluence.example.com, …/confluence/), in the one form
 * we keep and call: scheme, host, port and context path, no trailing slash. https only (the PAT is
 * a bearer credential) unless CONFLUENCE_DC_ALLOW_HTTP; no user info, query or fragment, which
 * could smuggle a credential or change what the path means.
 */
export function dcBaseUrl(input: string, allowHttp: boolean): string {
  const v = input.trim();
  if (!URL.canParse(v)) throw new ValidationError('must be the URL of the Confluence Data Center instance, e.g. https://confluence.yourcompany.com', 'base_url');
  const u = new URL(v);
  if (u.protocol !== 'https:' && !(allowHttp && u.protocol === 'http:')) throw new ValidationError('must be an https:// URL', 'base_url');
  if (u.username || u.password || u.search || u.hash) throw new ValidationError('must not hold a user name, password, query or fragment', 'base_url');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

const unexpected = (r: ProviderResponse, what: string) => new ProviderUnavailableError(`Confluence answered HTTP ${r.status} to ${what}`, { status: 502 });

function cloudCall(cfg: Cfg, token: SecretValue<string>, path: string): Promise<ProviderResponse> {
  return providerFetch('Atlassian', cfg.apiUrl + path, { headers: { authorization: `Bearer ${token.reveal()}`, accept: 'application/json' } }, { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts });
}

/** GET /oauth/token/accessible-resources: the sites the grant reaches, those with Confluence scopes first. */
export async function accessibleResources(cfg: Cfg, token: SecretValue<string>): Promise<AtlassianSite[]> {
  const r = await cloudCall(cfg, token, confluence.paths.accessibleResources);
  if (r.status === 401 || r.status === 403) throw new ProviderAuthError(confluence.messages.expired, { status: 401, code: 'credentials_expired' });
  if (isProviderFault(r.status)) throw new ProviderUnavailableError(`Atlassian is unavailable (HTTP ${r.status})`);
  if (r.status !== 200) throw unexpected(r, 'accessible-resources');
  const list = r.json<unknown>();
  if (!Array.isArray(list)) throw new ProviderUnavailableError('Atlassian returned an unreadable accessible-resources list', { status: 502 });
  return list
    .filter((s): s is AtlassianSite => !!s && typeof s.id === 'string' && typeof s.url === 'string')
    .map((s) => ({ id: s.id, url: s.url, name: typeof s.name === 'string' ? s.name : s.url, scopes: Array.isArray(s.scopes) ? s.scopes.filter((x: unknown) => typeof x === 'string') : [] }));
}

/** The first site the grant may read Confluence on. */
export const confluenceSite = (sites: AtlassianSite[]) => sites.find((s) => s.scopes.some((x) => x.endsWith(':confluence') || x.endsWith('confluence-content')));

/** GET /ex/confluence/<cloud id>/wiki/rest/api/user/current: the user the token acts as, on that site. */
export async function cloudCurrentUser(cfg: Cfg, cloudId: string, token: SecretValue<string>): Promise<{ accountId: string; displayName: string }> {
  const r = await cloudCall(cfg, token, confluence.paths.cloudCurrentUser(cloudId));
  if (r.status === 401 || r.status === 403) throw new ProviderAuthError(confluence.messages.expired, { status: 401, code: 'credentials_expired' });
  if (r.status === 404) throw new ProviderAuthError(`${confluence.messages.expired}: the site is no longer reachable with this authorization`, { status: 401, code: 'credentials_expired' });
  if (isProviderFault(r.status)) throw new ProviderUnavailableError(`Confluence Cloud is unavailable (HTTP ${r.status})`);
  if (r.status !== 200) throw unexpected(r, 'the current-user lookup');
  const u = r.json<{ accountId?: string; displayName?: string; publicName?: string }>();
  return { accountId: u.accountId ?? '', displayName: u.displayName ?? u.publicName ?? '' };
}

/**
 * GET <base>/rest/api/user/current with the PAT as a bearer token. Redirects are not followed (a
 * redirect is not the REST API, and the credential must not travel on); a base that cannot be
 * reached or does not answer like Confluence is the user's to fix (400 naming base_url).
 */
export async function dcCurrentUser(cfg: Cfg, base: string, pat: SecretValue<string>, opts: { connecting: boolean }): Promise<{ username: string; displayName: string }> {
  let r: ProviderResponse;
  try {
    r = await providerFetch('Confluence', base + confluence.paths.dcCurrentUser, { redirect: 'manual', headers: { authorization: `Bearer ${pat.reveal()}`, accept: 'application/json' } }, { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts });
  } catch (e) {
    if (opts.connecting && e instanceof ProviderUnavailableError) throw new BadRequestError(confluence.messages.unreachable(base), { code: 'confluence_unreachable', field: 'base_url' });
    throw e;
  }
  if (r.status === 401 || r.status === 403) {
    throw opts.connecting ? new ProviderAuthError(confluence.messages.patRejected, { status: 401, code: 'invalid_pat', field: 'pat_token' }) : new ProviderAuthError(confluence.messages.expired, { status: 401, code: 'credentials_expired' });
  }
  if (isProviderFault(r.status)) throw new ProviderUnavailableError(`Confluence is unavailable (HTTP ${r.status})`);
  const u = r.status === 200 ? (() => { try { return JSON.parse(r.text) as { username?: string; displayName?: string; type?: string }; } catch { return null; } })() : null;
  // an anonymous answer means the PAT was not taken as a credential
  if (u && u.type === 'anonymous') throw opts.connecting ? new ProviderAuthError(confluence.messages.patRejected, { status: 401, code: 'invalid_pat', field: 'pat_token' }) : new ProviderAuthError(confluence.messages.expired, { status: 401, code: 'credentials_expired' });
  if (!u || typeof u.username !== 'string') {
    if (opts.connecting) throw new BadRequestError(confluence.messages.notConfluence(base), { code: 'not_confluence', field: 'base_url' });
    throw unexpected(r, 'the current-user lookup');
  }
  return { username: u.username, displayName: u.displayName ?? u.username };
}
