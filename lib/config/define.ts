/**
 * A setting's reading of its environment variable: the value, or why the text is refused. Plain
 * functions, not zod schemas: every function imports every section at its cold start, and building
 * some 800 schemas for 209 settings was most of `lib/config.ts`'s import time (docs/performance.md).
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
export type Parser<T> = (raw: string | undefined) => Parsed<T>;

/** One environment variable the service reads: how it is read (with its default) and what it is for. */
export interface Setting<T = unknown> {
  parse: Parser<T>;
  description: string;
  /** a credential: never printed, and documented as an SST secret when deployed */
  secret?: boolean;
  /** other names the same value is read from when this one is unset (the seed's .env names, e.g. NEXT_PUBLIC_ENABLE_SLACK) */
  aliases?: readonly string[];
}

export type SettingValues<S extends Record<string, Setting>> = {
  [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

export interface Section<S extends Record<string, Setting>, R> {
  settings: S;
  build: (values: SettingValues<S>) => R;
}

export function setting<T>(parse: Parser<T>, description: string, opts: { secret?: boolean; aliases?: readonly string[] } = {}): Setting<T> {
  return { parse, description, ...opts };
}

export function section<S extends Record<string, Setting>, R>(settings: S, build: (values: SettingValues<S>) => R): Section<S, R> {
  return { settings, build };
}

/**
 * A setting read by `read`, which gets the variable's text, or undefined when it is unset or empty
 * (where the default applies); `problem` says what is wrong with the value read, if anything.
 */
export function custom<T>(read: (v: string | undefined) => T, problem: (value: T, raw: string | undefined) => string | undefined = () => undefined): Parser<T> {
  return (raw) => {
    const value = read(raw === undefined || raw === '' ? undefined : raw);
    const message = problem(value, raw);
    return message === undefined ? { ok: true, value } : { ok: false, message };
  };
}

/** "true"/"1"/"yes"/"on" → true; anything else given → false; unset → the default. */
export const bool = (def: boolean) => custom((v) => (v === undefined ? def : ['true', '1', 'yes', 'on'].includes(v.toLowerCase())));

export const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  custom(
    (v) => (v === undefined ? def : Number(v)),
    (n) => (Number.isInteger(n) && n >= min && n <= max ? undefined : `must be an integer between ${min} and ${max}`),
  );

export const str = (def: string) => custom((v) => v ?? def);

export const optStr = () => custom((v) => v);

/** One of `values`; unset → `def` (or undefined without one). */
export function oneOf<const V extends readonly string[]>(values: V): Parser<V[number] | undefined>;
export function oneOf<const V extends readonly string[]>(values: V, def: V[number]): Parser<V[number]>;
export function oneOf<const V extends readonly string[]>(values: V, def?: V[number]): Parser<V[number] | undefined> {
  return custom(
    (v) => (v ?? def) as V[number] | undefined,
    (x) => (x === undefined || values.includes(x) ? undefined : `must be one of ${values.join(', ')}`),
  );
}

const stripSlashes = <T extends string | undefined>(v: T): T => v?.replace(/\/+$/, '') as T;
const notUrl = (v: string | undefined) => (v === undefined || URL.canParse(v) ? undefined : 'must be a URL');

/** A base URL; trailing slashes removed so callers can append paths. */
export const url = (def: string) => custom((v) => stripSlashes(v ?? def), notUrl);

export const optUrl = () => custom((v) => stripSlashes(v), notUrl);

/** A base URL holding a placeholder each connection fills in (`{site}`, `{stack}`); trailing slashes removed. */
export const urlTemplate = (def: string, placeholder: string, sample: string) =>
  custom(
    (v) => stripSlashes(v ?? def),
    (v) => (v.includes(placeholder) && URL.canParse(v.replace(placeholder, sample)) ? undefined : `must be a URL holding ${placeholder}`),
  );

/**
 * "GOOGLE_CLIENT_SECRET" → "GoogleClientSecret": the SST Secret that holds a secret setting when
 * deployed (stacks/secrets.ts creates it, lib/config.ts reads it through the link).
 */
export function secretComponentName(envName: string): string {
  return envName
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}
