import * as z from 'zod';

/** One environment variable the service reads: its schema (with default) and what it is for. */
export interface Setting<T = unknown> {
  schema: z.ZodType<T>;
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

export function setting<T>(schema: z.ZodType<T>, description: string, opts: { secret?: boolean; aliases?: readonly string[] } = {}): Setting<T> {
  return { schema, description, ...opts };
}

export function section<S extends Record<string, Setting>, R>(settings: S, build: (values: SettingValues<S>) => R): Section<S, R> {
  return { settings, build };
}

/** "true"/"1"/"yes" → true; anything else given → false; unset → the default. */
export const bool = (def: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : ['true', '1', 'yes', 'on'].includes(v.toLowerCase())));

export const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });

export const str = (def: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v));

export const optStr = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v));

/** A base URL; trailing slashes removed so callers can append paths. */
export const url = (def: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v))
    .pipe(z.url())
    .transform((v) => v.replace(/\/+$/, ''));

export const optUrl = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v))
    .pipe(z.url().optional())
    .transform((v) => v?.replace(/\/+$/, ''));

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
