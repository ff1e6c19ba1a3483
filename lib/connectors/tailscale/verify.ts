import { secret } from '../../secret-value.ts';
import type { Verify } from '../kit/behaviour.ts';
import { checkScopes, listDevices, mintToken, tailnetDnsName } from './adapter.ts';
import { tailscale } from './definition.ts';
import { remember } from './service.ts';

/**
 * POST /tailscale_api/tailscale/connect: client-credentials grant → device list of the tailnet
 * (count, and the tailnet's DNS name from the devices' MagicDNS names). The account is the tailnet
 * as the user named it; for "-" (the client's own tailnet) its DNS name, or the client id while it
 * has no devices. The client secret goes to the secret store (the connector's secret field).
 */
export const verify: Verify = async (d, userId, input) => {
  const clientId = input.client_id!;
  const apiTailnet = input.tailnet || tailscale.defaultTailnet;
  const minted = await mintToken(d.config.tailscale, clientId, secret(input.client_secret!), d.now());
  checkScopes(minted);
  const devices = await listDevices(d.config.tailscale, minted.token, apiTailnet);
  const dnsName = tailnetDnsName(devices);
  const accountId = apiTailnet !== tailscale.defaultTailnet ? apiTailnet : (dnsName ?? `client-${clientId}`);
  const tailnetName = dnsName ?? accountId;
  return {
    accountId,
    accountName: tailnetName,
    metadata: { client_id: clientId, tailnet: accountId, tailnet_name: tailnetName, api_tailnet: apiTailnet },
    response: { success: true, message: tailscale.messages.connected, tailnet: accountId, tailnetName, deviceCount: devices.length },
    after: () => remember(d, userId, accountId, minted),
  };
};
