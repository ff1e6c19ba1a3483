/**
 * POSIX shell-word parsing for cloud_tool commands.
 *
 * We never run a shell: quoting and word splitting work as in a POSIX shell (bash), and anything
 * whose meaning depends on running one (operators, command and variable expansion, redirections,
 * tilde expansion, comments, subshells) is rejected instead of being passed through literally:
 * passing `a;b` as one argument would silently differ from what the user meant and confirmed,
 * and expanding it ourselves would be a shell.
 *
 * Glob and brace characters (`*`, `?`, `[…]`, `{a,b}`) are the exception: with no shell and no
 * local files there is nothing to expand them against, and what users mean by them is the
 * literal text (`gsutil ls gs://b/*`, `az rest --url …?api-version=…`, AWS shorthand
 * `IpPermissions=[{IpProtocol=tcp,FromPort=22}]`). The command shown for confirmation quotes them
 * (see displayCommand), so what is confirmed is exactly what runs.
 */

export type ParseResult = { ok: true; argv: string[] } | { ok: false; reason: string };

export const MAX_COMMAND_LENGTH = 10_000;
export const MAX_ARGS = 512;

// Invisible or layout-changing characters can make the confirmed text differ from what runs
// (bidi overrides, zero-width joiners, line separators), so they are refused anywhere.
const FORBIDDEN_CHAR = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
// A shell splits words only on space, tab and newline; other Unicode spaces would silently glue
// two visually separate words into one argument.
const UNICODE_SPACE = /[\p{Zs}]/u;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}

/** Why a `$` at `s[i]` would start an expansion, or null when a shell keeps it literal. */
function dollarConstruct(s: string, i: number, inDouble: boolean): string | null {
  const next = s[i + 1];
  if (next === undefined) return null;
  if (next === '(') {
    return s[i + 2] === '(' ? 'arithmetic expansion $((...))' : 'command substitution $(...)';
  }
  if (next === '{') return 'parameter expansion ${...}';
  if (next === '[') return 'arithmetic expansion $[...]';
  if (!inDouble && next === "'") return "ANSI-C quoting $'...'";
  if (!inDouble && next === '"') return 'locale quoting $"..."';
  if (NAME_START.test(next)) {
    let j = i + 1;
    while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
    return `variable expansion $${s.slice(i + 1, j)}`;
  }
  if (/[0-9@*#?$!-]/.test(next)) return `special parameter expansion $${next}`;
  return null;
}

/**
 * Splits `command` into argv the way a POSIX shell would, or says which shell construct it
 * would need.
 */
export function parseCommand(command: string): ParseResult {
  if (typeof command !== 'string') return fail('command must be a string');
  if (command.length > MAX_COMMAND_LENGTH) {
    return fail(`command is too long (${command.length} characters; the limit is ${MAX_COMMAND_LENGTH})`);
  }
  if (!command.isWellFormed()) return fail('command contains invalid Unicode (a lone surrogate)');
  for (const ch of command) {
    if (ch === '\n' || ch === '\r') return fail('newlines are not allowed: send one command per request');
    if (ch === '\0') return fail('NUL characters are not allowed');
    if (ch !== '\t' && FORBIDDEN_CHAR.test(ch)) {
      return fail(`control or invisible formatting character ${describeChar(ch)} is not allowed`);
    }
  }

  const argv: string[] = [];
  let word = '';
  let inWord = false;
  // A shell applies assignment, tilde and redirection-fd rules only to unquoted text, so
  // the parser tracks whether the word so far is entirely unquoted and what came last.
  let allUnquoted = true;
  let isAssignment = false;
  let lastUnquoted = '';
  let i = 0;
  const s = command;

  const endWord = (): ParseResult | null => {
    if (!inWord) return null;
    if (argv.length === 0 && isAssignment) {
      const name = word.slice(0, word.indexOf('='));
      return fail(`environment assignment '${name}=...' before the command is not allowed`);
    }
    argv.push(word);
    if (argv.length > MAX_ARGS) return fail(`too many arguments (the limit is ${MAX_ARGS})`);
    word = '';
    inWord = false;
    allUnquoted = true;
    isAssignment = false;
    lastUnquoted = '';
    return null;
  };

  while (i < s.length) {
    const ch = s[i]!;

    if (ch === ' ' || ch === '\t') {
      const r = endWord();
      if (r) return r;
      i++;
      continue;
    }
    if (UNICODE_SPACE.test(ch)) {
      return fail(`Unicode space ${describeChar(ch)} outside quotes is not allowed (use a plain space or quote it)`);
    }

    if (ch === "'") {
      const close = s.indexOf("'", i + 1);
      if (close < 0) return fail('unterminated single quote');
      word += s.slice(i + 1, close);
      inWord = true;
      allUnquoted = false;
      lastUnquoted = '';
      i = close + 1;
      continue;
    }

    if (ch === '"') {
      let j = i + 1;
      let closed = false;
      while (j < s.length) {
        const c = s[j]!;
        if (c === '"') {
          closed = true;
          break;
        }
        if (c === '\\') {
          const n = s[j + 1];
          // Inside double quotes a backslash escapes only these; elsewhere it stays literal.
          if (n === '"' || n === '\\' || n === '$' || n === '`') {
            word += n;
            j += 2;
            continue;
          }
          word += '\\';
          j++;
          continue;
        }
        if (c === '`') return fail('command substitution `...` is not allowed (inside double quotes too)');
        if (c === '$') {
          const what = dollarConstruct(s, j, true);
          if (what) return fail(`${what} is not allowed (inside double quotes too); write the value literally`);
        }
        word += c;
        j++;
      }
      if (!closed) return fail('unterminated double quote');
      inWord = true;
      allUnquoted = false;
      lastUnquoted = '';
      i = j + 1;
      continue;
    }

    if (ch === '\\') {
      const n = s[i + 1];
      if (n === undefined) return fail('trailing backslash is not allowed');
      word += n;
      inWord = true;
      allUnquoted = false;
      lastUnquoted = '';
      i += 2;
      continue;
    }

    // From here on the character is unquoted.
    switch (ch) {
      case ';':
        return fail("command separator ';' is not allowed: send one command per request");
      case '&':
        if (s[i + 1] === '&') return fail("operator '&&' is not allowed: send one command per request");
        if (s[i + 1] === '>') return fail("redirection '&>' is not allowed");
        return fail("background operator '&' is not allowed");
      case '|':
        if (s[i + 1] === '|') return fail("operator '||' is not allowed: send one command per request");
        return fail("pipe '|' is not allowed");
      case '>': {
        if (s[i + 1] === '(') return fail("process substitution '>(...)' is not allowed");
        const fd = inWord && allUnquoted && /^[0-9]+$/.test(word) ? word : '';
        const op = s[i + 1] === '>' ? '>>' : s[i + 1] === '&' ? '>&' : s[i + 1] === '|' ? '>|' : '>';
        return fail(`redirection '${fd}${op}' is not allowed`);
      }
      case '<': {
        if (s[i + 1] === '(') return fail("process substitution '<(...)' is not allowed");
        if (s.startsWith('<<<', i)) return fail("here-string '<<<' is not allowed");
        if (s[i + 1] === '<') return fail("here-document '<<' is not allowed");
        const fd = inWord && allUnquoted && /^[0-9]+$/.test(word) ? word : '';
        return fail(`redirection '${fd}<' is not allowed`);
      }
      case '(':
      case ')':
        return fail(`subshell or grouping '${ch}' is not allowed (quote it if it is part of an argument)`);
      case '`':
        return fail('command substitution `...` is not allowed');
      case '$': {
        const what = dollarConstruct(s, i, false);
        if (what) return fail(`${what} is not allowed; write the value literally`);
        break;
      }
      case '#':
        if (!inWord) return fail("comment '#' is not allowed (quote it if it is part of an argument)");
        break;
      case '~':
        if (!inWord) return fail("tilde expansion '~' at the start of a word is not allowed (quote it or write the path)");
        // bash also expands ~ after '=' or ':' in assignment-shaped words, even as arguments.
        if (isAssignment && (lastUnquoted === '=' || lastUnquoted === ':')) {
          return fail("tilde expansion '~' after '=' or ':' is not allowed (quote it or write the path)");
        }
        break;
      case '=':
        if (!isAssignment && allUnquoted && NAME.test(word)) isAssignment = true;
        break;
      default:
        break;
    }
    word += ch;
    lastUnquoted = ch;
    inWord = true;
    i++;
  }
  const r = endWord();
  if (r) return r;
  if (argv.length === 0) return fail('empty command');
  return { ok: true, argv };
}
