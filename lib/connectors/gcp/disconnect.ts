import type { Deps } from '../../deps.ts';
import { disconnectWithHooks } from '../../connections/service.ts';
import { gcpHooks } from './hooks.ts';

/**
 * POST /api/gcp/force-disconnect: the token is revoked at Google (best effort), then the secret,
 * the record, the refresh leases and the selection state go (the same path as
 * DELETE /api/auth/gcp/disconnect, through the provider hooks). Apart from service.ts, whose
 * imports bring the Google API clients, which a disconnect never calls.
 */
export async function forceDisconnect(d: Deps, userId: string): Promise<{ success: true; message: string }> {
  await disconnectWithHooks(d, userId, 'gcp', gcpHooks);
  return { success: true, message: 'GCP disconnected successfully' };
}
