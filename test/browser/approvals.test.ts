import { dirname, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes.ts';
import { SCALEWAY_FIXTURES as SCW } from '../../lib/connectors/scaleway/simulator.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { axeViolations, hasChromium, launch, nextResponse, NO_CHROMIUM, openPage, screenshot, type Browser } from './browser.ts';

/**
 * The person's side of MCP in Chromium: an agent (the SDK's client on POST /mcp) asks to
 * terminate a server; the tool result's approval URL opens the Approvals page on that request,
 * which shows argv, class, reason, who asked and the expiry; Approve lets the agent's next call
 * run it. The Agents page makes a token (shown once) and revokes it.
 */
if (!hasChromium) console.warn(NO_CHROMIUM);
const hasCatalogue = routes.some((r) => r.method === 'GET' && r.paths.includes('/api/connectors'));
const USER = 'console-approvals';
const SERVER = SCW.projects[0].id;
const TERMINATE = `scw instance server terminate ${SERVER}`;

type Result = { content: Array<{ text: string }>; structuredContent?: Record<string, any>; isError?: boolean };

describe.skipIf(!hasChromium)('Approvals and Agents in a browser', () => {
  let rt: TestRuntime;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    rt = await startTestRuntime({ simulate: true, env: { CLOUD_TOOL_PATH: `${resolve('test/fixtures/fake-cli')}:${dirname(process.execPath)}` } });
    origin = `http://localhost:${rt.runtime.gateway.port}`;
    const c = await rt.request('POST', '/scaleway_api/scaleway/connect', { user: USER, body: { access_key: SCW.validKey.accessKey, secret_key: SCW.validKey.secretKey } });
    expect(c.status, c.text).toBe(200);
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await rt?.close();
  });

  it('an agent’s destructive command waits on the Approvals page until the person approves it', async () => {
    const t = await rt.request('POST', '/api/agent-tokens', { user: USER, body: { name: 'ops bot' } });
    const client = new Client({ name: 'browser-test-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${rt.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${t.body.token}` } }, fetch: rt.fetch }));
    const asked = (await client.callTool({ name: 'cloud_tool', arguments: { command: TERMINATE, mode: 'agent' } })) as Result;
    const conf = asked.structuredContent!;
    expect(conf.requires_confirmation).toBe(true);
    const url = new URL(conf.approval_url);
    expect(url.pathname).toBe('/approvals');

    const w = await openPage(browser);
    const { page } = w;
    if (!hasCatalogue) w.expectApiError(404);
    const listed = nextResponse(page, 'GET', '/api/cloud_tool/confirmations');
    await page.goto(`${origin}${url.pathname}${url.search}&user=${USER}`);
    await listed;
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    const card = page.getByRole('listitem').filter({ hasText: TERMINATE });
    await card.waitFor();
    expect(await card.getAttribute('class')).toContain('focused');
    await card.getByText('destructive').waitFor();
    await card.getByText(conf.reason).waitFor();
    await card.getByText('Agent “ops bot”').waitFor();
    for (const a of conf.argv as string[]) await card.locator('dd.argv code', { hasText: a }).first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'approvals-pending');

    const early = (await client.callTool({ name: 'cloud_tool', arguments: { command: TERMINATE, mode: 'agent', confirmation_id: conf.confirmation_id } })) as Result;
    expect(early.structuredContent!.error.code).toBe('confirmation_not_approved');

    const approved = nextResponse(page, 'POST', `/api/cloud_tool/confirmations/${conf.confirmation_id}/approve`);
    await card.getByRole('button', { name: `Approve ${TERMINATE}` }).click();
    expect((await approved).status()).toBe(200);
    await page.locator('#main').getByText(/Approved “scw instance server terminate/).waitFor();

    const ran = (await client.callTool({ name: 'cloud_tool', arguments: { command: TERMINATE, mode: 'agent', confirmation_id: conf.confirmation_id } })) as Result;
    expect(ran.isError, ran.content[0].text).toBeUndefined();
    expect(ran.structuredContent).toMatchObject({ success: true, classification: 'destructive' });
    await client.close();
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('the Agents page makes a token, shown once with the client configuration, and revokes it', async () => {
    const w = await openPage(browser);
    const { page } = w;
    if (!hasCatalogue) w.expectApiError(404);
    const listed = nextResponse(page, 'GET', '/api/agent-tokens');
    await page.goto(`${origin}/agents?user=${USER}-2`);
    await listed;
    await page.getByText('No agent token yet.').waitFor();
    await page.getByLabel('Agent name').fill('claude desktop');
    const created = nextResponse(page, 'POST', '/api/agent-tokens');
    await page.getByRole('button', { name: 'Create token' }).click();
    const body = await (await created).json();
    const dialog = page.getByRole('dialog', { name: 'Token for claude desktop' });
    await dialog.waitFor();
    expect(await dialog.getByRole('textbox', { name: 'Agent token' }).inputValue()).toBe(body.token);
    expect(JSON.parse(await dialog.getByRole('textbox', { name: 'MCP client configuration' }).inputValue()).mcpServers.aurora).toEqual({ type: 'http', url: `${origin}/mcp`, headers: { Authorization: `Bearer ${body.token}` } });
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Done, I have copied it' }).click();
    expect(await page.content()).not.toContain(body.token);
    const row = page.getByRole('row').filter({ hasText: 'claude desktop' });
    const revoked = nextResponse(page, 'DELETE', `/api/agent-tokens/${body.id}`);
    await row.getByRole('button', { name: 'Revoke claude desktop' }).click();
    expect((await revoked).status()).toBe(200);
    await page.locator('#main').getByText(/claude desktop is revoked/).waitFor();
    await page.getByText('No agent token yet.').waitFor();
    w.assertNoConsoleErrors();
    await w.close();
  });
});
