import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { ApiCommandSet, ApiRunContext, ApiVerb } from '../kit/api-commands.ts';
import type { CommandClass } from '../../commands/engine.ts';
import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { providerFetch } from '../../provider-http.ts';
import { apiTailnetOf } from './credentials.ts';
import { tailscale } from './definition.ts';

/**
 * cloud_tool's `tailscale <noun> <verb>` commands, served from the Tailscale API v2 with a token
 * minted from the user's stored OAuth client (service.ts) for the connection's tailnet. The real
 * `tailscale` CLI is never run: it ignores API keys and drives the local tailscaled, so every
 * command would act on this machine rather than on the user's tailnet.
 *
 *   tailscale devices list [--fields=all]                   read
 *   tailscale devices get <device-id> [--fields=all]        read
 *   tailscale devices delete <device-id>                    destructive
 *   tailscale devices authorize <device-id> [--deauthorize] destructive (who may join the tailnet)
 *   tailscale devices tags <device-id> --tags=tag:a,tag:b   destructive (which ACL rules apply)
 *   tailscale keys list                                     read
 *   tailscale keys create [--reusable] [--ephemeral] [--preauthorized] [--tags=…] [--expiry=<seconds>] [--description=…]
 *                                                           sensitive (shows the new auth key once)
 *   tailscale keys delete <key-id>                          destructive
 *   tailscale acl get | validate --policy=<json> | set --policy=<json>   read | read | destructive
 *   tailscale dns nameservers|searchpaths|preferences get   read
 *   tailscale dns nameservers set --dns=1.1.1.1,8.8.8.8     write
 *   tailscale dns searchpaths set --searchpaths=a.example,b.example     write
 *   tailscale dns preferences set --magic-dns=true|false    write
 *   tailscale users list [--type=member|shared|all] [--role=…]          read
 */

type FlagKind = 'bool' | 'string' | 'list' | 'int' | 'json' | 'enum';
interface FlagDef {
  kind: FlagKind;
  required?: boolean;
  values?: readonly string[];
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** the policy file is sent as it is (HuJSON allowed), not re-encoded */
  rawBody?: string;
}

interface VerbDef {
  class: CommandClass;
  reason: string;
  /** names of the positional arguments, in order */
  positionals?: readonly string[];
  flags?: Readonly<Record<string, FlagDef>>;
  call(a: Record<string, unknown>, tailnet: string): Call;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TAG = /^tag:[A-Za-z0-9-]{1,60}$/;
const t = (tailnet: string) => `/api/v2/tailnet/${encodeURIComponent(tailnet)}`;
const dev = (id: unknown) => `/api/v2/device/${encodeURIComponent(String(id))}`;
const FIELDS = { fields: { kind: 'enum', values: ['default', 'all'] } } as const;

export const TAILSCALE_VERBS: Readonly<Record<string, VerbDef>> = {
  'devices list': { class: 'read', reason: 'lists the devices of the tailnet', flags: FIELDS, call: (a, tn) => ({ method: 'GET', path: `${t(tn)}/devices${a.fields ? `?fields=${a.fields}` : ''}` }) },
  'devices get': { class: 'read', reason: 'shows one device', positionals: ['device'], flags: FIELDS, call: (a) => ({ method: 'GET', path: `${dev(a.device)}?fields=${a.fields ?? 'all'}` }) },
  'devices delete': { class: 'destructive', reason: 'removes a device from the tailnet', positionals: ['device'], call: (a) => ({ method: 'DELETE', path: dev(a.device) }) },
  'devices authorize': {
    class: 'destructive',
    reason: 'changes whether a device may join the tailnet',
    positionals: ['device'],
    flags: { deauthorize: { kind: 'bool' } },
    call: (a) => ({ method: 'POST', path: `${dev(a.device)}/authorized`, body: { authorized: !a.deauthorize } }),
  },
  'devices tags': {
    class: 'destructive',
    reason: "replaces a device's tags, and so which ACL rules apply to it",
    positionals: ['device'],
    flags: { tags: { kind: 'list', required: true } },
    call: (a) => ({ method: 'POST', path: `${dev(a.device)}/tags`, body: { tags: a.tags } }),
  },
  'keys list': { class: 'read', reason: 'lists the auth and API keys of the tailnet (never their values)', call: (_a, tn) => ({ method: 'GET', path: `${t(tn)}/keys` }) },
  'keys create': {
    class: 'sensitive',
    reason: 'creates an auth key that lets a device join the tailnet, and shows it once',
    flags: { reusable: { kind: 'bool' }, ephemeral: { kind: 'bool' }, preauthorized: { kind: 'bool' }, tags: { kind: 'list' }, expiry: { kind: 'int' }, description: { kind: 'string' } },
    call: (a, tn) => ({
      method: 'POST',
      path: `${t(tn)}/keys`,
      body: {
        capabilities: { devices: { create: { reusable: !!a.reusable, ephemeral: !!a.ephemeral, preauthorized: !!a.preauthorized, tags: a.tags ?? [] } } },
        ...(a.expiry !== undefined ? { expirySeconds: a.expiry } : {}),
        ...(a.description !== undefined ? { description: a.description } : {}),
      },
    }),
  },
  'keys delete': { class: 'destructive', reason: 'revokes a key', positionals: ['key'], call: (a, tn) => ({ method: 'DELETE', path: `${t(tn)}/keys/${encodeURIComponent(String(a.key))}` }) },
  'acl get': { class: 'read', reason: 'shows the tailnet policy file', call: (_a, tn) => ({ method: 'GET', path: `${t(tn)}/acl` }) },
  'acl validate': { class: 'read', reason: 'checks a policy file without applying it', flags: { policy: { kind: 'json', required: true } }, call: (a, tn) => ({ method: 'POST', path: `${t(tn)}/acl/validate`, rawBody: String(a.policy) }) },
  'acl set': { class: 'destructive', reason: 'replaces the tailnet policy file (who may reach what)', flags: { policy: { kind: 'json', required: true } }, call: (a, tn) => ({ method: 'POST', path: `${t(tn)}/acl`, rawBody: String(a.policy) }) },
  'dns nameservers get': { class: 'read', reason: 'shows the DNS nameservers', call: (_a, tn) => ({ method: 'GET', path: `${t(tn)}/dns/nameservers` }) },
  'dns nameservers set': { class: 'write', reason: 'changes the DNS nameservers', flags: { dns: { kind: 'list', required: true } }, call: (a, tn) => ({ method: 'POST', path: `${t(tn)}/dns/nameservers`, body: { dns: a.dns } }) },
  'dns searchpaths get': { class: 'read', reason: 'shows the DNS search paths', call: (_a, tn) => ({ method: 'GET', path: `${t(tn)}/dns/searchpaths` }) },
  'dns searchpaths set': { class: 'write', reason: 'changes the DNS search paths', flags: { searchpaths: { kind: 'list', required: true } }, call: (a, tn) => ({ method: 'POST', path: `${t(tn)}/dns/searchpaths`, body: { searchPaths: a.searchpaths } }) },
  'dns preferences get': { class: 'read', reason: 'shows the DNS preferences (MagicDNS)', call: (_a, tn) => ({ method: 'GET', path: `${t(tn)}/dns/preferences` }) },
  'dns preferences set': {
    class: 'write',
    reason: 'turns MagicDNS on or off',
    flags: { 'magic-dns': { kind: 'enum', values: ['true', 'false'], required: true } },
    call: (a, tn) => ({ method: 'POST', path: `${t(tn)}/dns/preferences`, body: { magicDNS: a['magic-dns'] === 'true' } }),
  },
  'users list': {
    class: 'read',
    reason: 'lists the users of the tailnet',
    flags: { type: { kind: 'enum', values: ['member', 'shared', 'all'] }, role: { kind: 'enum', values: ['owner', 'member', 'admin', 'it-admin', 'network-admin', 'billing-admin', 'auditor', 'all'] } },
    call: (a, tn) => {
      const q = new URLSearchParams();
      if (a.type) q.set('type', String(a.type));
      if (a.role) q.set('role', String(a.role));
      return { method: 'GET', path: `${t(tn)}/users${q.size ? `?${q}` : ''}` };
    },
  },
};

const USAGE = `the tailscale commands are: ${[...new Set(Object.keys(TAILSCALE_VERBS).map((k) => k.split(' ').slice(0, -1).join(' ')))].map((n) => `tailscale ${n} …`).join(', ')} (see lib/connectors/tailscale/commands.ts)`;

function parseValue(name: string, def: FlagDef, raw: string | undefined): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (def.kind === 'bool') {
    if (raw === undefined || raw === 'true') return { ok: true, value: true };
    if (raw === 'false') return { ok: true, value: false };
    return { ok: false, reason: `--${name} is true or false` };
  }
  if (raw === undefined || raw === '') return { ok: false, reason: `--${name} needs a value` };
  switch (def.kind) {
    case 'int':
      return /^\d{1,9}$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, reason: `--${name} is a number of seconds` };
    case 'list': {
      const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
      if (name === 'tags' && items.some((x) => !TAG.test(x))) return { ok: false, reason: '--tags are tag:<name>, comma-separated' };
      return { ok: true, value: items };
    }
    case 'enum':
      return def.values!.includes(raw) ? { ok: true, value: raw } : { ok: false, reason: `--${name} is one of ${def.values!.join(', ')}` };
    case 'json':
      return raw.trim().startsWith('{') ? { ok: true, value: raw } : { ok: false, reason: `--${name} is the policy file itself (JSON or HuJSON), not a path` };
    default:
      return { ok: true, value: raw };
  }
}

/** `tailscale <noun> [<noun>] <verb> [args] [--flag[=value]]` → the verb and its arguments. */
export function resolveTailscale(argv: readonly string[]): { ok: true; verb: ApiVerb } | { ok: false; reason: string } {
  if (argv[0] !== 'tailscale') return { ok: false, reason: `Command '${argv[0]}' is not allowed for provider tailscale` };
  const words: string[] = [];
  let i = 1;
  while (i < argv.length && !argv[i].startsWith('-') && words.length < 3) {
    words.push(argv[i]);
    i++;
    if (TAILSCALE_VERBS[words.join(' ')]) break;
  }
  const name = words.join(' ');
  const def = TAILSCALE_VERBS[name];
  if (!def) return { ok: false, reason: `'tailscale ${name}' is not a tailscale command here (the tailscale CLI is never run: it would act on this machine, not your tailnet); ${USAGE}` };
  const args: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    const m = /^--?([a-z][a-z-]*)(?:=(.*))?$/s.exec(a);
    const flag = m && def.flags?.[m[1]];
    if (!m || !flag) return { ok: false, reason: `tailscale ${name} has no option ${a.split('=')[0]}` };
    let raw = m[2];
    if (raw === undefined && flag.kind !== 'bool' && i + 1 < argv.length && !argv[i + 1].startsWith('-')) raw = argv[++i];
    const v = parseValue(m[1], flag, raw);
    if (!v.ok) return v;
    args[m[1]] = v.value;
  }
  const wanted = def.positionals ?? [];
  if (positionals.length !== wanted.length) return { ok: false, reason: `tailscale ${name} takes ${wanted.length ? wanted.map((p) => `<${p}-id>`).join(' ') : 'no arguments'}` };
  for (const [k, p] of wanted.entries()) {
    if (!ID.test(positionals[k])) return { ok: false, reason: `'${positionals[k].slice(0, 40)}' is not a ${p} id` };
    args[p] = positionals[k];
  }
  for (const [f, fd] of Object.entries(def.flags ?? {})) if (fd.required && args[f] === undefined) return { ok: false, reason: `tailscale ${name} needs --${f}` };
  return { ok: true, verb: { name, class: def.class, reason: `tailscale ${name} ${def.reason}`, args } };
}

async function runTailscale(ctx: ApiRunContext, verb: ApiVerb): Promise<{ ok: boolean; status: number; body: unknown }> {
  const { tailscaleTokenForUser } = await import('./service.ts');
  const cfg = ctx.d.config.tailscale;
  const token = await tailscaleTokenForUser(ctx.d, ctx.userId);
  const call = TAILSCALE_VERBS[verb.name].call(verb.args, apiTailnetOf(ctx.connection));
  const headers: Record<string, string> = { authorization: `Bearer ${token.reveal()}`, accept: 'application/json' };
  let body: string | undefined;
  if (call.rawBody !== undefined) {
    body = call.rawBody;
    headers['content-type'] = 'application/hujson';
  } else if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
  }
  const r = await providerFetch('Tailscale', cfg.apiUrl + call.path, { method: call.method, headers, body }, { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts });
  if (r.status === 401) throw new ProviderAuthError(tailscale.messages.invalidCredentials, { status: 401, code: 'invalid_credentials' });
  if (r.status >= 500) throw new ProviderUnavailableError(`Tailscale answered HTTP ${r.status}`, { status: 502 });
  let parsed: unknown = {};
  if (r.text.trim()) {
    try {
      parsed = JSON.parse(r.text);
    } catch {
      parsed = r.text;
    }
  }
  return { ok: r.status >= 200 && r.status < 300, status: r.status, body: parsed };
}

export const tailscaleCommands: ApiCommandSet = {
  cli: 'tailscale',
  displayName: 'Tailscale',
  resolve: resolveTailscale,
  run: runTailscale,
};
