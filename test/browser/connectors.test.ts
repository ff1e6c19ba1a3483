import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { routes } from '../../lib/http/routes.ts';
import { defaultGoogleFixture, isGoogleSimulator, simProjects, type GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import { SCALEWAY_FIXTURES as SCW } from '../../lib/connectors/scaleway/simulator.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { abortLocalExecutions } from '../../lib/gcp-setup/local-runner.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { axeViolations, hasChromium, launch, nextResponse, NO_CHROMIUM, openPage, screenshot, type Browser, type WatchedPage } from './browser.ts';

/**
 * The Connectors page in Chromium against the local runtime in simulate mode: what a person sees
 * and clicks, from the cards generated from the connector catalogue to the GCP setup's progress.
 * Every wait is on the page's own state (roles, text, network responses), never a fixed sleep.
 */
const hasCatalogue = routes.some((r) => r.method === 'GET' && r.paths.includes('/api/connectors'));
const NO_CATALOGUE = 'GET /api/connectors (the connector catalogue) is not in the route table yet: the Connectors page has nothing to show';
if (!hasChromium) console.warn(NO_CHROMIUM);
else if (!hasCatalogue) console.warn(NO_CATALOGUE);

const USER = 'console-connectors';
let rt: TestRuntime;
let google: GoogleSimulator;
let browser: Browser;
let origin: string;

/** The card of one connector, and its badge (exact text: "Not connected" contains "connected"). */
const card = (page: Page, id: string) => page.locator(`[data-connector="${id}"]`);
const badge = (page: Page, id: string, text: string) => card(page, id).locator('.badge').getByText(text, { exact: true });

async function open(user: string, path = '/connectors'): Promise<WatchedPage> {
  const w = await openPage(browser);
  const list = nextResponse(w.page, 'GET', '/api/user_connections');
  await w.page.goto(`${origin}${path}?user=${encodeURIComponent(user)}`);
  await list;
  await w.page.getByRole('heading', { name: 'Clouds' }).waitFor();
  return w;
}

describe.skipIf(!hasChromium || !hasCatalogue)('the Connectors page in a browser', () => {
  beforeAll(async () => {
    setRetryDelayScale(0.01);
    rt = await startTestRuntime({ simulate: true, env: { GCP_LOCAL_WAIT_MS: '5', GCP_LOCAL_RETRY_MS: '5', GCP_ENABLE_POLL_INTERVAL_MS: '10' } });
    google = rt.runtime.simulators.find(isGoogleSimulator)!;
    // the page's own origin is the one FRONTURL and the OAuth redirect URIs name
    origin = `http://localhost:${rt.runtime.gateway.port}`;
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await abortLocalExecutions();
    setRetryDelayScale(1);
    await rt?.close();
  });

  it('shows a card per catalogue connector, grouped by kind, all not connected; passes axe; no console errors', async () => {
    const w = await open('console-fresh');
    const { page } = w;
    const catalogue = (await rt.request('GET', '/api/connectors', { user: 'console-fresh' })).body.connectors.filter((c: { enabled: boolean }) => c.enabled);
    for (const c of catalogue) {
      await expect(card(page, c.id).getByRole('heading', { name: c.name, exact: true }).count()).resolves.toBe(1);
      await badge(page, c.id, 'Not connected').waitFor();
    }
    expect(await page.locator('[data-connector]').count()).toBe(catalogue.length);
    await screenshot(page, 'connectors-all-disconnected');
    expect(await axeViolations(page)).toEqual([]);
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('connects AWS through its form: External ID and role template shown for copy, External ID filled in, then "Connected"', async () => {
    const w = await open(USER);
    const { page } = w;
    await card(page, 'aws').getByRole('button', { name: /Connect/ }).click();
    const dialog = page.getByRole('dialog');
    const issued = (await rt.request('GET', '/aws/onboarding', { user: USER })).body.external_id as string;
    await dialog.getByRole('button', { name: 'Copy External ID' }).waitFor();
    await expect(dialog.locator('.copy-field input').first().inputValue()).resolves.toBe(issued);
    await dialog.getByText('Trust policy and CloudFormation template').click();
    await expect(dialog.getByRole('textbox', { name: 'Trust policy (JSON)' }).inputValue()).resolves.toContain(issued);
    await expect.poll(() => dialog.locator('input[name="external_id"]').inputValue()).toBe(issued);
    await dialog.locator('input[name="role_arn"]').fill('arn:aws:iam::123456789012:role/AuroraRole');
    expect(await axeViolations(page)).toEqual([]);
    const sent = nextResponse(page, 'POST', '/aws/auth');
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    expect((await sent).status()).toBe(200);
    await badge(page, 'aws', 'Connected').waitFor();
    await card(page, 'aws').getByText('123456789012').first().waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('checks patterns before sending, shows the server’s error beside the secret field, forgets the secret, then connects Scaleway', async () => {
    const w = await open(USER);
    const { page } = w;
    const opener = card(page, 'scaleway').getByRole('button', { name: /Connect/ });
    // by keyboard: focus the button, Enter opens the dialog with focus inside it
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    const access = dialog.locator('input[name="access_key"]');
    const secretField = dialog.locator('input[name="secret_key"]');
    expect(await secretField.getAttribute('type')).toBe('password');

    // a malformed access key never leaves the page
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await access.fill('not-a-key');
    await secretField.fill(SCW.unknownSecret);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog.locator('#scaleway-field-access_key-error').waitFor();
    expect(await access.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('access_key');
    expect(requests.filter((p) => p.includes('scaleway'))).toEqual([]);

    // a well-formed key with the wrong secret: the server's own words, beside the secret field
    await access.fill(SCW.validKey.accessKey);
    await secretField.fill(SCW.unknownSecret);
    w.expectApiError(401);
    const refused = nextResponse(page, 'POST', '/scaleway_api/scaleway/connect');
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    expect((await refused).status()).toBe(401);
    const error = dialog.locator('#scaleway-field-secret_key-error');
    await expect(error.textContent()).resolves.toBe('Invalid credentials. Please check your access key and secret key.');
    expect(await secretField.getAttribute('aria-describedby')).toContain('scaleway-field-secret_key-error');
    expect(await secretField.inputValue()).toBe('');
    expect(await page.content()).not.toContain(SCW.unknownSecret);

    await secretField.fill(SCW.validKey.secretKey);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await badge(page, 'scaleway', 'Connected').waitFor();
    expect(await page.content()).not.toContain(SCW.validKey.secretKey);
    expect(await page.getByRole('dialog').count()).toBe(0);
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('connects GCP through the simulated consent: progress bar with step names, then FULL and "Connected"', async () => {
    // The setup's first API enable is held unanswered, so the page shows a step in progress
    // however fast or slow the machine (a slowed-down Google was not enough on a loaded one: the
    // setup had finished by the time the screenshot was taken).
    const enabling = google.hold({ path: /services:batchEnable$/ });
    const w = await open(USER);
    const { page } = w;
    await card(page, 'gcp').getByRole('button', { name: /Connect/ }).click();
    // the browser goes to the consent screen, which approves at once, then back to /connectors
    await page.waitForURL((u) => u.pathname === '/connectors' && u.searchParams.get('login') === 'gcp_setup_pending');
    const progress = page.getByRole('progressbar', { name: 'Google Cloud Platform setup progress' });
    await progress.waitFor();
    await enabling.reached;
    await page.getByText(/^Step [1-7] of 7: \S/).waitFor();
    await screenshot(page, 'gcp-setup-progress');
    const stepText = await page.locator('.setup-now').textContent();
    expect(stepText).toMatch(/^Step [1-7] of 7: /);
    enabling.release();
    // the URL no longer carries the login result once the page has read it
    await page.waitForURL((u) => !u.searchParams.has('login'));
    await page.getByText(/Connected, result FULL \(2 of 2 projects verified\)/).waitFor({ timeout: 60_000 });
    expect(await progress.evaluate((el) => (el as unknown as { value: number }).value)).toBe(100);
    expect(await page.locator('.setup-step.step-done').count()).toBe(7);
    await badge(page, 'gcp', 'Connected').waitFor();
    await card(page, 'gcp').getByText('sim-user@example.com').first().waitFor();
    w.assertNoConsoleErrors();
    await w.close();
  }, 90_000);

  it('shows several connected, then soft-disconnects Scaleway and reconnects it with the kept credentials', async () => {
    const w = await open(USER);
    const { page } = w;
    for (const id of ['aws', 'scaleway', 'gcp']) await badge(page, id, 'Connected').waitFor();
    await screenshot(page, 'connectors-several-connected');
    expect(await axeViolations(page)).toEqual([]);

    const scw = card(page, 'scaleway');
    const soft = nextResponse(page, 'DELETE', '/api/user_connections');
    await scw.getByRole('button', { name: `Disconnect Scaleway account ${SCW.organizationId}` }).click();
    expect((await soft).status()).toBe(200);
    await badge(page, 'scaleway', 'Not connected').waitFor();
    await scw.locator('.account-status').getByText('Not connected', { exact: true }).waitFor();

    const again = nextResponse(page, 'POST', /\/reconnect$/);
    await scw.getByRole('button', { name: `Reconnect Scaleway account ${SCW.organizationId}` }).click();
    expect((await again).status()).toBe(200);
    await badge(page, 'scaleway', 'Connected').waitFor();
    await page.locator('#main').getByText(/is reconnected/).waitFor();
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('removes an account only after its confirmation dialog', async () => {
    const w = await open(USER);
    const { page } = w;
    const aws = card(page, 'aws');
    await aws.getByRole('button', { name: 'Remove Amazon Web Services account 123456789012' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText(/deletes the stored credentials/).waitFor();
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await badge(page, 'aws', 'Connected').waitFor();

    await aws.getByRole('button', { name: 'Remove Amazon Web Services account 123456789012' }).click();
    const gone = nextResponse(page, 'DELETE', /\/disconnect$/);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove account and credentials' }).click();
    expect((await gone).status()).toBe(200);
    await badge(page, 'aws', 'Not connected').waitFor();
    expect((await rt.request('GET', '/api/user_connections', { user: USER })).body.some((c: { provider: string }) => c.provider === 'aws')).toBe(false);
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('edits the provider preference order by keyboard', async () => {
    const w = await open(USER);
    const { page } = w;
    const list = page.locator('.pref-list .pref-name');
    await list.first().waitFor();
    const before = await list.allTextContents();
    await page.getByRole('button', { name: `Move ${before[1]} up` }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => list.allTextContents()).toEqual([before[1], before[0], ...before.slice(2)]);
    // the keyboard stays with the item that moved: at the top now, on its "down" button
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe(`Move ${before[1]} down`);
    const saved = nextResponse(page, 'PUT', '/api/user/provider-preference');
    await page.getByRole('button', { name: 'Save order' }).focus();
    await page.keyboard.press('Enter');
    expect((await saved).status()).toBe(200);
    await page.getByText('Preference order saved.').waitFor();
    const stored = (await rt.request('GET', '/api/user/provider-preference', { user: USER })).body.provider_preference as string[];
    const catalogue = (await rt.request('GET', '/api/connectors', { user: USER })).body.connectors as Array<{ id: string; name: string }>;
    expect(stored.map((id) => catalogue.find((c) => c.id === id)?.name)).toEqual([before[1], before[0], ...before.slice(2)]);
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('stays readable on a narrow window: one column, nothing wider than the screen', async () => {
    const w = await open(USER);
    const { page } = w;
    await page.setViewportSize({ width: 360, height: 740 });
    await badge(page, 'gcp', 'Connected').waitFor();
    const widths = (await page.evaluate('({ doc: document.documentElement.scrollWidth, view: window.innerWidth })')) as { doc: number; view: number };
    expect(widths.doc).toBeLessThanOrEqual(widths.view);
    await screenshot(page, 'connectors-narrow');
    w.assertNoConsoleErrors();
    await w.close();
  });

  it('asks which projects to set up when more than the limit are billed, then sets up exactly those', async () => {
    google.configure({ projects: simProjects(7) });
    try {
      const w = await open('console-many-projects');
      const { page } = w;
      await card(page, 'gcp').getByRole('button', { name: /Connect/ }).click();
      const picker = page.getByRole('group', { name: 'Choose the projects to set up' });
      await picker.waitFor({ timeout: 60_000 });
      const boxes = picker.getByRole('checkbox');
      expect(await boxes.count()).toBe(7);
      for (let i = 0; i < 5; i++) await boxes.nth(i).check();
      // the limit is enforced before anything is sent
      expect(await boxes.nth(5).isDisabled()).toBe(true);
      await boxes.nth(2).uncheck();
      await boxes.nth(3).uncheck();
      await boxes.nth(4).uncheck();
      expect(await axeViolations(page)).toEqual([]);
      const retry = nextResponse(page, 'POST', '/gcp/post-auth-retry');
      await page.getByRole('button', { name: 'Set up the chosen projects' }).click();
      const sent = await retry;
      expect(sent.status()).toBe(200);
      expect(JSON.parse(sent.request().postData()!).selected_project_ids).toEqual(['sim-project-1', 'sim-project-2']);
      await page.getByText(/Connected, result FULL \(2 of 2 projects verified\)/).waitFor({ timeout: 60_000 });
      await badge(page, 'gcp', 'Connected').waitFor();
      w.assertNoConsoleErrors();
      await w.close();
    } finally {
      google.configure({ projects: defaultGoogleFixture().projects });
    }
  }, 120_000);
});
