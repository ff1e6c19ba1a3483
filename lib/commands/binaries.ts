/**
 * Which command-line tools each connector may run: its `clis` (lib/connectors/<id>/connector.ts),
 * projected by `npm run gen` into lib/connectors/generated/clis.ts. The checks below only read it.
 */
import { CLI_NAMES, CONNECTOR_CLIS, type CliName } from '../connectors/generated/clis.ts';
import { CONNECTOR_IDS, type ProviderId } from '../connectors/generated/ids.ts';

export { CLI_NAMES, CONNECTOR_IDS as PROVIDER_IDS, type CliName, type ProviderId };

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (CONNECTOR_IDS as readonly string[]).includes(value);
}

export const PROVIDER_BINARIES: Readonly<Record<ProviderId, readonly CliName[]>> = CONNECTOR_CLIS;

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
