/**
 * Argument rules: per-CLI data (`<cli>-args.ts`, beside each grammar) saying which arguments
 * refuse a command outright, raise its class, or, for an explicit dry run, lower it. They run
 * after the grammar has found the command path and its class, so each rule can be scoped to
 * command paths and never looks at resource names.
 *
 * How rules combine is decided here, once, so no table can get it wrong:
 * 1. any `refuse` rule that matches rejects the command (the first one gives the reason);
 * 2. `destructive` and `sensitive` rules only ever raise the class (the stronger verdict wins; at
 *    the same class the rule's reason replaces the grammar's, because it names the argument);
 * 3. a `dry-run` rule turns `write` or `destructive` into `read`, and nothing else: only when the
 *    grammar itself knows the command as one of those, never `sensitive` or `unknown`, and a
 *    refused command stays refused.
 *
 * Matching errs towards the rule when the rule refuses or raises (a flag named by a rule takes the
 * next token as its value even when the grammar's flag table does not know the flag, and every
 * token counts as a possible operand), and towards the command when a rule lowers (the dry-run
 * flag must be one the CLI reads as a flag, not the value of a flag before it, and the last
 * spelling wins, as it does in the CLIs).
 */
import type { CommandClass, FlagSpec, FlagTable, Verdict } from '../engine.ts';
import { flagTable, isFlagToken, readFlag, shown, stronger, verdict } from '../engine.ts';

export type Effect = 'refuse' | 'destructive' | 'sensitive' | 'dry-run';

/** What a rule looks for. Every form is data; `test` is the escape hatch for a few shapes. */
export type Match =
  /**
   * One of these flags; with `value`, the flag takes a value and it must match. With `prefixes`,
   * on a CLI that accepts abbreviations, any prefix of the names counts too (only for names no
   * shorter real option starts, or `--key` would count as `--key-pair-file`).
   */
  | { readonly flag: readonly string[]; readonly value?: RegExp; readonly prefixes?: boolean }
  /** Any token at all (operands, flag values, after `--`) matches: `file://…`. */
  | { readonly arg: RegExp }
  /** An operand (non-flag argument after the command path); `at` picks one by position. */
  | { readonly operand: RegExp; readonly at?: number }
  /** A `key=value` (or JSON `"key": value`) anywhere: as an argument, in shorthand, in inline JSON. */
  | { readonly pair: RegExp; readonly value?: RegExp }
  | { readonly all: readonly Match[] }
  | { readonly any: readonly Match[] }
  | { readonly not: Match }
  | { readonly test: (scan: Scan) => Hit | null };

export interface ArgRule {
  /** Stable name, recorded with the classification (and so in audit items) when the rule fires. */
  readonly id: string;
  readonly effect: Effect;
  /** Command paths the rule applies to (see pathIs); every path when absent. */
  readonly on?: readonly string[];
  /** The arguments that make it fire; absent means the command path alone does. */
  readonly match?: Match;
  readonly unless?: Match;
  /** For `dry-run`: spellings that switch the dry run off again (`--no-dry-run`). */
  readonly off?: readonly string[];
  /** Shown to the user; `{flag}` and `{value}` are filled in from what matched, `{command}` is the CLI and command path. */
  readonly reason: string;
}

export interface ArgRules {
  /** argparse-style CLIs accept any unique prefix of a long option (`--e` for `--endpoint-url`); see `prefixes`. */
  readonly abbreviations?: boolean;
  /** Flags the grammar's table lacks but the rules need to read correctly (values, dry-run booleans). */
  readonly flags?: FlagSpec;
  /** Unrecognised long options take the next token (aws: nearly every option takes a value). */
  readonly valueByDefault?: boolean;
  readonly rules: readonly ArgRule[];
}

export interface Hit {
  flag?: string;
  value?: string;
}

export interface RuleDecision extends Verdict {
  /** True when a refuse rule matched: the command must not run. */
  refused: boolean;
  /** Ids of the rules that changed the verdict, in the order they applied. */
  rules: string[];
}

// ---------------------------------------------------------------------------------------------
// Paths

/**
 * `pattern` is space-separated words; a word may contain `*` (any characters within one word),
 * and the word `**` stands for any number of words (none included).
 */
export function pathIs(pattern: string, path: readonly string[]): boolean {
  const parts = pattern.split(' ');
  const word = (p: string, w: string) => (p.includes('*') ? new RegExp(`^${p.split('*').map(escapeRe).join('[^ ]*')}$`).test(w) : p === w);
  const go = (i: number, j: number): boolean => {
    if (i === parts.length) return j === path.length;
    if (parts[i] === '**') return go(i + 1, j) || (j < path.length && go(i, j + 1));
    return j < path.length && word(parts[i]!, path[j]!) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Scanning the arguments once

interface FlagSeen {
  /** Canonical names in the token (one per letter for a short cluster). */
  names: string[];
  /** The token as written, up to any `=`. */
  written: string;
  index: number;
  /** Value attached to the token (`--f=v`, `-fv`). */
  attached?: string;
  /** The value the grammar's table reads for it (attached, or the next token for a known value flag). */
  tableValue?: string;
  /** The table knows the flag (or it carries its value), so the next token is not in doubt. */
  known: boolean;
  /** The table knows the flag as one that takes no value. */
  bool: boolean;
}

/** The arguments of one command, read once for all rules. */
export interface Scan {
  readonly cli: string;
  readonly path: readonly string[];
  readonly tokens: readonly string[];
  /** Tokens before the first `--`. */
  readonly before: readonly string[];
  /** Tokens after the first `--`. */
  readonly after: readonly string[];
  readonly flags: readonly FlagSeen[];
  /** Non-flag arguments after the command path, then everything after `--`. */
  readonly operands: readonly string[];
  /**
   * The same, reading every unrecognised option as a switch: a superset of `operands` (for
   * valueByDefault CLIs), for rules that must not miss a path hidden behind an unknown flag.
   */
  readonly looseOperands: readonly string[];
  readonly abbreviations: boolean;
  readonly style: 'gnu' | 'go';
}

function canonical(style: 'gnu' | 'go', name: string): string {
  return style === 'go' ? '--' + name.replace(/^-+/, '') : name;
}

export function scanArgs(cli: string, path: readonly string[], tokens: readonly string[], table: FlagTable, abbreviations = false, valueByDefault = false): Scan {
  const dd = tokens.indexOf('--');
  const before = dd === -1 ? tokens : tokens.slice(0, dd);
  const after = dd === -1 ? [] : tokens.slice(dd + 1);
  const flags: FlagSeen[] = [];
  let i = 0;
  while (i < before.length) {
    const t = before[i]!;
    if (!isFlagToken(t)) {
      i++;
      continue;
    }
    const f = readFlag(before, i, table);
    const eq = t.indexOf('=');
    const long = t.startsWith('--') || table.style === 'go';
    const attached = long ? (eq >= 0 ? t.slice(eq + 1) : undefined) : f.value !== undefined && f.next === i + 1 ? f.value : undefined;
    flags.push({
      names: f.names,
      written: eq >= 0 ? t.slice(0, eq) : t,
      index: i,
      attached,
      tableValue: f.value,
      known: f.known,
      bool: f.known && f.value === undefined && f.next === i + 1,
    });
    i = f.next;
  }
  const operandsOf = (unknownTakesValue: boolean): string[] => {
    const positionals: string[] = [];
    for (let k = 0; k < before.length; k++) {
      const t = before[k]!;
      if (!isFlagToken(t)) {
        positionals.push(t);
        continue;
      }
      const f = readFlag(before, k, table);
      k = f.next - 1;
      // An unrecognised option may take the next token: CLIs whose options nearly all take a
      // value (aws) say so, and then that token is not an operand.
      if (!f.known && unknownTakesValue && !t.startsWith('--no-') && !t.includes('=') && t.startsWith('--')) k++;
    }
    // Drop the words of the command path (and words the grammar skipped, like a release track).
    const operands: string[] = [];
    let j = 0;
    for (const p of positionals) {
      if (j < path.length) {
        if (p === path[j]) j++;
        continue;
      }
      operands.push(p);
    }
    return [...operands, ...after];
  };
  const operands = operandsOf(valueByDefault);
  return { cli, path, tokens, before, after, flags, operands, looseOperands: valueByDefault ? operandsOf(false) : operands, abbreviations, style: table.style };
}

function nameMatches(scan: Scan, seen: string, want: string, prefixes = false): boolean {
  const w = canonical(scan.style, want);
  if (seen === w) return true;
  // argparse resolves a unique prefix; matching every prefix of three or more characters errs
  // on the side of the rule (an ambiguous prefix makes the CLI fail anyway).
  return prefixes && scan.abbreviations && seen.startsWith('--') && seen.length >= 3 && w.startsWith(seen);
}

/** Every value given to one of `names`, read the way a rule reads it. */
function valuesOf(scan: Scan, names: readonly string[], prefixes: boolean): Array<{ flag: string; value: string | undefined }> {
  const out: Array<{ flag: string; value: string | undefined }> = [];
  for (const f of scan.flags) {
    const hit = f.names.find((n) => names.some((w) => nameMatches(scan, n, w, prefixes)));
    if (hit === undefined) continue;
    const last = f.names[f.names.length - 1] === hit;
    // A flag the table does not know is read as taking the next token: the rule says it does.
    const value = f.attached ?? (last && !f.bool ? (f.tableValue ?? scan.before[f.index + 1]) : undefined);
    out.push({ flag: f.written.startsWith('--') || f.names.length === 1 ? f.written : hit, value });
  }
  return out;
}

/** Strings a `pair` match looks into: every token, and flag values. */
const PAIR_VALUE_END = /[,}\]\s"']/;

function findPair(scan: Scan, key: RegExp, value: RegExp | undefined): Hit | null {
  const keyRe = new RegExp(`(?:^|[\\s,{\\[(]|--)"?(${key.source})"?\\s*[=:]\\s*`, key.flags.includes('i') ? 'gi' : 'g');
  for (const t of scan.tokens) {
    keyRe.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = keyRe.exec(t)) !== null) {
      let rest = t.slice(m.index + m[0].length);
      if (rest.startsWith('"')) {
        const close = rest.indexOf('"', 1);
        rest = close > 0 ? rest.slice(1, close) : rest.slice(1);
      } else {
        const end = rest.search(PAIR_VALUE_END);
        if (end >= 0) rest = rest.slice(0, end);
      }
      if (!value || value.test(rest)) return { flag: m[1], value: rest };
    }
  }
  return null;
}

export function match(m: Match, scan: Scan): Hit | null {
  if ('flag' in m) {
    if (!m.value) {
      for (const f of scan.flags) {
        const hit = f.names.find((n) => m.flag.some((w) => nameMatches(scan, n, w, m.prefixes)));
        if (hit !== undefined) return { flag: f.written.startsWith('--') || f.names.length === 1 ? f.written : hit, value: f.attached };
      }
      return null;
    }
    for (const { flag, value } of valuesOf(scan, m.flag, m.prefixes ?? false)) {
      if (value !== undefined && m.value.test(value)) return { flag, value };
    }
    return null;
  }
  if ('arg' in m) {
    for (const t of scan.tokens) {
      if (m.arg.test(t)) return { value: t };
      const eq = t.indexOf('=');
      if (isFlagToken(t) && eq > 0 && m.arg.test(t.slice(eq + 1))) return { flag: t.slice(0, eq), value: t.slice(eq + 1) };
    }
    return null;
  }
  if ('operand' in m) {
    const list = m.at === undefined ? scan.operands : scan.operands.slice(m.at, m.at + 1);
    const v = list.find((o) => m.operand.test(o));
    return v === undefined ? null : { value: v };
  }
  if ('pair' in m) return findPair(scan, m.pair, m.value);
  if ('all' in m) {
    let first: Hit | null = null;
    for (const x of m.all) {
      const h = match(x, scan);
      if (!h) return null;
      first ??= h;
    }
    return first ?? {};
  }
  if ('any' in m) {
    for (const x of m.any) {
      const h = match(x, scan);
      if (h) return h;
    }
    return null;
  }
  if ('not' in m) return match(m.not, scan) ? null : {};
  return m.test(scan);
}

function fill(reason: string, hit: Hit, scan: Scan): string {
  return reason
    .replace(/\{flag\}/g, hit.flag ?? '')
    .replace(/\{value\}/g, shown(hit.value ?? '', 80))
    .replace(/\{command\}/g, shown([scan.cli, ...scan.path].join(' '), 120));
}

// ---------------------------------------------------------------------------------------------
// Dry runs

/**
 * True when the last spelling of the rule's flags switches the dry run on, and the CLI will read
 * that token as a flag (not as the value of an unrecognised flag before it).
 */
function dryRunOn(rule: ArgRule, scan: Scan): Hit | null {
  const m = rule.match;
  if (!m || !('flag' in m)) return null;
  const on = m.flag.map((n) => canonical(scan.style, n));
  const off = (rule.off ?? []).map((n) => canonical(scan.style, n));
  let last: { flag: FlagSeen; on: boolean } | null = null;
  for (const f of scan.flags) {
    // In a short cluster a letter might be something else entirely; only a lone flag counts.
    if (f.names.length !== 1) continue;
    const n = f.names[0]!;
    if (on.includes(n)) last = { flag: f, on: true };
    else if (off.includes(n)) last = { flag: f, on: false };
  }
  if (!last || !last.on) return null;
  const f = last.flag;
  if (f.attached !== undefined ? !(m.value ?? /^$/).test(f.attached) : !f.bool) return null;
  const prev = scan.flags.find((g) => g.index === f.index - 1);
  if (prev && !prev.known && prev.attached === undefined) return null;
  return { flag: f.written, value: f.attached };
}

// ---------------------------------------------------------------------------------------------
// Applying a rule set

/**
 * The verdict after the rules: refused, raised or lowered. `help` is true when the grammar found
 * a help request; rules that fire on the command path alone then stay quiet (help runs nothing),
 * while rules on arguments still apply, since CLIs read those before they print help.
 */
export function applyRules(set: ArgRules, scan: Scan, base: Verdict, help: boolean): RuleDecision {
  const applies = (r: ArgRule) => (!r.on || r.on.some((p) => pathIs(p, scan.path))) && !(help && !r.match);
  const fires = (r: ArgRule): Hit | null => {
    if (!applies(r)) return null;
    const hit = r.match ? match(r.match, scan) : {};
    if (!hit) return null;
    if (r.unless && match(r.unless, scan)) return null;
    return hit;
  };
  for (const r of set.rules) {
    if (r.effect !== 'refuse') continue;
    const hit = fires(r);
    if (hit) return { class: base.class, reason: fill(r.reason, hit, scan), refused: true, rules: [r.id] };
  }
  let v: Verdict = base;
  const fired: string[] = [];
  for (const r of set.rules) {
    if (r.effect !== 'destructive' && r.effect !== 'sensitive') continue;
    const hit = fires(r);
    if (!hit) continue;
    const mine = verdict(r.effect, fill(r.reason, hit, scan));
    // At the same class the first rule's reason beats the grammar's: it names the argument.
    const next = fired.length === 0 && mine.class === v.class ? mine : stronger(v, mine);
    if (next !== v) fired.push(r.id);
    v = next;
  }
  // The grammar must know the command (write or destructive), not only the rules: an unknown
  // command raised by an argument is still one we cannot say a dry run applies to.
  const lowerable = (c: CommandClass) => c === 'write' || c === 'destructive';
  if (lowerable(base.class) && lowerable(v.class)) {
    for (const r of set.rules) {
      if (r.effect !== 'dry-run' || !applies(r)) continue;
      const hit = dryRunOn(r, scan);
      if (hit && !(r.unless && match(r.unless, scan))) {
        fired.push(r.id);
        v = verdict('read', fill(r.reason, hit, scan));
        break;
      }
    }
  }
  return { class: v.class, reason: v.reason, refused: false, rules: fired };
}

/** The grammar's table with the rule set's own flags added (for reading values right). */
export function rulesTable(base: FlagTable, set: ArgRules): FlagTable {
  if (!set.flags) return base;
  return flagTable(base.style, { value: [...base.value], bool: [...base.bool] }, set.flags);
}

// ---------------------------------------------------------------------------------------------
// Shared value shapes

/** A value that names something in the cloud, not on this machine. */
export const CLOUD_URL = /^(gs|s3|az|https?):\/\//i;
/** A local path: anything that is not a cloud URL (including `-`, standard input). */
export const LOCAL = /^(?!(gs|s3|az|https?):\/\/)/i;
/** Values that read a local file (AWS CLI paramfiles and the like). */
export const FILE_URL = /^file(b)?:\/\//i;

/** Spellings of zero (`0`, `00`), for scale-to-zero rules. */
export const ZERO = /^0+$/;
/** The whole internet as a network range. */
export const ANYWHERE = /(^|[^0-9.])0\.0\.0\.0\/0($|[^0-9])|(^|[^0-9a-f:])::\/0($|[^0-9])/i;
/** Google's and similar principals meaning everyone. */
export const EVERYONE = /(^|[^A-Za-z])(allUsers|allAuthenticatedUsers)($|[^A-Za-z])/;

/**
 * True for a URL whose host is this machine, a private or link-local network, or a cloud
 * metadata endpoint: a CLI fetching it would reach the runtime's own services.
 */
export function internalUrl(value: string): boolean {
  let host: string;
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host === 'metadata') return true;
  if (host.includes(':')) {
    // IPv6: loopback, unspecified, unique-local, link-local, and v4-mapped forms of any of them.
    return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  }
  const m = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (!m) {
    // WHATWG URL parsing already turns decimal, octal and hex forms into dotted quads, so any
    // other all-digit host is unusual enough to refuse.
    return /^[0-9.x]+$/.test(host);
  }
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 127 || a === 0 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

