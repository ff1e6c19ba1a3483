import type { ProviderHooks } from '../hooks.ts';
import { checkTailscale, revokeIssuedTokens } from './service.ts';
import { deleteSshKey } from './ssh-key.ts';
import { forgetTokens } from './token-ledger.ts';

/** What a Tailscale disconnect removes besides the client secret and the records. */
export const tailscaleHooks: ProviderHooks = {
  revoke: (d, conn) => revokeIssuedTokens(d, conn),
  check: (d, conn) => checkTailscale(d, conn),
  cleanupUser: async (d, userId) => {
    await deleteSshKey(d, userId);
    await forgetTokens(d.db, userId);
  },
};
