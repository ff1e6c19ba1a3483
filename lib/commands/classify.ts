/**
 * Classification of cloud_tool commands: parse (no shell), check the binary against the
 * provider, walk that CLI's grammar to the command path and its class, then apply that CLI's
 * argument rules (grammar/<cli>-args.ts), which may refuse the command, raise its class, or lower
 * an explicit dry run. The result decides the policy: Ask mode runs only `read`; `destructive`,
 * `sensitive` and `unknown` need a confirmation; `rejected` never runs.
 */
import type { CliName, ProviderId } from './binaries.ts';
import { checkBinary, isProviderId, PROVIDER_IDS } from './binaries.ts';
import type { CommandClass, Outcome } from './engine.ts';
import { isFlagToken } from './engine.ts';
import type { Grammar } from './grammar/common.ts';
import { isHelp } from './grammar/common.ts';
import type { ArgRules, RuleDecision } from './grammar/rules.ts';
import { applyRules, rulesTable, scanArgs } from './grammar/rules.ts';
import { awsArgs } from './grammar/aws-args.ts';
import { azArgs } from './grammar/az-args.ts';
import { bqArgs } from './grammar/bq-args.ts';
import { gcloudArgs } from './grammar/gcloud-args.ts';
import { gsutilArgs } from './grammar/gsutil-args.ts';
import { kubectlArgs } from './grammar/kubectl-args.ts';
import { ovhcloudArgs } from './grammar/ovhcloud-args.ts';
import { scwArgs } from './grammar/scw-args.ts';
import { aws } from './grammar/aws.ts';
import { az } from './grammar/az.ts';
import { bq } from './grammar/bq.ts';
import { gcloud } from './grammar/gcloud.ts';
import { gsutil } from './grammar/gsutil.ts';
import { kubectl } from './grammar/kubectl.ts';
import { ovhcloud } from './grammar/ovhcloud.ts';
import { scw } from './grammar/scw.ts';
import { parseCommand } from './parse.ts';

export type { CommandClass } from './engine.ts';
export type AnalysisClass = CommandClass | 'rejected';

export interface Classification {
  /** `rejected` when an argument rule refuses the command. */
  class: AnalysisClass;
  reason: string;
  /** Ids of the argument rules that refused, raised or lowered it (empty when the grammar alone decided). */
  rules: string[];
  /** argv[0] as given. */
  binary: string;
  /** Command path (groups and verb) without flags or arguments, e.g. ['compute', 'instances', 'stop']. */
  path: string[];
}

export interface Analysis {
  class: AnalysisClass;
  reason: string;
  /** Present once the command parsed and its program belongs to the provider (argument refusals included). */
  argv?: string[];
  binary?: string;
  path?: string[];
  /** Argument rules that decided the class (see Classification.rules). */
  rules?: string[];
}

// `tailscale` has no grammar: the real CLI ignores API keys and drives this machine's own
// tailscaled, so cloud_tool never runs it; the tailscale provider's commands are the verb table
// of lib/connectors/tailscale/commands.ts, served from the Tailscale API (classifyCommand in
// lib/commands/service.ts reads it). Here such a program is refused with that reason.
const GRAMMARS: Readonly<Partial<Record<CliName, Grammar>>> = { gcloud, gsutil, bq, kubectl, aws, az, scw, ovhcloud };
const ARG_RULES: Readonly<Partial<Record<CliName, ArgRules>>> = {
  gcloud: gcloudArgs, gsutil: gsutilArgs, bq: bqArgs, kubectl: kubectlArgs, aws: awsArgs, az: azArgs, scw: scwArgs, ovhcloud: ovhcloudArgs,
};

const servedFromApi = (cli: string) =>
  `${cli} is not run as a CLI: its commands are served from the provider's API (see the provider's verbs in the README)`;

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
  if (!check.ok) return { class: 'unknown', reason: check.reason, binary, path: [], rules: [] };
  const cli = check.cli;
  const grammar = GRAMMARS[cli];
  if (!grammar) return { class: 'rejected', reason: servedFromApi(cli), binary, path: [], rules: [] };
  const args = argv.slice(1);
  const result = grammar.classify(args);
  const d = decide(grammar, args, result);
  if (!d.refused && result.class === 'unknown') {
    // The grammar could not tell where the command path ends (an option it does not know came
    // first). Refuse when any reading of those options leads to a refused command.
    for (const alt of readings(args)) {
      const r = decide(grammar, alt, grammar.classify(alt));
      if (r.refused) return { class: 'rejected', reason: r.reason, binary, path: result.path, rules: r.rules };
    }
  }
  return { class: d.refused ? 'rejected' : d.class, reason: d.reason, binary, path: result.path, rules: d.rules };
}

function decide(grammar: Grammar, args: readonly string[], result: Outcome): RuleDecision {
  const cli = grammar.cli;
  const set = ARG_RULES[cli] ?? { rules: [] };
  const scan = scanArgs(cli, result.path, args, rulesTable(grammar.argTable(result.path), set), set.abbreviations, set.valueByDefault);
  return applyRules(set, scan, result, isHelp(result));
}

/**
 * The argument lists the CLI might see when the first few `--flag` tokens (without `=`) are
 * either booleans or take the next token: each one dropped alone, or with its value.
 */
function readings(args: readonly string[]): string[][] {
  const flags = args.flatMap((t, i) => (isFlagToken(t) && !t.includes('=') ? [i] : [])).slice(0, 4);
  const out: string[][] = [];
  for (let mask = 1; mask < 3 ** flags.length; mask++) {
    const drop = new Set<number>();
    let m = mask;
    for (const i of flags) {
      const choice = m % 3;
      m = Math.floor(m / 3);
      if (choice >= 1) drop.add(i);
      if (choice === 2) drop.add(i + 1);
    }
    out.push(args.filter((_, i) => !drop.has(i)));
  }
  return out;
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
  return { class: c.class, reason: c.reason, argv: parsed.argv, binary: c.binary, path: c.path, rules: c.rules };
}
