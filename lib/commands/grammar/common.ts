/** Pieces several grammars share. */
import type { CliName } from '../binaries.ts';
import type { CommandClass, FlagTable, Outcome, ParsedArgs, Verdict, VerbTable, Walk } from '../engine.ts';
import { helpRequested, lookupVerb, pathMatches, shown, stronger, verbVerdict, verdict } from '../engine.ts';

export interface Grammar {
  readonly cli: CliName;
  /** Classifies the arguments after the binary name. */
  classify(args: readonly string[]): Outcome;
  /** The flags this CLI understands after the command path, for the argument rules. */
  argTable(path: readonly string[]): FlagTable;
}

const HELP_REASON = 'help output only';

/** The verdict for a request that only prints help. */
export function helpOnly(cli: string): Verdict {
  return verdict('read', `${cli} ${HELP_REASON}`);
}

export function isHelp(v: Verdict): boolean {
  return v.class === 'read' && v.reason.endsWith(` ${HELP_REASON}`);
}

export function outcome(v: Verdict, path: readonly string[]): Outcome {
  return { class: v.class, reason: v.reason, path: [...path] };
}

/** Verdict for a walk that did not reach a verb, or null when the grammar should decide. */
export function walkProblem(cli: string, walk: Walk, help: boolean): Verdict | null {
  if (walk.kind === 'ambiguous') return verdict('unknown', `${cli}: ${walk.reason}`);
  if (walk.kind === 'group' && !walk.node.hybrid) {
    if (help) return helpOnly(cli);
    if (walk.path.length === 0) return verdict('unknown', `${cli}: no command given`);
    return verdict('unknown', `${cli} ${walk.path.join(' ')} is a command group; a subcommand is needed`);
  }
  return null;
}

export function helpVerdict(cli: string, tokens: readonly string[], table: FlagTable, helpFlags: readonly string[]): Verdict | null {
  return helpRequested(tokens, table, helpFlags) ? helpOnly(cli) : null;
}

/**
 * Class of the verb. When the verb itself is not a verb (`sql export csv`, `builds triggers create
 * github`), the nearest enclosing group listed in `verbGroups` decides; other groups never do,
 * since a group such as `addresses` must not read as `add`.
 */
export function classOfPath(table: VerbTable, path: readonly string[], verbGroups?: ReadonlySet<string>): CommandClass | undefined {
  const leaf = path[path.length - 1];
  if (leaf === undefined) return undefined;
  const own = lookupVerb(table, leaf);
  if (own !== undefined) return own;
  for (let i = path.length - 2; i >= 0 && verbGroups; i--) {
    if (verbGroups.has(path[i]!)) return lookupVerb(table, path[i]!);
  }
  return undefined;
}

/** Escalates a write inside an access-control area to destructive. */
export function accessControl(v: Verdict, cli: string, path: readonly string[], area: string): Verdict {
  if (v.class !== 'write') return v;
  return verdict('destructive', `${cli} ${path.join(' ')} changes access control (${area})`);
}

export function unknownVerb(cli: string, path: readonly string[]): Verdict {
  return verdict('unknown', `${cli} ${shown(path.join(' '), 120)}: '${shown(path[path.length - 1] ?? '')}' is not in the command tables`);
}

export function fromTable(cli: string, table: VerbTable, path: readonly string[], verbGroups?: ReadonlySet<string>): Verdict {
  const cls = classOfPath(table, path, verbGroups);
  return cls === undefined ? unknownVerb(cli, path) : verbVerdict(cli, path, cls);
}

export function escalate(v: Verdict, cls: CommandClass, reason: string): Verdict {
  return stronger(v, verdict(cls, reason));
}

/** The flags that appear anywhere in `args`, for debug/endpoint escalations. */
export function flagNames(args: ParsedArgs): Set<string> {
  const out = new Set<string>();
  for (const f of args.flags) for (const n of f.names) out.add(n);
  return out;
}

// ---------------------------------------------------------------------------------------------
// SQL statements given to bq query / execute-sql commands.

/**
 * Classifies SQL text by its statements. Read only when every statement is a query; comments and
 * string literals are stripped first so that `'DROP'` inside a literal does not count, and any
 * keyword of a data or schema change anywhere counts (a column called `delete` errs on the safe
 * side).
 */
export function classifySql(sql: string): Verdict {
  const stripped = sql
    .replace(/--[^\n]*|#[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g, ' x ');
  const upper = stripped.toUpperCase();
  if (/\b(DROP|TRUNCATE|DELETE|GRANT|REVOKE)\b/.test(upper)) {
    return verdict('destructive', 'SQL deletes data, drops objects or changes access');
  }
  if (/\b(INSERT|UPDATE|MERGE|CREATE|ALTER|EXPORT|LOAD|CALL|EXECUTE|EXEC|DECLARE|SET|BEGIN|COMMIT|ROLLBACK|COPY|UNDROP)\b/.test(upper)) {
    return verdict('write', 'SQL changes data or schema');
  }
  const first = upper.trim().match(/^\(*\s*([A-Z]+)/)?.[1];
  if (first === 'SELECT' || first === 'WITH' || first === 'SHOW' || first === 'DESCRIBE' || first === 'EXPLAIN') {
    return verdict('read', 'SQL only queries data');
  }
  return verdict('unknown', 'SQL statement type not recognised');
}

/** Rules for whole command paths: a pattern (see pathMatches), the class, and why. */
export type PathRules = ReadonlyArray<readonly [pattern: string, cls: CommandClass, reason: string]>;
/** Command-path prefixes whose changes alter who may access what, and what that area is called. */
export type AccessAreas = ReadonlyArray<readonly [prefix: string, area: string]>;

/** The first path rule that matches, as a verdict. */
export function matchPathRule(cli: string, path: readonly string[], rules: PathRules): Verdict | undefined {
  for (const [pattern, cls, reason] of rules) {
    if (pathMatches(pattern, path)) return verdict(cls, `${cli} ${path.join(' ')} ${reason}`);
  }
  return undefined;
}

/** Inside an access-control area, changes are destructive (see accessControl). */
export function inAccessArea(v: Verdict, cli: string, path: readonly string[], areas: AccessAreas): Verdict {
  for (const [prefix, area] of areas) {
    if (prefix.split(' ').every((p, i) => path[i] === p)) return accessControl(v, cli, path, area);
  }
  return v;
}
