import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';

export const tailscaleSshSetupRoute = /* @__PURE__ */ defineRoute({
  id: 'tailscale.sshSetup',
  method: 'GET',
  paths: ['/tailscale_api/tailscale/ssh-setup'],
  handler: 'functions/tailscale/ssh-setup.ts',
  auth: 'user',
  summary: "The user's SSH public key (ed25519, generated once; the private half only in the secret store) and how to install it",
  request: {},
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ sshPublicKey: z.string().check(z.startsWith('ssh-ed25519 ')), fingerprint: z.string(), instructions: z.array(z.string()), command: z.string() })) },
  errors: [401],
  capabilities: ['table', 'secrets'],
});

/** Tailscale's own routes; connect, status and disconnect are generic (lib/connectors/tailscale/connector.ts). */
export const tailscaleRoutes = [tailscaleSshSetupRoute];
