import { ConfigError } from './errors.ts';
import { Resource } from 'sst/resource';
import { secretComponentName, type Setting } from './config/define.ts';
import { coreSection } from './config/core.ts';
import { secretsSection } from './config/secrets.ts';
import { revalidateSection } from './config/revalidate.ts';
import { commandsSection } from './config/commands.ts';
import { consoleSection } from './config/console.ts';
import { kubectlSection } from './config/kubectl.ts';
import { webhooksSection } from './config/webhooks.ts';
import { alertsSection } from './config/alerts.ts';
import { mcpSection } from './config/mcp.ts';
import { proxySection } from './config/proxy.ts';
import { connectorSections, type ProviderId } from './connectors/generated/ids.ts';

/**
 * The only reader of process.env and of SST's linked resources. A setting declared secret is
 * never in a deployed function's environment (readable with lambda:GetFunctionConfiguration):
 * the stacks link the SST Secret named after it (secretComponentName: CLIENT_SECRET →
 * ClientSecret) and its value arrives in SST's encrypted resource file, read here through the
 * `sst` package's Resource. A value in the environment wins (local runs, `sst dev`). Parsed lazily
 * on first use and memoized per container, so the file is decrypted once per cold start.
 * Each area declares its settings in lib/config/<area>.ts and registers it here; a connector's
 * section (named in lib/connectors/<id>/connector.ts, with its feature flag) arrives through the
 * list (lib/connectors/generated/, written by `npm run gen`).
 */
const sections = {
  core: coreSection,
  secrets: secretsSection,
  ...connectorSections,
  revalidate: revalidateSection,
  commands: commandsSection,
  console: consoleSection,
  kubectl: kubectlSection,
  webhooks: webhooksSection,
  alerts: alertsSection,
  mcp: mcpSection,
  proxy: proxySection,
};

type Sections = typeof sections;
export type Config = { [K in keyof Sections]: ReturnType<Sections[K]['build']> } & {
  /** per connector: does it exist here (its feature flag is on, or it has none) */
  features: Record<ProviderId, boolean>;
};

let cached: Config | undefined;

export function config(): Config {
  cached ??= load(process.env);
  return cached;
}

/** Tests and the local runtime change env between runs; they call this to re-read it. */
export function resetConfig(): void {
  cached = undefined;
}

export function load(env: NodeJS.ProcessEnv): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  const features: Record<string, boolean> = {};
  for (const [name, sec] of Object.entries(sections)) {
    const values: Record<string, unknown> = {};
    for (const [key, s] of Object.entries(sec.settings as Record<string, Setting>)) {
      const raw = env[key] ?? s.aliases?.map((a) => env[a]).find((v) => v !== undefined);
      const r = s.parse(s.secret && !raw ? linkedSecret(key) : raw);
      if (r.ok) values[key] = r.value;
      else problems.push(`${key}: ${r.message}`);
    }
    if (problems.length === 0) out[name] = (sec.build as (v: unknown) => unknown)(values);
    // a connector's flag is FEATURE_FLAG_<ID>_ENABLED of its own section (scripts/gen.ts checks the name)
    if (name in connectorSections) features[name] = values[`FEATURE_FLAG_${name.toUpperCase()}_ENABLED`] !== false;
  }
  if (problems.length) throw new ConfigError(`Invalid configuration: ${problems.join(', ')}`);
  const cfg = out as Config;
  // with an issuer configured, a header anyone can send must never name the caller (issue 16)
  if (cfg.core.authMode === 'trusted-header' && cfg.core.jwtIssuer) {
    throw new ConfigError('AUTH_MODE=trusted-header cannot be combined with JWT_ISSUER: anyone could act as any user by sending X-User-ID; use AUTH_MODE=jwt, or unset JWT_ISSUER');
  }
  // deployed, the stacks set TABLE_NAME for every function with the table capability
  cfg.core.tableName ??= 'aurora-connectors';
  cfg.features = features as Config['features'];
  return cfg;
}

/** The linked SST Secret of a secret setting, when this function is linked to one that has a value. */
function linkedSecret(envName: string): string | undefined {
  const name = secretComponentName(envName);
  const linked = Resource as unknown as Record<string, { value?: unknown } | undefined>;
  if (!(name in linked)) return undefined;
  const value = linked[name]?.value;
  // stacks/secrets.ts declares optional app secrets with "" until `sst secret set`: that is unset
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Every setting of every section, for the README table test and the settings docs. */
export function allSettings(): Array<{ name: string; section: string; description: string; secret: boolean }> {
  return Object.entries(sections).flatMap(([sectionName, sec]) =>
    Object.entries(sec.settings as Record<string, Setting>).map(([name, s]) => ({ name, section: sectionName, description: s.description, secret: !!s.secret })),
  );
}
