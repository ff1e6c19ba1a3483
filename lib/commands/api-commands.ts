import type { Deps } from '../deps.ts';
import type { Connection } from '../connections/types.ts';
import type { ProviderId } from '../connectors/registry.ts';
import type { CommandClass } from './engine.ts';

/**
 * Providers whose cloud_tool commands are served from the provider's API rather than a CLI: the
 * `tailscale` CLI ignores API keys and drives this machine's own tailscaled, so running it would
 * act on the service's host instead of the user's tailnet. Each such provider keeps a verb table
 * in its connector folder (the commands, their class, the API call); cloud_tool applies the same
 * policy, confirmations and audit to them. One loader per provider, so a bundle carries only the
 * verb tables it can reach.
 */

export interface ApiVerb {
  /** "devices list" */
  name: string;
  class: CommandClass;
  reason: string;
  /** what the verb's API call needs, taken from the command line */
  args: Record<string, unknown>;
}

export interface ApiRunContext {
  d: Deps;
  userId: string;
  connection: Connection;
  readOnly: boolean;
}

export interface ApiCommandSet {
  /** the program users type (argv[0]) */
  cli: string;
  displayName: string;
  /** the verb an argv names, with its class, or why it is not one */
  resolve(argv: readonly string[]): { ok: true; verb: ApiVerb } | { ok: false; reason: string };
  /** call the API with the caller's token; `ok` false for an answer the provider refused */
  run(ctx: ApiRunContext, verb: ApiVerb): Promise<{ ok: boolean; status: number; body: unknown }>;
}

const LOADERS: Partial<Record<ProviderId, () => Promise<ApiCommandSet>>> = {
  tailscale: async () => (await import('../connectors/tailscale/commands.ts')).tailscaleCommands,
};

export async function apiCommandSet(provider: ProviderId): Promise<ApiCommandSet | null> {
  const load = LOADERS[provider];
  return load ? load() : null;
}
