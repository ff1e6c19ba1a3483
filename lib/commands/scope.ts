import { BadRequestError } from '../errors.ts';

/**
 * `selected_project_id` applied the way each CLI expects it, as data keyed by binary. A command
 * that already names a different project/subscription is refused rather than silently re-scoped;
 * naming the same one is fine. Flags are written `--flag=value` so a value can never be read as
 * another flag.
 */
export interface Scoped {
  argv: string[];
  /** variables the CLI reads its default project from (scw) */
  env: Record<string, string>;
}

interface ScopeRule {
  /** flag spellings that already scope the command (value in the next token or after `=`) */
  flags: readonly string[];
  /** `key=value` arguments that already scope it (scw) */
  keyArgs?: readonly string[];
  apply(argv: string[], id: string): Scoped;
}

/** Insert before a `--` end-of-options marker, else at the end. */
function appendFlag(argv: string[], flag: string, id: string): string[] {
  const end = argv.indexOf('--');
  const at = end === -1 ? argv.length : end;
  return [...argv.slice(0, at), `${flag}=${id}`, ...argv.slice(at)];
}

/** Global flags that must precede the command (bq). */
function prependFlag(argv: string[], flag: string, id: string): string[] {
  return [argv[0], `${flag}=${id}`, ...argv.slice(1)];
}

/** az groups that work on the tenant or the local install, where --subscription is not accepted. */
const AZ_UNSCOPED = new Set(['account', 'login', 'logout', 'version', 'config', 'extension', 'bicep', 'upgrade', 'find', 'feedback', 'interactive', 'cloud', 'ad', 'self-test', 'survey']);

const RULES: Record<string, ScopeRule> = {
  gcloud: { flags: ['--project'], apply: (argv, id) => ({ argv: appendFlag(argv, '--project', id), env: {} }) },
  // gsutil's -p exists only on a few subcommands; the boto option scopes all of them.
  gsutil: { flags: ['-p'], apply: (argv, id) => ({ argv: [argv[0], '-o', `GSUtil:default_project_id=${id}`, ...argv.slice(1)], env: {} }) },
  bq: { flags: ['--project_id'], apply: (argv, id) => ({ argv: prependFlag(argv, '--project_id', id), env: {} }) },
  az: {
    flags: ['--subscription'],
    apply: (argv, id) => ({ argv: argv.length > 1 && AZ_UNSCOPED.has(argv[1]) ? argv : appendFlag(argv, '--subscription', id), env: {} }),
  },
  // scw takes project-id=… only on some commands; its default-project variable covers them all.
  scw: { flags: [], keyArgs: ['project-id'], apply: (argv, id) => ({ argv, env: { SCW_DEFAULT_PROJECT_ID: id } }) },
  ovhcloud: {
    flags: ['--cloud-project'],
    apply: (argv, id) => ({ argv: argv[1] === 'cloud' ? appendFlag(argv, '--cloud-project', id) : argv, env: {} }),
  },
};

/** Values given to any of the flags (`--flag v`, `--flag=v`) or key arguments (`key=v`). */
function existingValues(argv: readonly string[], rule: ScopeRule): string[] {
  const values: string[] = [];
  const end = argv.indexOf('--');
  const upto = end === -1 ? argv.length : end;
  for (let i = 1; i < upto; i++) {
    const a = argv[i];
    for (const f of rule.flags) {
      if (a === f && i + 1 < upto) values.push(argv[i + 1]);
      else if (a.startsWith(`${f}=`)) values.push(a.slice(f.length + 1));
    }
    for (const k of rule.keyArgs ?? []) if (a.startsWith(`${k}=`)) values.push(a.slice(k.length + 1));
    if (rule === RULES.gsutil && a === '-o' && argv[i + 1]?.startsWith('GSUtil:default_project_id=')) values.push(argv[i + 1].split('=').slice(1).join('='));
  }
  return values;
}

/**
 * The argv (and variables) with the selected project applied. CLIs with no project notion
 * (kubectl, tailscale) and AWS (where the selection picks the connection) are left unchanged.
 */
export function applyScope(argv: string[], selected: string | undefined): Scoped {
  const rule = RULES[argv[0]];
  if (!selected || !rule) return { argv, env: {} };
  const existing = existingValues(argv, rule);
  if (existing.some((v) => v !== selected)) {
    throw new BadRequestError(`selected_project_id is ${selected} but the command names ${existing.find((v) => v !== selected)}; remove one of them`, {
      code: 'project_conflict',
      field: 'selected_project_id',
    });
  }
  if (existing.length) return { argv, env: rule.keyArgs ? rule.apply(argv, selected).env : {} };
  return rule.apply(argv, selected);
}
