import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { listAudit } from '../../lib/connections/repo.ts';
import { resolveTailscale, TAILSCALE_VERBS } from '../../lib/connectors/tailscale/commands.ts';
import { TAILSCALE_FIXTURES as TS, type TailscaleSimulator } from '../../lib/connectors/tailscale/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * cloud_tool's tailscale commands act on the user's tailnet through the Tailscale API, never on
 * this machine: the CLI (which drives the local tailscaled) is not run at all. Same policy as every
 * command: Ask mode reads, destructive and sensitive verbs need a confirmation, everything audited.
 */

let rt: TestRuntime;
let ts: TailscaleSimulator;

const tool = (user: string, body: Record<string, unknown>) => rt.request('POST', '/api/cloud_tool', { user, body: { provider: 'tailscale', ...body } });

async function confirmed(user: string, command: string) {
  const first = await tool(user, { command, mode: 'agent' });
  expect(first.body.requires_confirmation, JSON.stringify(first.body)).toBe(true);
  return { first, run: await tool(user, { command, mode: 'agent', confirmation_id: first.body.confirmation_id }) };
}

beforeAll(async () => {
  rt = await startTestRuntime({ simulate: true });
  ts = rt.runtime.simulators.find((s) => s.name === 'tailscale') as TailscaleSimulator;
  expect((await rt.request('POST', '/tailscale_api/tailscale/connect', { user: 'tina', body: { client_id: TS.client.clientId, client_secret: TS.client.clientSecret } })).status).toBe(200);
  expect((await rt.request('POST', '/tailscale_api/tailscale/connect', { user: 'rory', body: { client_id: TS.readOnlyClient.clientId, client_secret: TS.readOnlyClient.clientSecret } })).status).toBe(200);
});

afterAll(async () => {
  // created auth keys go back to the user who asked (once), never to a log line or the audit
  rt.addSecrets({ audit: ts.createdAuthKeys() });
  expect(findLeaks([...rt.logs, JSON.stringify(await listAudit(deps().db, 'tina'))], ts.createdAuthKeys())).toEqual([]);
  await rt.close();
});

describe('the verb table', () => {
  it('classifies by verb: reads, writes, destructive and sensitive ones', () => {
    const cls = (argv: string) => {
      const r = resolveTailscale(argv.split(' '));
      return r.ok ? r.verb.class : r.reason;
    };
    expect(cls('tailscale devices list')).toBe('read');
    expect(cls('tailscale devices get 9000000000000000')).toBe('read');
    expect(cls('tailscale devices delete 9000000000000000')).toBe('destructive');
    expect(cls('tailscale devices authorize 9000000000000000')).toBe('destructive');
    expect(cls('tailscale devices tags 9000000000000000 --tags=tag:prod')).toBe('destructive');
    expect(cls('tailscale keys list')).toBe('read');
    expect(cls('tailscale keys create --reusable')).toBe('sensitive');
    expect(cls('tailscale keys delete k123CNTRL')).toBe('destructive');
    expect(cls('tailscale acl get')).toBe('read');
    expect(cls('tailscale acl validate --policy={}')).toBe('read');
    expect(cls('tailscale acl set --policy={}')).toBe('destructive');
    expect(cls('tailscale dns nameservers get')).toBe('read');
    expect(cls('tailscale dns nameservers set --dns=1.1.1.1')).toBe('write');
    expect(cls('tailscale dns searchpaths set --searchpaths=a.example')).toBe('write');
    expect(cls('tailscale dns preferences set --magic-dns=false')).toBe('write');
    expect(cls('tailscale users list --type=all')).toBe('read');
    expect(Object.keys(TAILSCALE_VERBS)).toHaveLength(18);
  });

  it('refuses what is not a verb, an unknown option, a bad id or a missing argument, naming it', () => {
    const reason = (argv: string[]) => {
      const r = resolveTailscale(argv);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(['tailscale', 'up', '--authkey=x'])).toMatch(/'tailscale up' is not a tailscale command here .*never run/);
    expect(reason(['tailscale', 'devices', 'list', '--socket=/run/tailscale.sock'])).toMatch(/no option --socket/);
    expect(reason(['tailscale', 'devices', 'get', '../../oauth/token'])).toMatch(/not a device id/);
    expect(reason(['tailscale', 'devices', 'get'])).toMatch(/takes <device-id>/);
    expect(reason(['tailscale', 'devices', 'tags', '123'])).toMatch(/needs --tags/);
    expect(reason(['tailscale', 'devices', 'tags', '123', '--tags=prod'])).toMatch(/tag:<name>/);
    expect(reason(['tailscale', 'acl', 'set', '--policy=@/etc/passwd'])).toMatch(/not a path/);
  });
});

describe('over HTTP, against the simulated Tailscale API', () => {
  it('Ask mode reads the tailnet with a fresh token of the user\'s OAuth client', async () => {
    const before = ts.issuedTokens().length;
    for (const [command, check] of [
      ['tailscale devices list', (o: any) => expect(o.devices).toHaveLength(3)],
      ['tailscale devices get 9000000000000001', (o: any) => expect(o.hostname).toBe('bravo')],
      ['tailscale acl get', (o: any) => expect(String(o)).toMatch(/"acls"/)],
      ['tailscale dns nameservers get', (o: any) => expect(o).toEqual({ dns: ['100.100.100.100'] })],
      ['tailscale users list', (o: any) => expect(o.users.map((u: any) => u.loginName)).toEqual(['ops@example.com', 'dev@example.com'])],
      ['tailscale keys list', (o: any) => expect(Array.isArray(o.keys)).toBe(true)],
    ] as const) {
      const r = await tool('tina', { command });
      expect(r.status, `${command}: ${r.text}`).toBe(200);
      expect(r.body).toMatchObject({ success: true, provider: 'tailscale', classification: 'read', return_code: 0, account_id: TS.tailnetDnsName });
      check(r.body.output);
    }
    expect(ts.issuedTokens().length).toBeGreaterThan(before);
  });

  it('Ask mode refuses writes; Agent mode runs them', async () => {
    const ask = await tool('tina', { command: 'tailscale dns searchpaths set --searchpaths=corp.example' });
    expect(ask.status).toBe(403);
    expect(ask.body.error.code).toBe('write_not_allowed_in_ask_mode');
    const agent = await tool('tina', { command: 'tailscale dns searchpaths set --searchpaths=corp.example', mode: 'agent' });
    expect(agent.body).toMatchObject({ success: true, classification: 'write', output: { searchPaths: ['corp.example'] } });
    expect((await tool('tina', { command: 'tailscale dns searchpaths get' })).body.output).toEqual({ searchPaths: ['corp.example'] });
  });

  it('destructive verbs wait for a confirmation bound to the exact command', async () => {
    const { first, run } = await confirmed('tina', 'tailscale devices tags 9000000000000002 --tags=tag:prod');
    expect(first.body).toMatchObject({ classification: 'destructive', reason: expect.stringMatching(/ACL rules/) });
    expect(run.body).toMatchObject({ success: true, classification: 'destructive' });
    expect((await tool('tina', { command: 'tailscale devices get 9000000000000002' })).body.output.tags).toEqual(['tag:prod']);
    const command = `tailscale acl set --policy='{"acls":"nope"}'`;
    const bad = await tool('tina', { command, mode: 'agent' });
    const refused = await tool('tina', { command, mode: 'agent', confirmation_id: bad.body.confirmation_id });
    // the API's refusal comes back as the command's failure, not as a service error
    expect(refused.body).toMatchObject({ success: false, return_code: 1, output: { message: '"acls" must be a list' } });
  });

  it('creating an auth key is sensitive: confirmed, shown once to its creator, never audited', async () => {
    const { first, run } = await confirmed('tina', 'tailscale keys create --reusable --preauthorized --tags=tag:ci --expiry=3600 --description=ci-runners');
    expect(first.body.classification).toBe('sensitive');
    expect(run.status).toBe(200);
    expect(run.body.output.key).toMatch(/^tskey-auth-/);
    expect(run.body.output.capabilities.devices.create).toEqual({ reusable: true, ephemeral: false, preauthorized: true, tags: ['tag:ci'] });
    const listed = await tool('tina', { command: 'tailscale keys list' });
    expect(JSON.stringify(listed.body)).not.toContain(run.body.output.key);
    const deleted = await confirmed('tina', `tailscale keys delete ${run.body.output.id}`);
    expect(deleted.run.body.success).toBe(true);
    const audit = (await listAudit(deps().db, 'tina')).filter((a) => a.action === 'cloud_tool.run');
    const create = audit.find((a) => (a.detail!.argv as string[]).includes('create'))!;
    expect(create.detail).toMatchObject({ classification: 'sensitive', approvedBy: 'tina', outcome: 'completed', isolation: 'api', httpStatus: 200 });
    expect(create.detail!.outputSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a client without the scope gets the API's 403 as the command's failure; the host's CLI verbs are refused", async () => {
    const r = await tool('rory', { command: 'tailscale dns nameservers get' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: false, return_code: 1, stderr: 'Tailscale API answered HTTP 403' });
    for (const command of ['tailscale status', 'tailscale up --accept-routes', 'tailscale serve 8080', 'tailscale set --exit-node=x']) {
      const host = await tool('rory', { command, mode: 'agent' });
      expect(host.status, command).toBe(400);
      expect(host.body.error).toMatchObject({ code: 'command_rejected', field: 'command' });
    }
  });
});
