import * as z from 'zod';
import { defineRoute } from '../../http/define-route.ts';
import { empty } from '../../http/schemas.ts';
import { tailscale } from './definition.ts';

export const connectBody = z.strictObject({
  client_id: z.string().trim().min(1, 'must not be empty').max(256),
  client_secret: z.string().min(1, 'must not be empty').max(1024),
  tailnet: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z
      .string()
      .regex(tailscale.tailnetPattern, 'must be a tailnet name (e.g. example.com), a tailnet id, or "-"')
      .refine((v) => v !== tailscale.sshKeyAccount, 'is not a tailnet name')
      .optional(),
  ),
});

const tailnetView = { tailnet: z.string(), tailnetName: z.string() };

export const tailscaleConnectRoute = defineRoute({
  id: 'tailscale.connect',
  method: 'POST',
  paths: ['/tailscale_api/tailscale/connect'],
  handler: 'functions/tailscale/connect.ts',
  auth: 'user',
  summary: 'Connect a tailnet with an OAuth client (client-credentials grant, validated by listing devices)',
  request: { body: connectBody },
  responses: { 200: z.object({ success: z.literal(true), message: z.string(), ...tailnetView, deviceCount: z.number().int() }) },
  errors: [400, 401, 403, 404, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const tailscaleStatusRoute = defineRoute({
  id: 'tailscale.status',
  method: 'GET',
  paths: ['/tailscale_api/tailscale/status'],
  handler: 'functions/tailscale/status.ts',
  auth: 'user',
  summary: 'Live token check; a refusal or a provider fault marks the connection error (credentials kept)',
  request: {},
  responses: {
    200: z.object({
      connected: z.boolean(),
      provider: z.literal('tailscale'),
      tailnet: z.string().optional(),
      tailnetName: z.string().optional(),
      status: z.literal('error').optional(),
      reason: z.string().optional(),
    }),
  },
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const tailscaleSshSetupRoute = defineRoute({
  id: 'tailscale.sshSetup',
  method: 'GET',
  paths: ['/tailscale_api/tailscale/ssh-setup'],
  handler: 'functions/tailscale/ssh-setup.ts',
  auth: 'user',
  summary: "The user's SSH public key (ed25519, generated once; the private half only in the secret store) and how to install it",
  request: {},
  responses: { 200: z.object({ sshPublicKey: z.string().startsWith('ssh-ed25519 '), fingerprint: z.string(), instructions: z.array(z.string()), command: z.string() }) },
  errors: [401],
  capabilities: ['table', 'secrets'],
});

export const tailscaleDisconnectRoute = defineRoute({
  id: 'tailscale.disconnect',
  method: 'POST',
  paths: ['/tailscale_api/tailscale/disconnect'],
  handler: 'functions/tailscale/disconnect.ts',
  auth: 'user',
  summary: 'Revoke the access tokens we minted, then remove the client secret, the SSH key pair and the records',
  request: { body: empty },
  responses: { 200: z.object({ success: z.literal(true), message: z.string() }) },
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const tailscaleRoutes = [tailscaleConnectRoute, tailscaleStatusRoute, tailscaleSshSetupRoute, tailscaleDisconnectRoute];
