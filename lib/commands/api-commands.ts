import type { ProviderId } from '../connectors/generated/ids.ts';
import { loadApiCommands } from '../connectors/generated/load/api-commands.ts';
import type { ApiCommandSet } from '../connectors/kit/api-commands.ts';

/**
 * Providers whose cloud_tool commands are served from the provider's API rather than a CLI: the
 * `tailscale` CLI ignores API keys and drives this machine's own tailscaled, so running it would
 * act on the service's host instead of the user's tailnet. Each such connector keeps a verb table
 * in its folder (commands.ts: the commands, their class, the API call); cloud_tool applies the
 * same policy, confirmations and audit to them. One loader per connector (generated from the
 * list), so a bundle carries only the verb tables it can reach.
 */
export type { ApiCommandSet, ApiRunContext, ApiVerb } from '../connectors/kit/api-commands.ts';

export async function apiCommandSet(provider: ProviderId): Promise<ApiCommandSet | null> {
  return (await loadApiCommands(provider)) ?? null;
}
