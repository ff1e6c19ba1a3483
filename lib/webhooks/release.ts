import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../deps.ts';
import type { Connection } from '../connections/types.ts';
import type { RevokeHooks } from '../connectors/kit/behaviour.ts';
import { log } from '../log.ts';
import { getRegistration, removeRegistration } from './registry.ts';
import type { WebhookHooks } from './types.ts';

/**
 * At disconnect, a connection's webhook goes with it: what the tool's API created for us is removed
 * there (best effort, while the credentials are still there: the user may have deleted it
 * already), then our signing secret and the registration, which must go (a failure stops the
 * disconnect so a retry finishes it). Deliveries to the old id answer 401 from then on.
 */
export async function releaseWebhook(d: Deps, conn: Connection, hooks: WebhookHooks): Promise<void> {
  const reg = await getRegistration(d, conn);
  if (!reg) return;
  if (reg.remote && hooks.remove) {
    await hooks.remove(d, conn, reg).catch((e: unknown) => log.warn('could not remove the webhook in the tool; removing ours anyway', { connector: conn.provider, accountId: conn.accountId, error: e }));
  }
  await removeRegistration(d, reg);
}

/** A connector's disconnect hooks with its webhook's release added (the generated loaders and entry files use this). */
export function withWebhookRelease(hooks: RevokeHooks, webhook: WebhookHooks): RevokeHooks {
  return {
    ...hooks,
    release: async (d, conn) => {
      await hooks.release?.(d, conn);
      await releaseWebhook(d, conn, webhook);
    },
  };
}
