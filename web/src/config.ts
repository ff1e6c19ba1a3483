import { CONSOLE_CONFIG_PATH, type ConsoleConfig } from '../pages.ts';

/** The config document beside the page (served by the local runtime, written by the deploy). */
export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch(CONSOLE_CONFIG_PATH, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new Error('The console configuration could not be loaded.');
  const doc = (await res.json()) as Partial<ConsoleConfig>;
  if (doc.auth_mode !== 'jwt' && doc.auth_mode !== 'trusted-header') throw new Error('The console configuration names no identity mode.');
  return { auth_mode: doc.auth_mode, api_url: (doc.api_url ?? '').replace(/\/+$/, ''), oidc: doc.oidc ?? null };
}
