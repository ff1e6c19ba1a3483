import { join } from 'node:path';
import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { ProviderAuthError } from '../../errors.ts';
import type { SecretValue } from '../../secret-value.ts';

/**
 * How a CLI child gets one user's short-lived credentials: each connector with CLIs has an exec.ts
 * exporting `exec: ExecProfile`, saying which adapter mints them and which variables and files each
 * of its CLIs reads. lib/commands/credentials.ts picks the profile and builds the child's
 * environment from nothing: what its base environment and the profile return is all it gets.
 */

export interface CredentialRequest {
  d: Deps;
  userId: string;
  /** the connection chosen for this run (metadata: region, tenant, tailnet, endpoint...) */
  connection: Connection;
  /** Ask mode: read-only role / service account where the provider has one */
  readOnly: boolean;
  /** the CLI about to run (gcloud, az, kubectl...) */
  binary: string;
}

/** What the adapter hands back: credential fields, all secret while in transit. */
export type Material = Record<string, unknown>;

export interface ChildCredentials {
  /** variables holding the credentials and per-account defaults */
  env: Record<string, string>;
  /** files written into the run's HOME before the CLI starts (0600) */
  files: Array<{ path: string; content: string }>;
  /** commands run first in the same HOME and environment, without a shell (az login) */
  prepare: Array<{ argv: string[]; what: string }>;
  /** every credential value handed to the child: scrubbed from anything the CLI prints */
  secrets: string[];
}

export interface ExecProfile {
  /**
   * What selected_project_id means for choosing the connection: `required` (it is the account:
   * AWS), `prefer` (use the matching account if connected, else the default: Azure subscriptions),
   * `none` (it scopes the command only).
   */
  accountSelection: 'required' | 'prefer' | 'none';
  /** config-dir and non-interactive settings of the provider's CLIs, all inside HOME */
  configEnv(home: string): Record<string, string>;
  /** the adapter call that mints (or loads) the user's credentials; adapters load on first use */
  source(req: CredentialRequest): Promise<SecretValue<Material>>;
  /** turn them into what the CLI reads */
  materialize(material: Material, req: CredentialRequest, home: string): ChildCredentials;
}

/** The stored credential document of a connection, or a 409 asking to reconnect. */
export async function storedSecret(d: Deps, conn: Connection, provider: string): Promise<Record<string, unknown>> {
  const doc = conn.secretRef ? await d.secrets.get(conn.secretRef) : null;
  if (!doc) throw new ProviderAuthError(`The stored ${provider} credentials are missing; reconnect ${provider}`, { code: 'credentials_missing', status: 409 });
  return doc.reveal();
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

export function required(material: Material, key: string, provider: string): string {
  const v = str(material[key]);
  if (!v) throw new ProviderAuthError(`The ${provider} credentials are incomplete (no ${key}); reconnect ${provider}`, { code: 'credentials_incomplete', status: 409 });
  return v;
}

/** kubectl's config inside the run's HOME (the clouds whose CLIs include kubectl write it there). */
export const kube = (home: string) => ({ KUBECONFIG: join(home, '.kube', 'config') });
