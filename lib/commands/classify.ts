/**
 * Classification of cloud_tool commands: parse (no shell), check the binary against the
 * provider, walk that CLI's grammar to the command path and its class, then apply that CLI's
 * argument rules (grammar/<cli>-args.ts), which may refuse the command, raise its class, or lower
 * an explicit dry run. The result decides the policy: Ask mode runs only `read`; `destructive`,
 * `sensitive` and `unknown` need a confirmation; `rejected` never runs.
 */
import type { CliName, ProviderId } from './binaries.ts';
import { checkBinary, isProviderId, PROVIDER_BINARIES, PROVIDER_IDS } from './binaries.ts';
import type { CommandClass, Outcome } from './engine.ts';
import type { Grammar } from './grammar/common.ts';
import type { ArgRules, RuleDecision } from './grammar/rules.ts';
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

/** A CLI's grammar (command paths and their classes) with its argument rules. */
interface CliPolicy {
  grammar: Grammar;
  rules: ArgRules;
}

/**
 * What applies any CLI's argument rules. Only a loaded grammar is ever walked, so it loads with the
 * first one: about 8 KB that `cloudTool.run` would otherwise load at every cold start (issue 14
 * bounds a cold start at 400 KB).
 */
interface RuleKit {
  applyRules: typeof import('./grammar/rules.ts').applyRules;
  rulesTable: typeof import('./grammar/rules.ts').rulesTable;
  scanArgs: typeof import('./grammar/rules.ts').scanArgs;
  isHelp: typeof import('./grammar/common.ts').isHelp;
  // from the grammar engine, which every grammar imports: a static import here, for this one
  // test of a token, put the engine in a chunk of its own at every cloud_tool cold start
  isFlagToken: typeof import('./engine.ts').isFlagToken;
}
let ruleKit: Promise<RuleKit> | undefined;
const loadRuleKit = () =>
  (ruleKit ??= Promise.all([import('./grammar/rules.ts'), import('./grammar/common.ts'), import('./engine.ts')]).then(([r, c, e]) => ({ applyRules: r.applyRules, rulesTable: r.rulesTable, scanArgs: r.scanArgs, isHelp: c.isHelp, isFlagToken: e.isFlagToken })));

// Each CLI's policy is its own module, loaded the first time a command of a provider that may run
// that CLI is classified (loadCommandPolicies): the eight grammars are some 145 KB of bundled code,
// and one request needs one provider's. `tailscale` has no grammar: the real CLI ignores API keys
// and drives this machine's own tailscaled, so cloud_tool never runs it; the tailscale provider's
// commands are the verb table of lib/connectors/tailscale/commands.ts, served from the Tailscale
// API (classifyCommand in lib/commands/service.ts reads it). Here such a program is refused with
// that reason.
const POLICIES: Readonly<Partial<Record<CliName, () => Promise<CliPolicy>>>> = {
  gcloud: async () => ({ grammar: (await import('./grammar/gcloud.ts')).gcloud, rules: (await import('./grammar/gcloud-args.ts')).gcloudArgs }),
  gsutil: async () => ({ grammar: (await import('./grammar/gsutil.ts')).gsutil, rules: (await import('./grammar/gsutil-args.ts')).gsutilArgs }),
  bq: async () => ({ grammar: (await import('./grammar/bq.ts')).bq, rules: (await import('./grammar/bq-args.ts')).bqArgs }),
  kubectl: async () => ({ grammar: (await import('./grammar/kubectl.ts')).kubectl, rules: (await import('./grammar/kubectl-args.ts')).kubectlArgs }),
  aws: async () => ({ grammar: (await import('./grammar/aws.ts')).aws, rules: (await import('./grammar/aws-args.ts')).awsArgs }),
  az: async () => ({ grammar: (await import('./grammar/az.ts')).az, rules: (await import('./grammar/az-args.ts')).azArgs }),
  scw: async () => ({ grammar: (await import('./grammar/scw.ts')).scw, rules: (await import('./grammar/scw-args.ts')).scwArgs }),
  ovhcloud: async () => ({ grammar: (await import('./grammar/ovhcloud.ts')).ovhcloud, rules: (await import('./grammar/ovhcloud-args.ts')).ovhcloudArgs }),
};

const loaded: Partial<Record<CliName, CliPolicy & { kit: RuleKit }>> = {};

/**
 * Loads the policies of the CLIs `provider` may run (every provider's without one). classify and
 * analyzeCommand are synchronous and refuse to guess: classifying a command of a CLI whose policy
 * is not loaded throws, it never falls back to some default class.
 */
export async function loadCommandPolicies(provider?: string): Promise<void> {
  const clis = provider === undefined ? (Object.keys(POLICIES) as CliName[]) : isProviderId(provider) ? PROVIDER_BINARIES[provider] : [];
  await Promise.all(
    clis.map(async (cli) => {
      const load = POLICIES[cli];
      if (load && !loaded[cli]) {
        const [policy, kit] = await Promise.all([load(), loadRuleKit()]);
        loaded[cli] = { ...policy, kit };
      }
    }),
  );
}

function policyOf(cli: CliName): (CliPolicy & { kit: RuleKit }) | undefined {
  if (!POLICIES[cli]) return undefined;
  const p = loaded[cli];
  if (!p) throw new Error(`the command policy of ${cli} is not loaded: await loadCommandPolicies() first`);
  return p;
}

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
  const policy = policyOf(cli);
  if (!policy) return { class: 'rejected', reason: servedFromApi(cli), binary, path: [], rules: [] };
  const args = argv.slice(1);
  const result = policy.grammar.classify(args);
  const d = decide(policy, args, result);
  if (!d.refused && result.class === 'unknown') {
    // The grammar could not tell where the command path ends (an option it does not know came
    // first). Refuse when any reading of those options leads to a refused command.
    for (const alt of readings(args, policy.kit.isFlagToken)) {
      const r = decide(policy, alt, policy.grammar.classify(alt));
      if (r.refused) return { class: 'rejected', reason: r.reason, binary, path: result.path, rules: r.rules };
    }
  }
  return { class: d.refused ? 'rejected' : d.class, reason: d.reason, binary, path: result.path, rules: d.rules };
}

function decide({ grammar, rules: set, kit }: CliPolicy & { kit: RuleKit }, args: readonly string[], result: Outcome): RuleDecision {
  const cli = grammar.cli;
  const scan = kit.scanArgs(cli, result.path, args, kit.rulesTable(grammar.argTable(result.path), set), set.abbreviations, set.valueByDefault);
  return kit.applyRules(set, scan, result, kit.isHelp(result));
}

/**
 * The argument lists the CLI might see when the first few `--flag` tokens (without `=`) are
 * either booleans or take the next token: each one dropped alone, or with its value.
 */
function readings(args: readonly string[], isFlagToken: RuleKit['isFlagToken']): string[][] {
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
