import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { axeViolations, hasChromium, launch, nextResponse, NO_CHROMIUM, openPage, screenshot, type Browser } from './browser.ts';

/** The Kubernetes page in Chromium: add a cluster, its token shown once with the helm command, revoke it. */
const hasAgents = routes.some((r) => r.method === 'POST' && r.paths.includes('/api/kubectl/tokens'));
const NO_AGENTS = 'POST /api/kubectl/tokens and GET /api/kubectl/connections (the kubectl agent routes) are not in the route table yet';
if (!hasChromium) console.warn(NO_CHROMIUM);
else if (!hasAgents) console.warn(NO_AGENTS);
const hasCatalogue = routes.some((r) => r.method === 'GET' && r.paths.includes('/api/connectors'));

const USER = 'console-kubernetes';

describe.skipIf(!hasChromium || !hasAgents)('the Kubernetes page in a browser', () => {
  let rt: TestRuntime;
  let browser: Browser;
  beforeAll(async () => {
    rt = await startTestRuntime({ simulate: true });
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await rt?.close();
  });

  it('adds a cluster: the token is shown once with its helm command, then the cluster is listed, then revoked', async () => {
    const w = await openPage(browser);
    const { page } = w;
    if (!hasCatalogue) w.expectApiError(404);
    const listed = nextResponse(page, 'GET', '/api/kubectl/connections');
    await page.goto(`http://localhost:${rt.runtime.gateway.port}/kubernetes?user=${USER}`);
    await listed;
    await page.getByText('No cluster yet.').waitFor();

    await page.getByLabel('Cluster name').fill('prod-eu');
    const created = nextResponse(page, 'POST', '/api/kubectl/tokens');
    await page.getByRole('button', { name: 'Add cluster' }).click();
    const body = await (await created).json();
    const dialog = page.getByRole('dialog', { name: 'Install the agent in prod-eu' });
    await dialog.waitFor();
    expect(await dialog.getByRole('textbox', { name: 'Agent token' }).inputValue()).toBe(body.token);
    expect(await dialog.getByRole('textbox', { name: 'helm install command' }).inputValue()).toBe(body.install.helm_command);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'kubernetes-token-once');
    await dialog.getByRole('button', { name: 'Done, I have copied it' }).click();
    // gone for good: the page no longer holds it
    expect(await page.content()).not.toContain(body.token);
    const row = page.getByRole('row').filter({ hasText: 'prod-eu' });
    await row.waitFor();
    await row.getByText('never').waitFor();

    await row.getByRole('button', { name: 'Revoke prod-eu' }).click();
    const revoked = nextResponse(page, 'DELETE', /^\/api\/kubectl\/connections\//);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    expect((await revoked).status()).toBe(200);
    await page.locator('#main').getByText(/prod-eu is revoked/).waitFor();
    w.assertNoConsoleErrors();
    await w.close();
  });
});
