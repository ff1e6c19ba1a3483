import type { Deps } from '../deps.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { connectedProviders } from '../connections/service.ts';
import { listConnections } from '../connections/repo.ts';
import type { Connection } from '../connections/types.ts';
import { CONNECTOR_CLIS, CONNECTOR_NAMES } from '../connectors/generated/clis.ts';
import { CONNECTOR_IDS } from '../connectors/generated/ids.ts';
import { isProviderId, type ProviderId } from './binaries.ts';
import { EXEC_PROFILES } from './credentials.ts';

const notConnected = (provider: ProviderId) =>
  new BadRequestError(`${CONNECTOR_NAMES[provider]} is not connected. Connect it first, then run the command again.`, {
    code: 'provider_not_connected',
    field: 'provider',
    extra: { action: 'CONNECT_REQUIRED', provider },
  });

/**
 * Which provider runs the command: the one named; else, among the user's connected providers in
 * preference order (then connection order), the first whose CLIs include the command's program,
 * so `aws s3 ls` does not fail just because GCP is preferred.
 */
export async function selectProvider(d: Deps, userId: string, requested: string | undefined, program: string | undefined): Promise<ProviderId> {
  const enabled = CONNECTOR_IDS.filter((id) => d.config.features[id]);
  if (requested !== undefined) {
    if (!isProviderId(requested) || !enabled.includes(requested)) {
      throw new BadRequestError(`Unsupported provider: ${requested}. Supported: ${enabled.join(', ')}`, { code: 'unsupported_provider', field: 'provider' });
    }
    const { providers } = await connectedProviders(d, userId);
    if (!providers.includes(requested)) throw notConnected(requested);
    return requested;
  }
  const { providers, default_provider } = await connectedProviders(d, userId);
  if (!default_provider) {
    throw new BadRequestError('No cloud provider is connected. Connect one first, then run the command again.', {
      code: 'provider_not_connected',
      field: 'provider',
      extra: { action: 'CONNECT_REQUIRED' },
    });
  }
  const ordered = [default_provider, ...providers.filter((p) => p !== default_provider)];
  const runsIt = ordered.find((p) => program !== undefined && (CONNECTOR_CLIS[p] as readonly string[]).includes(program));
  if (runsIt) return runsIt;
  const owner = enabled.find((p) => program !== undefined && (CONNECTOR_CLIS[p] as readonly string[]).includes(program));
  if (owner) throw notConnected(owner);
  return default_provider;
}

export type SelectedBy = 'request' | 'session' | 'preference';

/**
 * The provider in context: the one named; else the provider of the session's last successful
 * command when it is still connected and its CLIs include this program (so "list the instances"
 * after a GCP question stays on GCP); else the preference order (selectProvider). Says which.
 */
export async function selectProviderInContext(
  d: Deps,
  userId: string,
  requested: string | undefined,
  program: string | undefined,
  session: { provider: ProviderId } | null,
): Promise<{ provider: ProviderId; by: SelectedBy }> {
  if (requested !== undefined) return { provider: await selectProvider(d, userId, requested, program), by: 'request' };
  if (session && d.config.features[session.provider] && program !== undefined && (CONNECTOR_CLIS[session.provider] as readonly string[]).includes(program)) {
    const { providers } = await connectedProviders(d, userId);
    if (providers.includes(session.provider)) return { provider: session.provider, by: 'session' };
  }
  return { provider: await selectProvider(d, userId, undefined, program), by: 'preference' };
}

/**
 * The connection a run uses. AWS: selected_project_id is the account id and must be connected.
 * Azure: the subscription's own connection when there is one. Otherwise the most recently
 * (re)connected account. The session's account comes first when no selected_project_id is given.
 */
export async function selectConnection(d: Deps, userId: string, provider: ProviderId, selected: string | undefined, sessionAccount?: string): Promise<Connection> {
  const connected = (await listConnections(d.db, userId, provider)).filter((c) => c.status === 'connected')
    // newest first, as the token adapters (tailscale, ovh) choose, so metadata and token agree
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  if (connected.length === 0) throw notConnected(provider);
  // the account the session last ran on, when nothing more precise was asked for and it is still connected
  if (!selected && sessionAccount) {
    const same = connected.find((c) => c.accountId === sessionAccount);
    if (same) return same;
  }
  const mode = EXEC_PROFILES[provider]?.accountSelection ?? 'none';
  if (selected && mode !== 'none') {
    const match = connected.find((c) => c.accountId === selected);
    if (match) return match;
    if (mode === 'required') {
      throw new NotFoundError(`No connected ${CONNECTOR_NAMES[provider]} account ${selected}`, { code: 'connection_not_found', field: 'selected_project_id' });
    }
  }
  return connected[0];
}
