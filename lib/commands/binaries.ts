/** Which command-line tools each provider may run. Data first; the checks below only read it. */

export const PROVIDER_IDS = ['gcp', 'aws', 'azure', 'scaleway', 'tailscale', 'ovh'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export const CLI_NAMES = ['gcloud', 'gsutil', 'bq', 'kubectl', 'aws', 'az', 'scw', 'tailscale', 'ovhcloud'] as const;
export type CliName = (typeof CLI_NAMES)[number];

export const PROVIDER_BINARIES: Readonly<Record<ProviderId, readonly CliName[]>> = {
  gcp: ['gcloud', 'gsutil', 'bq', 'kubectl'],
  aws: ['aws', 'kubectl'],
  azure: ['az', 'kubectl'],
  scaleway: ['scw'],
  tailscale: ['tailscale'],
  ovh: ['ovhcloud'],
};

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
}

export type BinaryCheck = { ok: true; cli: CliName } | { ok: false; reason: string };

/**
 * Accepts only a bare binary name from the provider's list. Paths are refused even when they end
 * in an allowed name: the executor resolves the binary itself, and `./gcloud` or `/tmp/gcloud`
 * would run whatever file sits there.
 */
export function checkBinary(provider: ProviderId, binary: string): BinaryCheck {
  if (binary.includes('/') || binary.includes('\\')) {
    return { ok: false, reason: `Command '${binary}' must be a bare program name, not a path` };
  }
  const allowed = PROVIDER_BINARIES[provider];
  const cli = allowed.find((name) => name === binary);
  if (!cli) return { ok: false, reason: `Command '${binary}' is not allowed for provider ${provider}` };
  return { ok: true, cli };
}
