import * as z from 'zod';
import { isoTime } from '../http/schemas.ts';
import { CLUSTER_ID_RE, TOKEN_ID_RE } from './tokens.ts';

const clusterName = z
  .string()
  .min(1, 'cluster_name must not be empty')
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, 'must start with a letter or digit and hold only letters, digits, spaces, . _ -');

const expiresDays = z.number().int().min(1).max(3650);

export const createTokenBody = z.strictObject({
  cluster_name: clusterName,
  notes: z.string().max(500).regex(/^[^\u0000-\u0008\u000b-\u001f\u007f]*$/, 'must not contain control characters').optional(),
  expires_days: expiresDays.optional(),
});

export const rotateTokenBody = z.strictObject({ expires_days: expiresDays.optional() });

export const clusterParams = z.strictObject({ cluster_id: z.string().regex(CLUSTER_ID_RE, 'is not a cluster id') });
export const tokenParams = z.strictObject({ token_id: z.string().regex(TOKEN_ID_RE, 'is not an agent token id') });

export const tokenIssuedResponse = z.object({
  /** shown once: only its hash is kept */
  token: z.string(),
  token_id: z.string(),
  cluster_id: z.string(),
  cluster_name: z.string(),
  expires_at: isoTime,
  install: z.object({ helm_command: z.string(), values_yaml: z.string() }),
});

export const tokenRotatedResponse = tokenIssuedResponse.extend({ replaces_token_id: z.string() });

export const clusterConnectionView = z.object({
  cluster_id: z.string(),
  cluster_name: z.string(),
  status: z.enum(['connected', 'stale', 'disconnected']),
  agent_version: z.string().nullable(),
  kubernetes_version: z.string().nullable(),
  last_heartbeat_at: isoTime.nullable(),
  connected_at: isoTime.nullable(),
  token_id: z.string(),
  write_mode: z.boolean().nullable(),
});

export const listClusterConnectionsResponse = z.array(clusterConnectionView);

export const revokedResponse = z.object({
  status: z.literal('revoked'),
  cluster_id: z.string(),
  cluster_name: z.string(),
  uninstall: z.object({ helm_command: z.string(), note: z.string() }),
});
