import type { Config } from '../../config.ts';
import { NotFoundError, ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch } from '../../provider-http.ts';
import { SecretValue } from '../../secret-value.ts';
import { missingScopesMessage, tailscale } from './definition.ts';

export interface MintedToken {
  token: SecretValue<string>;
  /** id of the API key behind the token, when its format shows it (revocation) */
  keyId?: string;
  expiresAt: number;
  /** granted scopes, when the token endpoint lists them */
  scopes?: string[];
}

export interface TailscaleDevice {
  id?: string;
  name?: string;
  hostname?: string;
}

type Cfg = Config['tailscale'];

const missingScopes = () =>
  new ProviderAuthError(missingScopesMessage(tailscale.requiredScopeNames), { status: 403, code: 'missing_scopes', extra: { missing_scopes: [...tailscale.requiredScopeNames] } });

function fault(status: number, cfg: Cfg, what: string): never {
  if (isProviderFault(status)) throw new ProviderUnavailableError(`Tailscale is unavailable (HTTP ${status} after ${cfg.attempts} attempts)`);
  throw new ProviderUnavailableError(`Tailscale answered HTTP ${status} to ${what}`, { status: 502 });
}

/**
 * OAuth client-credentials grant: the client secret buys a one-hour access token. The token is
 * handed back wrapped and never stored; only the client secret is kept. A refusal (400/401) means
 * the client id or secret is wrong.
 */
export async function mintToken(cfg: Cfg, clientId: string, clientSecret: SecretValue<string>, nowMs: number): Promise<MintedToken> {
  const r = await providerFetch(
    'Tailscale',
    cfg.apiUrl + tailscale.paths.token,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret.reveal(), grant_type: 'client_credentials' }).toString(),
    },
    { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts, idempotent: true },
  );
  if (r.status === 400 || r.status === 401) throw new ProviderAuthError(tailscale.messages.invalidCredentials, { status: 401, code: 'invalid_credentials' });
  if (r.status === 403) throw missingScopes();
  if (r.status !== 200) fault(r.status, cfg, 'the token request');
  const body = r.json<{ access_token?: string; expires_in?: number; scope?: string }>();
  if (typeof body.access_token !== 'string' || !body.access_token) throw new ProviderUnavailableError('Tailscale returned no access token', { status: 502 });
  const token = new SecretValue(body.access_token);
  return {
    token,
    keyId: tailscale.accessTokenKeyId.exec(body.access_token)?.[1],
    expiresAt: nowMs + (Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600) * 1000,
    scopes: typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : undefined,
  };
}

/** The token endpoint lists the granted scopes; catch a client that cannot read devices before calling. */
export function checkScopes(t: MintedToken): void {
  if (t.scopes && !t.scopes.some((s) => (tailscale.deviceReadScopes as readonly string[]).includes(s))) throw missingScopes();
}

export async function listDevices(cfg: Cfg, token: SecretValue<string>, tailnet: string): Promise<TailscaleDevice[]> {
  const r = await providerFetch(
    'Tailscale',
    cfg.apiUrl + tailscale.paths.devices(tailnet),
    { headers: { authorization: `Bearer ${token.reveal()}`, accept: 'application/json' } },
    { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts },
  );
  if (r.status === 401) throw new ProviderAuthError(tailscale.messages.invalidCredentials, { status: 401, code: 'invalid_credentials' });
  if (r.status === 403) throw missingScopes();
  if (r.status === 404) throw new NotFoundError(tailscale.messages.tailnetNotFound, { code: 'tailnet_not_found', field: 'tailnet' });
  if (r.status !== 200) fault(r.status, cfg, 'the device list');
  const devices = r.json<{ devices?: TailscaleDevice[] }>().devices;
  return Array.isArray(devices) ? devices : [];
}

/** Revoke one API key (access token) by id. An already gone key is fine. */
export async function revokeKey(cfg: Cfg, token: SecretValue<string>, tailnet: string, keyId: string): Promise<void> {
  const r = await providerFetch(
    'Tailscale',
    cfg.apiUrl + tailscale.paths.key(tailnet, keyId),
    { method: 'DELETE', headers: { authorization: `Bearer ${token.reveal()}` } },
    { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts, idempotent: true },
  );
  if (r.status === 200 || r.status === 204 || r.status === 404) return;
  if (r.status === 401 || r.status === 403) throw new ProviderAuthError(`Tailscale refused to revoke access token ${keyId} (HTTP ${r.status}); the client needs the auth_keys scope`, { status: 403 });
  fault(r.status, cfg, 'the key revocation');
}

/**
 * The tailnet's DNS name ("tailfe8c.ts.net"): every device's `name` is its MagicDNS FQDN
 * "<host>.<tailnet DNS name>", and it is the only tailnet-identifying field the API shows a client
 * that may read devices. (DNS preferences only hold {magicDNS: bool}.) Null with no devices.
 */
export function tailnetDnsName(devices: TailscaleDevice[]): string | null {
  const counts = new Map<string, number>();
  for (const d of devices) {
    const name = typeof d.name === 'string' ? d.name.replace(/\.$/, '') : '';
    const dot = name.indexOf('.');
    if (dot > 0 && dot < name.length - 1) counts.set(name.slice(dot + 1), (counts.get(name.slice(dot + 1)) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}
