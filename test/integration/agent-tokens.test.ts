import { createHash } from 'node:crypto';
import { ScanCommand } from '../../lib/db/dynamodb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/** Agent tokens for the MCP endpoint (lib/mcp/agent-tokens.ts), over real HTTP. */
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ env: { AGENT_TOKEN_MAX_PER_USER: '3' } });
});
afterAll(async () => rt.close());

const items = async () => ((await deps().db.doc.send(new ScanCommand({ TableName: deps().db.table }))).Items ?? []).map((i) => JSON.stringify(i));

describe('/api/agent-tokens', () => {
  it('shows a token once, keeps only its SHA-256, lists it without the token and revokes it', async () => {
    const r = await rt.request('POST', '/api/agent-tokens', { user: 'at-ann', body: { name: 'Claude desktop', expires_days: 7 } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.token).toMatch(/^aurora_agent_[A-Za-z0-9_-]{43}$/);
    expect(r.body).toMatchObject({ id: expect.stringMatching(/^at-[0-9a-f]{24}$/), name: 'Claude desktop', expired: false });
    expect(Date.parse(r.body.expires_at) - Date.parse(r.body.created_at)).toBe(7 * 86400_000);

    const stored = await items();
    expect(findLeaks(stored, [r.body.token])).toEqual([]);
    const hash = `sha256:${createHash('sha256').update(r.body.token).digest('hex')}`;
    expect(stored.some((i) => i.includes(hash))).toBe(true);

    const list = await rt.request('GET', '/api/agent-tokens', { user: 'at-ann' });
    expect(list.status).toBe(200);
    expect(list.body.tokens).toEqual([{ id: r.body.id, name: 'Claude desktop', created_at: r.body.created_at, expires_at: r.body.expires_at, expired: false }]);
    expect(list.text).not.toContain(r.body.token);

    expect((await rt.request('DELETE', `/api/agent-tokens/${r.body.id}`, { user: 'at-ann' })).body).toEqual({ status: 'revoked', id: r.body.id });
    expect((await rt.request('GET', '/api/agent-tokens', { user: 'at-ann' })).body.tokens).toEqual([]);
    expect((await items()).some((i) => i.includes(hash))).toBe(false);
    expect((await rt.request('DELETE', `/api/agent-tokens/${r.body.id}`, { user: 'at-ann' })).status).toBe(404);
  });

  it("another user's token id answers 404 and stays usable; the list is per user", async () => {
    const a = (await rt.request('POST', '/api/agent-tokens', { user: 'at-bea', body: { name: 'cursor' } })).body;
    const del = await rt.request('DELETE', `/api/agent-tokens/${a.id}`, { user: 'at-cid' });
    expect(del.status).toBe(404);
    expect(del.body.error.code).toBe('agent_token_not_found');
    expect((await rt.request('GET', '/api/agent-tokens', { user: 'at-cid' })).body.tokens).toEqual([]);
    expect((await rt.request('GET', '/api/agent-tokens', { user: 'at-bea' })).body.tokens.map((t: { id: string }) => t.id)).toEqual([a.id]);
  });

  it('bad input names the field and stores nothing', async () => {
    const before = (await items()).length;
    const cases: Array<[unknown, string]> = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '<script>' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ name: 'ok', expires_days: 0 }, 'expires_days'],
      [{ name: 'ok', expires_days: 366 }, 'expires_days'],
      [{ name: 'ok', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await rt.request('POST', '/api/agent-tokens', { user: 'at-dan', body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await rt.request('DELETE', '/api/agent-tokens/not-an-id', { user: 'at-dan' })).body.error.field).toBe('id');
    expect((await items()).length).toBe(before);
  });

  it('holds at most AGENT_TOKEN_MAX_PER_USER tokens at once', async () => {
    for (let i = 0; i < 3; i++) expect((await rt.request('POST', '/api/agent-tokens', { user: 'at-eve', body: { name: `t${i}` } })).status).toBe(200);
    const r = await rt.request('POST', '/api/agent-tokens', { user: 'at-eve', body: { name: 't3' } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('too_many_agent_tokens');
  });

  it('an agent token is refused on every user route, even beside an X-User-ID, and is no principal by itself', async () => {
    const t = (await rt.request('POST', '/api/agent-tokens', { user: 'at-fay', body: { name: 'agent' } })).body.token as string;
    const auth = { authorization: `Bearer ${t}` };
    const alone = await rt.request('GET', '/api/agent-tokens', { user: null, headers: auth });
    expect(alone.status).toBe(403);
    expect(alone.body.error.code).toBe('agent_token_not_accepted');
    const beside = await rt.request('POST', '/api/agent-tokens', { user: 'at-fay', headers: auth, body: { name: 'minted by an agent' } });
    expect(beside.status).toBe(403);
    expect((await rt.request('GET', '/api/user_connections', { user: 'at-fay', headers: auth })).status).toBe(403);
    expect((await rt.request('GET', '/api/agent-tokens', { user: 'at-fay' })).body.tokens).toHaveLength(1);
    expect((await rt.request('GET', '/api/agent-tokens', { user: null })).status).toBe(401);
  });
});
