import type { Deps } from '../../deps.ts';
import { getUserSetting } from '../../db/user-settings.ts';
import { findGcpConnection, ROOT_SETTING } from './connection.ts';

// Apart from service.ts: reading the root project calls no Google API, so GET
// /api/gcp/root-project must not load Google's clients (docs/performance.md, "What loads where").

/** The root project: the user's explicit choice, else the one the last setup chose. */
export async function rootProjectOf(d: Deps, userId: string, metadataRoot: unknown): Promise<string | null> {
  const saved = await getUserSetting<string>(d.db, userId, ROOT_SETTING);
  return saved ?? (typeof metadataRoot === 'string' ? metadataRoot : null);
}

export async function getRootProject(d: Deps, userId: string): Promise<{ root_project: string | null }> {
  const conn = await findGcpConnection(d, userId);
  return { root_project: await rootProjectOf(d, userId, conn?.metadata.root_project) };
}
