import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes.ts';
import { SCALEWAY_FIXTURES as SCW } from '../../lib/connectors/scaleway/simulator.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { axeViolations, hasChromium, launch, nextResponse, NO_CHROMIUM, openPage, screenshot, type Browser, type WatchedPage } from './browser.ts';

/**
 * The command console in Chromium: the fake CLIs of test/fixtures/fake-cli on CLOUD_TOOL_PATH
 * (they print the argv they got as JSON), a Scaleway connection made through the API, and a
 * person who types commands, switches modes, and confirms or cancels.
 */
if (!hasChromium) console.warn(NO_CHROMIUM);
const hasCatalogue = routes.some((r) => r.method === 'GET' && r.paths.includes('/api/connectors'));

const USER = 'console-commands';
const SERVER = '11111111-1111-4111-8111-111111111111';
const TERMINATE = `scw instance server terminate ${SERVER}`;
let rt: TestRuntime;
let browser: Browser;
let origin: string;
let workDir: string;

async function open(): Promise<WatchedPage> {
  const w = await openPage(browser);
  // the page lends provider names from the catalogue; until that route exists its 404 is expected
  if (!hasCatalogue) w.expectApiError(404);
  const runs = nextResponse(w.page, 'GET', '/api/cloud_tool/runs');
  const providers = nextResponse(w.page, 'GET', '/api/user/connected-providers');
  await w.page.goto(`${origin}/commands?user=${USER}`);
  await Promise.all([runs, providers]);
  await w.page.getByRole('heading', { name: 'Commands', level: 1 }).waitFor();
  return w;
}

const terminateRuns = async () => ((await rt.request('GET', '/api/cloud_tool/runs', { user: USER })).body.runs as Array<{ command: string }>).filter((r) => r.command.startsWith('scw instance server terminate'));

describe.skipIf(!hasChromium)('the command console in a browser', () => {
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'console-cli-work-'));
    rt = await startTestRuntime({
      simulate: true,
      env: { CLOUD_TOOL_PATH: `${resolve('test/fixtures/fake-cli')}:${dirname(process.execPath)}`, CLOUD_TOOL_WORK_DIR: workDir },
    });
    origin = `http://localhost:${rt.runtime.gateway.port}`;
    const c = await rt.request('POST', '/scaleway_api/scaleway/connect', { user: USER, body: { access_key: SCW.validKey.accessKey, secret_key: SCW.validKey.secretKey } });
    expect(c.status, c.text).toBe(200);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('Ask mode runs a read and shows its JSON output pretty-printed; it refuses a write with the message shown', async () => {
    const w = await open();
    const { page } = w;
    expect(await page.getByRole('radio', { name: /Ask/ }).isChecked()).toBe(true);
    await page.getByLabel('Command', { exact: true }).fill('scw instance server list');
    const ran = nextResponse(page, 'POST', '/api/cloud_tool');
    await page.getByRole('button', { name: 'Run' }).click();
    expect((await ran).status()).toBe(200);
    const out = page.getByRole('region', { name: 'Output' }).locator('pre.stdout');
    await out.waitFor();
    const text = (await out.textContent())!;
    // the fake CLI printed JSON; the page shows it indented, as it parsed it
    expect(JSON.parse(text).argv).toEqual(['instance', 'server', 'list']);
    expect(text).toContain('\n  "');
    await page.getByText(/Finished: exit code 0/).waitFor();

    await page.getByLabel('Command', { exact: true }).fill(TERMINATE);
    w.expectApiError(403);
    const refused = nextResponse(page, 'POST', '/api/cloud_tool');
    await page.getByRole('button', { name: 'Run' }).click();
    expect((await refused).status()).toBe(403);
    const alert = page.getByRole('alert');
    await alert.getByText(/^Write operations not allowed in Ask mode/).waitFor();
    await alert.getByText(/Switch to Agent mode/).waitFor();
    expect(await terminateRuns()).toEqual([]);
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('Agent mode: a destructive command opens the confirmation dialog with the exact argv; Confirm runs it once', async () => {
    const w = await open();
    const { page } = w;
    await page.getByRole('radio', { name: /Agent/ }).check();
    await page.getByLabel('Command', { exact: true }).fill(TERMINATE);
    const asked = nextResponse(page, 'POST', '/api/cloud_tool');
    await page.getByRole('button', { name: 'Run' }).click();
    const confirmation = await (await asked).json();
    expect(confirmation.requires_confirmation).toBe(true);

    const dialog = page.getByRole('alertdialog', { name: 'Confirm this command' });
    await dialog.waitFor();
    const argv = await dialog.getByRole('list').getByRole('listitem').allTextContents();
    expect(argv.slice(0, 5)).toEqual(['scw', 'instance', 'server', 'terminate', SERVER]);
    expect(argv.join(' ')).toBe(confirmation.command);
    await dialog.getByText(/destructive/).first().waitFor();
    await dialog.getByText(confirmation.reason).waitFor();
    // nothing has run before the person confirms
    expect(await terminateRuns()).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'command-confirmation-dialog');

    const ran = nextResponse(page, 'POST', '/api/cloud_tool');
    await dialog.getByRole('button', { name: /Confirm/ }).click();
    const res = await ran;
    expect(JSON.parse(res.request().postData()!).confirmation_id).toBe(confirmation.confirmation_id);
    expect(res.status()).toBe(200);
    await page.getByText(/Finished: exit code 0/).waitFor();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect(await terminateRuns()).toHaveLength(1);
    // the recent runs list shows it, as audited
    const row = page.getByRole('row').filter({ hasText: 'scw instance server terminate' });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByText('destructive').waitFor();
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('Cancel withdraws the confirmation and runs nothing', async () => {
    const w = await open();
    const { page } = w;
    await page.getByRole('radio', { name: /Agent/ }).check();
    await page.getByLabel('Command', { exact: true }).fill(TERMINATE);
    const asked = nextResponse(page, 'POST', '/api/cloud_tool');
    await page.getByRole('button', { name: 'Run' }).click();
    const { confirmation_id } = await (await asked).json();
    const dialog = page.getByRole('alertdialog', { name: 'Confirm this command' });
    await dialog.waitFor();
    const cancelled = nextResponse(page, 'POST', `/api/cloud_tool/confirmations/${confirmation_id}/cancel`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await cancelled).status()).toBe(200);
    await page.locator('#main').getByText('Cancelled. Nothing was run.').waitFor();
    expect(await terminateRuns()).toHaveLength(1);
    // the cancelled confirmation can no longer be used
    const reuse = await rt.request('POST', '/api/cloud_tool', { user: USER, body: { provider: 'scaleway', command: TERMINATE, mode: 'agent', confirmation_id } });
    expect(reuse.status).toBeGreaterThanOrEqual(400);
    expect(await terminateRuns()).toHaveLength(1);
    expect(await axeViolations(page)).toEqual([]);
    w.assertNoConsoleErrors();
    await w.close();
  });
});
