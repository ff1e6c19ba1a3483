import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { ensureConsoleBuilt } from '../../scripts/build-console.ts';

/**
 * The browser tests' Chromium: Debian's package driven by playwright-core (Playwright cannot
 * download its own browsers here), headless, a fresh profile per test file. Without the package
 * the browser tests skip with one message; .ci/run installs it.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const NO_CHROMIUM = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium): the browser tests are skipped`;

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Screenshots for people to look at (gitignored). */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../.screenshots');

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  await ensureConsoleBuilt({ quiet: true });
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'aurora-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A page that records what a person would notice going wrong: uncaught exceptions and console
 * errors. A failed fetch shows in the console as "Failed to load resource: … status of N", so a
 * test that provokes an API error on purpose declares it with expectApiError(N); any other
 * console error fails the test.
 */
export interface WatchedPage {
  page: Page;
  errors: string[];
  expectApiError(status: number): void;
  assertNoConsoleErrors(): void;
  close(): Promise<void>;
}

export async function openPage(b: Browser): Promise<WatchedPage> {
  await b.context.clearCookies();
  const page = await b.context.newPage();
  // a missing element fails with Playwright's own message before the test's timeout
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const allowed: number[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return {
    page,
    errors,
    expectApiError: (status) => allowed.push(status),
    assertNoConsoleErrors: () => {
      const left = [...allowed];
      const unexpected = errors.filter((e) => {
        const m = /^Failed to load resource: the server responded with a status of (\d+)/.exec(e);
        const i = m ? left.indexOf(Number(m[1])) : -1;
        if (i === -1) return true;
        left.splice(i, 1);
        return false;
      });
      expect(unexpected, 'console errors on the page').toEqual([]);
    },
    close: () => page.close(),
  };
}

/** The next response of the page for this method and path (a network event, never a sleep). */
export function nextResponse(page: Page, method: string, path: string | RegExp): Promise<Response> {
  return page.waitForResponse((r) => {
    const u = new URL(r.url());
    return r.request().method() === method && (typeof path === 'string' ? u.pathname === path : path.test(u.pathname));
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core on the page as it stands (WCAG 2.x A/AA rules and best practices); the serious and
 * critical violations, as readable lines. Evaluated through the DevTools protocol, which the
 * page's Content-Security-Policy does not govern (an injected <script> would be refused).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource());
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
