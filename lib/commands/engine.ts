/**
 * Shared machinery for the per-CLI grammars in ./grammar/: reading flags the way each CLI's own
 * parser does, walking a command-group tree to find the command path, and ranking verdicts.
 *
 * The one rule everything here serves: the class of a command comes from its command path (groups
 * and verb) and from named flags, never from resource names. (The argument rules in
 * grammar/<cli>-args.ts add the values of named flags and argument shapes such as `--replicas=0`;
 * names still never count.) To keep to it we must know where the command path ends, which means
 * knowing which flags consume the next token. When we cannot tell, the answer is `unknown`,
 * never a guess.
 */

export type CommandClass = 'read' | 'write' | 'destructive' | 'sensitive' | 'unknown';

export interface Verdict {
  class: CommandClass;
  reason: string;
}

export interface Outcome extends Verdict {
  /** The command path: groups and verb, without flags or arguments. */
  path: string[];
}

/** Shortens user-supplied text quoted in a reason, so reasons stay readable. */
export function shown(text: string, max = 60): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

export function verdict(cls: CommandClass, reason: string): Verdict {
  return { class: cls, reason };
}

// Confirmation treats destructive, sensitive and unknown alike; the order only decides which
// reason the user sees when two rules apply. Revealing credentials is ranked highest because it
// also changes how the output must be handled.
const RANK: Record<CommandClass, number> = { read: 0, write: 1, unknown: 2, destructive: 3, sensitive: 4 };

/** The stronger of two verdicts (the first wins a tie). */
export function stronger(a: Verdict, b: Verdict | undefined | null): Verdict {
  if (!b) return a;
  return RANK[b.class] > RANK[a.class] ? b : a;
}

// ---------------------------------------------------------------------------------------------
// Flags

/**
 * `gnu`: `--long[=v]`, `-s`, clustered `-abc`, `-sVALUE` (pflag, getopt, argparse).
 * `go`: `-name` and `--name` are the same long flag; no clustering (Go's flag package, absl).
 */
export type FlagStyle = 'gnu' | 'go';

export interface FlagSpec {
  /** Flags that take the next token as their value unless written `--flag=value`. */
  value?: readonly string[];
  /** Flags that never consume the next token (booleans, and flags with an optional value). */
  bool?: readonly string[];
}

export interface FlagTable {
  readonly style: FlagStyle;
  readonly value: ReadonlySet<string>;
  readonly bool: ReadonlySet<string>;
}

function normName(style: FlagStyle, name: string): string {
  if (style === 'go') return '--' + name.replace(/^-+/, '');
  return name;
}

/** Builds a table; later specs override earlier ones for a flag named in both. */
export function flagTable(style: FlagStyle, ...specs: FlagSpec[]): FlagTable {
  const value = new Set<string>();
  const bool = new Set<string>();
  for (const spec of specs) {
    for (const f of spec.value ?? []) {
      const n = normName(style, f);
      bool.delete(n);
      value.add(n);
    }
    for (const f of spec.bool ?? []) {
      const n = normName(style, f);
      value.delete(n);
      bool.add(n);
    }
  }
  return { style, value, bool };
}

export function isFlagToken(token: string): boolean {
  return token.length > 1 && token.startsWith('-') && token !== '--';
}

export interface FlagUse {
  /** Canonical names (`--project`, `-n`); a short cluster yields one name per letter. */
  names: string[];
  /** The value, when the flag took one (attached or from the next token). */
  value?: string;
  /** Index of the token holding the flag. */
  index: number;
  /** Index of the next token to read. */
  next: number;
  /**
   * False when a name in the token is not in the table and the flag has no attached value, so it
   * might have taken the next token as its value.
   */
  known: boolean;
}

/** Reads the flag at `tokens[i]` according to `table`. */
export function readFlag(tokens: readonly string[], i: number, table: FlagTable): FlagUse {
  const tok = tokens[i]!;
  const longForm = tok.startsWith('--') || table.style === 'go';
  if (longForm) {
    const eq = tok.indexOf('=');
    const raw = eq >= 0 ? tok.slice(0, eq) : tok;
    const name = normName(table.style, raw);
    if (eq >= 0) return { names: [name], value: tok.slice(eq + 1), index: i, next: i + 1, known: true };
    if (table.value.has(name)) {
      const value = tokens[i + 1];
      return { names: [name], value, index: i, next: value === undefined ? i + 1 : i + 2, known: true };
    }
    return { names: [name], index: i, next: i + 1, known: table.bool.has(name) };
  }
  // Short options, possibly clustered: each letter is a boolean until one takes a value, which
  // then owns the rest of the token (or the next token).
  const names: string[] = [];
  for (let j = 1; j < tok.length; j++) {
    const name = '-' + tok[j];
    names.push(name);
    if (table.value.has(name)) {
      let rest = tok.slice(j + 1);
      if (rest.startsWith('=')) rest = rest.slice(1);
      if (rest.length > 0) return { names, value: rest, index: i, next: i + 1, known: true };
      const value = tokens[i + 1];
      return { names, value, index: i, next: value === undefined ? i + 1 : i + 2, known: true };
    }
    if (!table.bool.has(name)) {
      // `-x=...` with an unknown x still cannot swallow the next token.
      const attached = tok[j + 1] === '=';
      return { names, index: i, next: i + 1, known: attached };
    }
  }
  return { names, index: i, next: i + 1, known: true };
}

// ---------------------------------------------------------------------------------------------
// Arguments after the command path

export interface ParsedArgs {
  /** Non-flag tokens, in order (not including those after `--`). */
  positionals: string[];
  flags: FlagUse[];
  /** Tokens after a bare `--`. */
  afterDashDash: string[];
  /**
   * True when an unknown flag appeared without an attached value: the token after it might be
   * its value rather than a positional, so positions are not trustworthy.
   */
  ambiguous: boolean;
  /** Names of the unknown flags, for reasons. */
  unknownFlags: string[];
}

export function parseArgs(tokens: readonly string[], table: FlagTable): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: [], afterDashDash: [], ambiguous: false, unknownFlags: [] };
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t === '--') {
      out.afterDashDash = tokens.slice(i + 1);
      break;
    }
    if (isFlagToken(t)) {
      const f = readFlag(tokens, i, table);
      out.flags.push(f);
      if (!f.known) {
        out.ambiguous = true;
        out.unknownFlags.push(t.split('=')[0]!);
      }
      i = f.next;
      continue;
    }
    out.positionals.push(t);
    i++;
  }
  return out;
}

/**
 * The arguments of the command a walk found, including flags written before the verb: most CLIs
 * accept `kubectl -o yaml get secret x` as well as `kubectl get secret x -o yaml`.
 */
export function commandArgs(walk: Walk, table: FlagTable): ParsedArgs {
  if (walk.kind === 'ambiguous') return parseArgs([], table);
  const parsed = parseArgs(walk.rest, table);
  return { ...parsed, flags: [...walk.before, ...parsed.flags] };
}

/** True when any of `names` was used as a flag. */
export function hasFlag(args: ParsedArgs, ...names: string[]): boolean {
  return args.flags.some((f) => f.names.some((n) => names.includes(n)));
}

/**
 * Like hasFlag, but also counts unambiguous-looking abbreviations (`--with-decr`), which Python
 * argparse based CLIs (aws) accept for long options. Used only to escalate, so over-matching a
 * prefix shared with another flag errs on the safe side.
 */
export function hasFlagOrAbbrev(args: ParsedArgs, ...names: string[]): boolean {
  return args.flags.some((f) =>
    f.names.some((n) => names.some((want) => n === want || (n.startsWith('--') && n.length >= 5 && want.startsWith(n)))),
  );
}

/** Values given to any of `names`, in order. */
export function flagValues(args: ParsedArgs, ...names: string[]): string[] {
  const out: string[] = [];
  for (const f of args.flags) {
    if (f.value !== undefined && f.names.some((n) => names.includes(n))) out.push(f.value);
  }
  return out;
}

/**
 * True when a help flag appears where the CLI would read it as a flag: not as the value of a
 * preceding flag (known value flags, or unknown flags that might take one) and not after `--`.
 */
export function helpRequested(tokens: readonly string[], table: FlagTable, helpFlags: readonly string[]): boolean {
  if (helpFlags.length === 0) return false;
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t === '--') return false;
    if (!isFlagToken(t)) {
      i++;
      continue;
    }
    if (helpFlags.includes(t)) return true;
    const f = readFlag(tokens, i, table);
    if (!f.known && f.value === undefined) {
      // The next token may be this flag's value, so a help flag there does not count.
      i = f.next + 1;
      continue;
    }
    i = f.next;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Command trees

export interface GroupNode {
  readonly children: ReadonlyMap<string, GroupNode>;
  /** The group is also a command on its own (`kubectl create -f x`, `aws configure`). */
  readonly hybrid?: boolean;
  /** Any token not in `children` is a group of this shape (aws services). */
  readonly any?: GroupNode;
}

export const LEAF_GROUP: GroupNode = { children: new Map() };

/**
 * Parses a compact group-tree notation: `name(child child(grandchild)) other`. Only groups are
 * listed; a token that is not a listed group is the verb. A trailing `*` marks a hybrid group.
 */
export function groupTree(src: string): GroupNode {
  let pos = 0;
  const parseList = (): Map<string, GroupNode> => {
    const map = new Map<string, GroupNode>();
    for (;;) {
      while (pos < src.length && /\s/.test(src[pos]!)) pos++;
      if (pos >= src.length || src[pos] === ')') return map;
      const start = pos;
      while (pos < src.length && !/[\s()]/.test(src[pos]!)) pos++;
      let name = src.slice(start, pos);
      const hybrid = name.endsWith('*');
      if (hybrid) name = name.slice(0, -1);
      let children = new Map<string, GroupNode>();
      if (src[pos] === '(') {
        pos++;
        children = parseList();
        if (src[pos] !== ')') throw new Error(`groupTree: missing ')' after ${name}`);
        pos++;
      }
      const existing = map.get(name);
      if (existing) for (const [k, v] of existing.children) if (!children.has(k)) children.set(k, v);
      map.set(name, hybrid ? { children, hybrid } : { children });
    }
  };
  const children = parseList();
  if (pos < src.length) throw new Error(`groupTree: unexpected ')' at ${pos}`);
  return { children };
}

export type Walk =
  | {
      kind: 'command';
      /** Groups then the verb. */
      path: string[];
      /** Tokens after the verb. */
      rest: string[];
      /** Flags seen before the verb. */
      before: FlagUse[];
    }
  | {
      kind: 'group';
      /** The command stopped at a group (no verb). */
      path: string[];
      node: GroupNode;
      rest: string[];
      before: FlagUse[];
    }
  | { kind: 'ambiguous'; path: string[]; reason: string };

export interface WalkOptions {
  /** Flags understood before the verb; may depend on the path so far. */
  flags: (path: readonly string[]) => FlagTable;
  /** Root-level words that select a release track and are otherwise transparent. */
  transparent?: ReadonlySet<string>;
}

/**
 * Finds the command path: descends through known groups, skipping flags (and the values of
 * flags known to take one); the first token that is not a known group is the verb. An unknown
 * flag before the verb makes the path unknowable, because the CLI might read the next token as
 * that flag's value.
 */
export function walkTree(tokens: readonly string[], root: GroupNode, opts: WalkOptions): Walk {
  const path: string[] = [];
  const before: FlagUse[] = [];
  let node = root;
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t === '--') {
      return { kind: 'ambiguous', path, reason: "'--' before the command is complete" };
    }
    if (isFlagToken(t)) {
      const f = readFlag(tokens, i, opts.flags(path));
      if (!f.known) {
        return {
          kind: 'ambiguous',
          path,
          reason: `unrecognised option '${shown(t.split('=')[0]!)}' before the command; cannot tell whether it takes a value (write it as --flag=value or after the command)`,
        };
      }
      before.push(f);
      i = f.next;
      continue;
    }
    if (path.length === 0 && opts.transparent?.has(t)) {
      path.push(t);
      i++;
      continue;
    }
    const child = node.children.get(t) ?? node.any;
    if (child) {
      path.push(t);
      node = child;
      i++;
      continue;
    }
    path.push(t);
    return { kind: 'command', path, rest: tokens.slice(i + 1), before };
  }
  return { kind: 'group', path, node, rest: [], before };
}

// ---------------------------------------------------------------------------------------------
// Verb tables

export interface VerbTable {
  /** Exact verb → class. */
  exact: Readonly<Record<string, CommandClass>>;
  /** Checked in order after `exact`: verbs starting with the prefix. */
  prefixes: ReadonlyArray<readonly [prefix: string, cls: CommandClass]>;
  /** Checked after prefixes: verbs ending with the suffix. */
  suffixes?: ReadonlyArray<readonly [suffix: string, cls: CommandClass]>;
}

export function lookupVerb(table: VerbTable, verb: string): CommandClass | undefined {
  if (Object.hasOwn(table.exact, verb)) return table.exact[verb];
  for (const [p, cls] of table.prefixes) if (verb.startsWith(p)) return cls;
  for (const [s, cls] of table.suffixes ?? []) if (verb.endsWith(s)) return cls;
  return undefined;
}

const VERB_REASON: Record<CommandClass, string> = {
  read: 'reads or lists resources',
  write: 'creates or changes resources',
  destructive: 'deletes or irreversibly changes resources',
  sensitive: 'reveals secrets or credentials, or opens a session with them',
  unknown: 'is not in the command tables',
};

export function verbVerdict(cli: string, path: readonly string[], cls: CommandClass): Verdict {
  return verdict(cls, `${cli} ${shown(path.join(' '), 120)} ${VERB_REASON[cls]}`);
}

/** Matches a path against `"a b c"` keys; `*` matches any single token. */
export function pathMatches(pattern: string, path: readonly string[]): boolean {
  const parts = pattern.split(' ');
  if (parts.length !== path.length) return false;
  return parts.every((p, i) => p === '*' || p === path[i]);
}

/** Longest prefix of `path` that is a key of `table` (keys are space-joined), if any. */
export function longestPrefix<T>(table: ReadonlyMap<string, T>, path: readonly string[]): T | undefined {
  for (let n = path.length; n > 0; n--) {
    const hit = table.get(path.slice(0, n).join(' '));
    if (hit !== undefined) return hit;
  }
  return undefined;
}
