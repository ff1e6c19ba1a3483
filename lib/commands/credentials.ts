import { join } from 'node:path';
import type { ConnectorId } from '../connectors/generated/ids.ts';
import { EXEC_PROFILES } from '../connectors/generated/exec.ts';
import type { ChildCredentials, CredentialRequest, ExecProfile } from '../connectors/kit/exec.ts';

/**
 * Connector → how a CLI child gets that user's short-lived credentials. Each connector's exec.ts
 * (lib/connectors/<id>/exec.ts) knows which adapter mints them and which variables and files its
 * CLIs read; this is the dispatcher. The child's environment is built from nothing: what `baseEnv`
 * and a profile return is all it gets.
 */

export type { ChildCredentials, CredentialRequest, ExecProfile, Material } from '../connectors/kit/exec.ts';
export { EXEC_PROFILES };

/** PATH, HOME and locale: the part every child gets. */
export function baseEnv(home: string, path: readonly string[]): Record<string, string> {
  return {
    PATH: path.join(':'),
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TZ: 'UTC',
    TERM: 'dumb',
    NO_COLOR: '1',
  };
}

// ---------------------------------------------------------------------------------------------
// Test seam

const sourceOverrides = new Map<ConnectorId, ExecProfile['source']>();

/**
 * Tests only: replace where a provider's credentials come from (the adapter call) while
 * everything after it (env building, files, HOME, execution) stays the real code. Tests use it to
 * hand each user, account and mode a credential they can recognise in what the CLI received.
 */
export function overrideCredentialSource(provider: ConnectorId, source: ExecProfile['source'] | undefined): void {
  if (source) sourceOverrides.set(provider, source);
  else sourceOverrides.delete(provider);
}

/** Everything one run's child needs: the clean environment, files to write, preparation steps. */
export async function childCredentials(req: CredentialRequest, home: string, path: readonly string[]): Promise<ChildCredentials & { env: Record<string, string> }> {
  const profile = EXEC_PROFILES[req.connection.provider];
  if (!profile) throw new Error(`${req.connection.provider} runs no CLI (no lib/connectors/${req.connection.provider}/exec.ts)`);
  const material = await (sourceOverrides.get(req.connection.provider) ?? profile.source)(req);
  const creds = profile.materialize(material.reveal(), req, home);
  return {
    ...creds,
    env: { ...baseEnv(home, path), ...profile.configEnv(home), ...creds.env },
    secrets: creds.secrets.filter((s) => s.length >= 6),
  };
}
