import { DeleteCommand, GetCommand, PutCommand } from '../db/dynamodb.ts';
import type { Deps } from '../deps.ts';
import { queryPrefix } from '../db/client.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { log } from '../log.ts';
import { userPk, writeAudit } from '../connections/repo.ts';
import { hashAgentToken, hashesEqual, newBearerToken, newId } from '../kubectl/tokens.ts';
import { MCP_TOKEN_PREFIX, MCP_TOKEN_RE } from './token-format.ts';

/**
 * Agent tokens for the MCP endpoint: what an AI agent sends as `Authorization: Bearer …` to act for
 * its user on POST /mcp, and nowhere else. Made, hashed and compared exactly as the kubectl agent
 * tokens are (lib/kubectl/tokens.ts says why a plain SHA-256 of a 256-bit token is enough). Items:
 *  - USER#<uid> / MCPTOKEN#<id>: name, hash, created and expiry, what the list shows;
 *  - MCPTOKENHASH#<hash> / MCPTOKENHASH: who the token speaks for, the one key lookup per request.
 * The lookup is written last and deleted first, so a half-done create or revoke never leaves a
 * token that works without its record. Both carry a TTL a day after expiry.
 */
const tokenKey = (userId: string, id: string) => ({ pk: userPk(userId), sk: `MCPTOKEN#${id}` });
const hashKey = (hash: string) => ({ pk: `MCPTOKENHASH#${hash}`, sk: 'MCPTOKENHASH' });
const ttl = (ms: number) => Math.ceil(ms / 1000) + 86400;
const iso = (ms: number) => new Date(ms).toISOString();

export interface AgentTokenView {
  id: string;
  name: string;
  created_at: string;
  expires_at: string;
  expired: boolean;
}

export interface AgentPrincipal {
  userId: string;
  tokenId: string;
  tokenName: string;
}

function view(item: Record<string, unknown>, nowMs: number): AgentTokenView {
  const expiresAtMs = item.expiresAtMs as number;
  return { id: item.tokenId as string, name: item.name as string, created_at: item.createdAt as string, expires_at: iso(expiresAtMs), expired: expiresAtMs <= nowMs };
}

export async function listAgentTokens(d: Deps, userId: string): Promise<AgentTokenView[]> {
  const items = await queryPrefix(d.db, userPk(userId), 'MCPTOKEN#');
  const now = d.now();
  return items.map((i) => view(i, now)).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

/** POST /api/agent-tokens: a new token, shown in this answer only. */
export async function createAgentToken(d: Deps, userId: string, input: { name: string; expires_days?: number }): Promise<AgentTokenView & { token: string }> {
  const m = d.config.mcp;
  const days = input.expires_days ?? Math.min(m.tokenDefaultDays, m.tokenMaxDays);
  if (days > m.tokenMaxDays) throw new ValidationError(`expires_days must be at most ${m.tokenMaxDays}`, 'expires_days');
  const held = await listAgentTokens(d, userId);
  if (held.length >= m.tokenMaxPerUser) {
    throw new ConflictError(`You already hold ${held.length} agent tokens, the most allowed; revoke one first`, { code: 'too_many_agent_tokens', field: 'name' });
  }
  const now = d.now();
  const token = newBearerToken(MCP_TOKEN_PREFIX);
  const tokenId = newId('at-');
  const tokenHash = hashAgentToken(token.reveal());
  const expiresAtMs = now + days * 86400_000;
  const record = { ...tokenKey(userId, tokenId), kind: 'mcp_agent_token', userId, tokenId, name: input.name, tokenHash, createdAt: iso(now), expiresAtMs, expiresAt: ttl(expiresAtMs) };
  await d.db.doc.send(new PutCommand({ TableName: d.db.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }));
  try {
    await d.db.doc.send(
      new PutCommand({
        TableName: d.db.table,
        Item: { ...hashKey(tokenHash), kind: 'mcp_agent_token_hash', userId, tokenId, name: input.name, tokenHash, expiresAtMs, expiresAt: ttl(expiresAtMs) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (e) {
    await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: tokenKey(userId, tokenId) })).catch((undo: unknown) => log.error('could not undo a partial agent token creation', { error: undo }));
    throw e;
  }
  await writeAudit(d.db, { userId, action: 'mcp.agent_token_created', detail: { tokenId, name: input.name, expiresAt: iso(expiresAtMs) } });
  log.info('mcp agent token created', { keyId: tokenId });
  return { ...view(record, now), token: token.reveal() };
}

/** DELETE /api/agent-tokens/{id}: the token stops working at once; another user's id is not found. */
export async function revokeAgentToken(d: Deps, userId: string, tokenId: string): Promise<void> {
  const r = await d.db.doc.send(new GetCommand({ TableName: d.db.table, Key: tokenKey(userId, tokenId), ConsistentRead: true }));
  if (!r.Item) throw new NotFoundError(`No agent token ${tokenId}`, { code: 'agent_token_not_found', field: 'id' });
  await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: hashKey(r.Item.tokenHash as string) }));
  await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: tokenKey(userId, tokenId) }));
  await writeAudit(d.db, { userId, action: 'mcp.agent_token_revoked', detail: { tokenId, name: r.Item.name } });
  log.info('mcp agent token revoked', { keyId: tokenId });
}

/** Who a bearer token speaks for: null when it is not an agent token, unknown, revoked or expired. */
export async function agentPrincipal(d: Deps, token: string): Promise<AgentPrincipal | null> {
  if (!MCP_TOKEN_RE.test(token)) return null;
  const hash = hashAgentToken(token);
  const r = await d.db.doc.send(new GetCommand({ TableName: d.db.table, Key: hashKey(hash), ConsistentRead: true }));
  const item = r.Item;
  if (!item || !hashesEqual(item.tokenHash as string, hash)) return null;
  if ((item.expiresAtMs as number) <= d.now()) return null;
  return { userId: item.userId as string, tokenId: item.tokenId as string, tokenName: item.name as string };
}
