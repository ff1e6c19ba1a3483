import type { z } from 'zod';
import { ConfigError } from './errors.ts';
import type { Setting } from './config/define.ts';
import { coreSection } from './config/core.ts';
import { secretsSection } from './config/secrets.ts';
import { featuresSection } from './config/features.ts';
import { awsSection } from './connectors/aws/settings.ts';
import { azureSection } from './connectors/azure/settings.ts';
import { gcpSection } from './connectors/gcp/settings.ts';
import { revalidateSection } from './config/revalidate.ts';
import { scalewaySection } from './connectors/scaleway/settings.ts';
import { tailscaleSection } from './connectors/tailscale/settings.ts';
import { ovhSection } from './connectors/ovh/settings.ts';
import { commandsSection } from './config/commands.ts';
import { consoleSection } from './config/console.ts';

/**
 * The only reader of process.env (and of SST's linked resources, which SST passes as
 * SST_RESOURCE_<Name> variables). Parsed lazily on first use and memoized per container.
 * Each area declares its settings in lib/config/<area>.ts; register it here.
 */
const sections = {
  core: coreSection,
  secrets: secretsSection,
  features: featuresSection,
  aws: awsSection,
  azure: azureSection,
  gcp: gcpSection,
  revalidate: revalidateSection,
  scaleway: scalewaySection,
  tailscale: tailscaleSection,
  ovh: ovhSection,
  commands: commandsSection,
  console: consoleSection,
};

type Sections = typeof sections;
export type Config = { [K in keyof Sections]: ReturnType<Sections[K]['build']> };

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
  for (const [name, sec] of Object.entries(sections)) {
    const values: Record<string, unknown> = {};
    for (const [key, s] of Object.entries(sec.settings as Record<string, Setting>)) {
      const r = (s.schema as z.ZodType).safeParse(env[key]);
      if (r.success) values[key] = r.data;
      else problems.push(`${key}: ${r.error.issues.map((i) => i.message).join('; ')}`);
    }
    if (problems.length === 0) out[name] = (sec.build as (v: unknown) => unknown)(values);
  }
  if (problems.length) throw new ConfigError(`Invalid configuration: ${problems.join(', ')}`);
  const cfg = out as Config;
  cfg.core.tableName ??= sstResource(env, 'Table')?.name ?? 'aurora-connectors';
  return cfg;
}

/** SST links resources by setting SST_RESOURCE_<Name> to a JSON object; we read it without importing sst. */
export function sstResource(env: NodeJS.ProcessEnv, name: string): Record<string, string> | undefined {
  const raw = env[`SST_RESOURCE_${name}`];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch {
    return undefined;
  }
}

/** Every setting of every section, for the README table test and the settings docs. */
export function allSettings(): Array<{ name: string; section: string; description: string; secret: boolean }> {
  return Object.entries(sections).flatMap(([sectionName, sec]) =>
    Object.entries(sec.settings as Record<string, Setting>).map(([name, s]) => ({ name, section: sectionName, description: s.description, secret: !!s.secret })),
  );
}
