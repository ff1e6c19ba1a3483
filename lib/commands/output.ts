import { capText, cleanText, parseJsonOutput, type RunResult } from './execute.ts';

/** How a run is shown: the output a caller gets, the command people confirm, the argv we audit. */

const REDACTED = '[redacted]';

/**
 * `output` is stdout parsed as JSON when it is JSON, else its text; when stdout is empty (most
 * failures) it is stderr's text, so a caller that shows only `output` still sees the error.
 * stderr is always returned on its own too. Credential values we handed the CLI are replaced
 * before anything else, so no command (confirmed or not) can echo the service's copy of them.
 */
export function shapeOutput(r: RunResult, secrets: readonly string[], max: number, note?: string): { output: unknown; stderr: string; truncated: boolean } {
  const scrub = (t: string) => secrets.reduce((acc, s) => acc.split(s).join(REDACTED), t);
  const out = scrub(cleanText(r.stdout.text));
  const err = scrub(cleanText(r.stderr.text));
  const errCapped = capText(err, max, r.stderr.overflow);
  if (!note && !r.stdout.overflow && out.length <= max) {
    const json = parseJsonOutput(out);
    if (json.ok) return { output: json.value, stderr: errCapped.text, truncated: errCapped.truncated };
  }
  const main = out.trim() === '' && err.trim() !== '' ? { text: err, overflow: r.stderr.overflow } : { text: out, overflow: r.stdout.overflow };
  const capped = capText(main.text, max, main.overflow);
  return { output: note ? `${capped.text}${capped.text && !capped.text.endsWith('\n') ? '\n' : ''}${note}` : capped.text, stderr: errCapped.text, truncated: capped.truncated || errCapped.truncated };
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** argv as a POSIX shell would need it typed, for people to read and confirm (never executed). */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((a) => (SAFE_WORD.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Flags and key=value arguments whose values are credentials the user typed (audit keeps the rest). */
const SECRET_FLAG = /(password|passwd|secret(?![-_]?(id|name|arn))|token|private[-_]?key|key[-_]?material|credential|auth[-_]?key|api[-_]?key)/i;

export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = eq === -1 ? a : a.slice(0, eq);
    if (SECRET_FLAG.test(name) && (a.startsWith('-') || eq > 0)) {
      if (eq !== -1) out.push(`${name}=${REDACTED}`);
      else {
        out.push(a);
        if (i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
          out.push(REDACTED);
          i++;
        }
      }
    } else out.push(a);
  }
  return out;
}

