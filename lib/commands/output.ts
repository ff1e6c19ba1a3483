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

/**
 * Audit form of an argv: every value that may be a secret the user typed is replaced, while
 * the program, command path, flag names, keys and resource names stay, so the record still says
 * what ran. Redacted: values of flags whose name says password, secret, token, credential, value
 * or (api/private/account/...) key; `key=value` pairs, shorthand and JSON members with such keys
 * (`--from-literal=password=…`, `data=…`, `SecretString=…`); the value after
 * `configure set <secret setting>`; URL userinfo; `Authorization` headers; values of the
 * documented password short flags; everything after `--` (passed to another program); and
 * anything shaped like a well-known credential (JWTs, private keys, provider token prefixes).
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  const cli = argv[0] ?? '';
  const shortSecret = SHORT_SECRET_FLAGS[cli] ?? [];
  let configureSet = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' && i > 0) {
      // What follows is handed to another program (a container, ssh, a script): opaque, so hidden.
      out.push(a, ...argv.slice(i + 1).map(() => REDACTED));
      break;
    }
    if (/^(configure|config)$/.test(a) && argv[i + 1] === 'set') configureSet = i + 1;
    // `configure set aws_secret_access_key VALUE`, `config set proxy/password VALUE`
    if (configureSet >= 0 && i === configureSet + 2 && SECRET_KEY.test(argv[configureSet + 1] ?? '')) {
      out.push(REDACTED);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a : a.slice(0, eq);
      if (secretFlag(name) || shortSecret.includes(name)) {
        if (eq !== -1) out.push(`${name}=${REDACTED}`);
        else {
          out.push(a);
          // The next token is the value unless it is plainly another option: a password may
          // start with `-` (pflag CLIs take it as the value), and hiding a short flag errs safe.
          if (i + 1 < argv.length && !isBooleanName(name) && !argv[i + 1]!.startsWith('--')) {
            out.push(REDACTED);
            i++;
          }
        }
        continue;
      }
      if (eq !== -1) {
        out.push(`${name}=${redactValue(a.slice(eq + 1), name === '--from-literal')}`);
        continue;
      }
      out.push(a);
      continue;
    }
    out.push(redactValue(a, false));
  }
  return out;
}

/** Keys (of flags, pairs and JSON members) whose value is a credential. */
const SECRET_KEY =
  /(password|passwd|passphrase|pwd$|secret(?![-_.]?(id|name|names|arn|ref|refs|version|versions|type|manager|store|provider)$)|token(?![-_.]?(id|name|type|url|uri|endpoint|expiry|expiration|ttl|duration|lifetime)$)|credential(?![-_.]?(id|name|type|process)$)|private[-_.]?key|api[-_.]?key(?![-_.]?(id|name)$)|(secret|account|customer|sse-c|shared|primary|secondary|signing|master|storage|auth|subscription|hmac|client|access[-_]key)[-_.]?key$|key[-_.]?material|connection[-_.]?string|authorization|^sas$|^data$)/i;

/** Flag names that say their value is secret (`--master-user-password`, `--secret-string`). */
function secretFlag(name: string): boolean {
  if (!name.startsWith('-')) return false;
  const bare = name.replace(/^-+/, '');
  if (/^(from-literal)$/.test(bare)) return false;
  return SECRET_KEY.test(bare) || /^(secret-string|secret-binary|value|token|password|client-secret|auth-token)$/.test(bare);
}

/** Switches with a secret-sounding name that take no value (`--hide-password`, `--with-decryption`). */
function isBooleanName(name: string): boolean {
  return /^--(no|hide|include|show|generate|manage|rotate|reveal|with|enable|disable|prompt-for|require|expose|print|skip|use|allow|force|list)(-|$)/.test(name);
}

/** Short flags that a CLI documents as a password (az -p: `az login -p`, `az sql server create -p`). */
const SHORT_SECRET_FLAGS: Readonly<Record<string, readonly string[]>> = { az: ['-p'] };

/** Shapes of well-known credentials, wherever they appear. */
const CREDENTIAL_SHAPES = [
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(ya29\.[A-Za-z0-9._-]{10,}|tskey-[A-Za-z0-9-]{10,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{30,}|glpat-[A-Za-z0-9_-]{16,})/g,
];

/**
 * One argument or flag value with its secret parts replaced: `key=value` and comma-separated
 * shorthand whose key is secret (and `Value=` after a secret `Name=`/`Key=`), JSON members, URL
 * userinfo, Authorization headers and credential shapes. With `literal`, the value is a
 * `key=value` whose value is always hidden (`--from-literal`).
 */
function redactValue(v: string, literal: boolean): string {
  if (literal) {
    const eq = v.indexOf('=');
    return eq === -1 ? REDACTED : `${v.slice(0, eq)}=${REDACTED}`;
  }
  let r = v;
  for (const re of CREDENTIAL_SHAPES) r = r.replace(re, REDACTED);
  // Up to the last `@`: a password may hold unencoded `/` or `#`; hiding a path with an `@` in it errs safe.
  r = r.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s]*@/gi, `$1${REDACTED}@`);
  r = r.replace(/^((?:proxy-)?authorization|x-api-key|x-goog-encryption-key|x-amz-server-side-encryption-customer-key)(\s*[:=]\s*).*$/i, `$1$2${REDACTED}`);
  // JSON members: "password": "…" (strings, numbers and literals).
  r = r.replace(/("([^"\\]+)"\s*:\s*)("(?:[^"\\]|\\.)*"|[-0-9.eE+]+|true|false)/g, (m, head: string, key: string) => (SECRET_KEY.test(key) ? `${head}"${REDACTED}"` : m));
  // key=value, possibly several, comma-separated or inside shorthand brackets.
  let lastKeyNamedSecret = false;
  r = r.replace(/(^|[,{[\s])([A-Za-z_][\w.-]*)(=|:)([^,{}[\]\s]*)/g, (m, lead: string, key: string, sep: string, value: string) => {
    if ((sep === ':' && !lead) || value.startsWith(REDACTED.slice(0, -1))) return m;
    const keyed = /^(name|key|parameterkey|parameter-key|variable)$/i.test(key);
    if (SECRET_KEY.test(key) || (lastKeyNamedSecret && /^(value|parametervalue|parameter-value)$/i.test(key))) {
      lastKeyNamedSecret = false;
      return `${lead}${key}${sep}${value === '' ? '' : REDACTED}`;
    }
    lastKeyNamedSecret = keyed && SECRET_KEY.test(value.replace(/^"|"$/g, ''));
    return m;
  });
  return r;
}
