/**
 * Classification of cloud_tool commands: parse (no shell), check the binary against the
 * provider, then walk that CLI's grammar. The result decides the policy: Ask mode runs only
 * `read`; `destructive`, `sensitive` and `unknown` need a confirmation; `rejected` never runs.
 */
import type { CliName, ProviderId } from './binaries.ts';
import { checkBinary, isProviderId, PROVIDER_IDS } from './binaries.ts';
import type { CommandClass } from './engine.ts';
import type { Grammar } from './grammar/common.ts';
import { aws } from './grammar/aws.ts';
import { az } from './grammar/az.ts';
import { bq } from './grammar/bq.ts';
import { gcloud } from './grammar/gcloud.ts';
import { gsutil } from './grammar/gsutil.ts';
import { kubectl } from './grammar/kubectl.ts';
import { ovhcloud } from './grammar/ovhcloud.ts';
import { scw } from './grammar/scw.ts';
import { tailscale } from './grammar/tailscale.ts';
import { parseCommand } from './parse.ts';

export type { CommandClass } from './engine.ts';
export type AnalysisClass = CommandClass | 'rejected';

export interface Classification {
  class: CommandClass;
  reason: string;
  /** argv[0] as given. */
  binary: string;
  /** Command path (groups and verb) without flags or arguments, e.g. ['compute', 'instances', 'stop']. */
  path: string[];
}

export interface Analysis {
  class: AnalysisClass;
  reason: string;
  /** Present unless the command was rejected. */
  argv?: string[];
  binary?: string;
  path?: string[];
}

const GRAMMARS: Readonly<Record<CliName, Grammar>> = { gcloud, gsutil, bq, kubectl, aws, az, scw, tailscale, ovhcloud };

/** Commands that need no confirmation in Agent mode and may run in Ask mode (reads only). */
export function isReadOnly(cls: AnalysisClass): boolean {
  return cls === 'read';
}

/** Commands that must be confirmed by the user before they run, in any mode. */
export function needsConfirmation(cls: AnalysisClass): boolean {
  return cls === 'destructive' || cls === 'sensitive' || cls === 'unknown';
}

/**
 * Classifies an argv for a provider. A binary the provider may not run is reported as `unknown`
 * with the refusal as the reason; analyzeCommand turns that case into `rejected` before it gets
 * here.
 */
export function classify(provider: ProviderId, argv: readonly string[]): Classification {
  const binary = argv[0] ?? '';
  const check = checkBinary(provider, binary);
  if (!check.ok) return { class: 'unknown', reason: check.reason, binary, path: [] };
  const result = GRAMMARS[check.cli].classify(argv.slice(1));
  return { class: result.class, reason: result.reason, binary, path: result.path };
}

/** Parses, checks and classifies a command string; the single entry point for server and CLI. */
export function analyzeCommand(provider: string, command: string): Analysis {
  if (!isProviderId(provider)) {
    return { class: 'rejected', reason: `Unsupported provider: ${provider} (supported: ${PROVIDER_IDS.join(', ')})` };
  }
  const parsed = parseCommand(command);
  if (!parsed.ok) return { class: 'rejected', reason: `Rejected command syntax: ${parsed.reason}` };
  const binary = parsed.argv[0]!;
  const check = checkBinary(provider, binary);
  if (!check.ok) return { class: 'rejected', reason: check.reason };
  const c = classify(provider, parsed.argv);
  return { class: c.class, reason: c.reason, argv: parsed.argv, binary: c.binary, path: c.path };
}
