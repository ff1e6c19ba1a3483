import * as z from '../zod.ts';

/** One environment variable the service reads: its schema (with default) and what it is for. */
export interface Setting<T = unknown> {
  schema: z.ZodMiniType<T>;
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

export function setting<T>(schema: z.ZodMiniType<T>, description: string, opts: { secret?: boolean; aliases?: readonly string[] } = {}): Setting<T> {
  return { schema, description, ...opts };
}

export function section<S extends Record<string, Setting>, R>(settings: S, build: (values: SettingValues<S>) => R): Section<S, R> {
  return { settings, build };
}

/** An unset or empty variable is "not given": the setting's default applies. */
const given = <T>(ifUnset: T) => z.pipe(z.optional(z.string()), z.transform((v: string | undefined): string | T => (v === undefined || v === '' ? ifUnset : v)));

/** "true"/"1"/"yes" → true; anything else given → false; unset → the default. */
export const bool = (def: boolean) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((v) => (v === undefined || v === '' ? def : ['true', '1', 'yes', 'on'].includes(v.toLowerCase()))),
  );

export const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .pipe(
      given(def),
      z.transform((v) => Number(v)),
    )
    .check(z.refine((n) => Number.isInteger(n) && n >= min && n <= max, `must be an integer between ${min} and ${max}`));

export const str = (def: string) => given(def);

export const optStr = () => given(undefined);

const stripSlashes = <T extends string | undefined>(v: T): T => v?.replace(/\/+$/, '') as T;

/** A base URL; trailing slashes removed so callers can append paths. */
export const url = (def: string) => z.pipe(z.pipe(given(def), z.url()), z.transform(stripSlashes<string>));

export const optUrl = () => z.pipe(z.pipe(given(undefined), z.optional(z.url())), z.transform(stripSlashes<string | undefined>));

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
