import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import type { CommandClass } from '../../commands/engine.ts';

/**
 * A connector whose cloud_tool commands are served from the provider's API rather than a CLI
 * (the `tailscale` CLI ignores API keys and drives this machine's own tailscaled): its
 * commands.ts exports `<id>Commands`, a verb table with each verb's class and API call, which
 * lib/commands/api-commands.ts loads by id (lib/connectors/generated/load/api-commands.ts).
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
