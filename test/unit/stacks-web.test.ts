import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes.ts';
import type { RouteDef } from '../../lib/http/route-types.ts';
import { deploySettings, planRoutes, resolveTokens } from '../../lib/stacks-plan.ts';
import { planWeb, WEB_URL_TOKEN } from '../../lib/stacks/plan/web.ts';
import { allSettings } from '../../lib/config.ts';
import { CONSOLE_PAGES, isConsolePage } from '../../web/pages.ts';

/** The deployed console (stacks/web.ts) as planned by lib/stacks/plan/web.ts. */
const trusted = { authMode: 'trusted-header' as const, shared: {} };
const jwt = { authMode: 'jwt' as const, shared: {} };
const route = (path: string): RouteDef => ({ id: `t.${path.replace(/\W/g, '')}`, method: 'GET', paths: [path], handler: 'functions/x/y.ts', auth: 'user', summary: 't', request: {}, responses: { 200: null }, capabilities: [] });

describe('the console behind one Router with the API', () => {
  it('forwards every path of the route table to the API, and none of the console’s own', () => {
    const plan = planWeb(routes, {}, trusted);
    for (const r of routes) for (const p of r.paths) expect(plan.apiPrefixes.some((a) => p === a || p.startsWith(`${a}/`)), p).toBe(true);
    expect(plan.apiPrefixes).toContain('/api');
    expect(plan.apiPrefixes).toContain('/callback');
    for (const p of plan.consolePaths) expect(plan.apiPrefixes.some((a) => p === a || p.startsWith(`${a}/`)), p).toBe(false);
    // the local runtime answers the same pages with the console
    for (const p of Object.values(CONSOLE_PAGES)) expect(isConsolePage(p)).toBe(true);
    expect(isConsolePage('/api/connectors')).toBe(false);
  });

  it('refuses a route under a console page, and a route that starts with a parameter', () => {
    expect(() => planWeb([...routes, route('/connectors/x')], {}, trusted)).toThrow(/"\/connectors" is under the API prefix "\/connectors"/);
    expect(() => planWeb([route('/{id}/x')], {}, trusted)).toThrow(/starts with a parameter/);
  });

  it('points FRONTURL and BACKEND_URL at the Router unless the deployer set them; CORS follows', () => {
    const plan = planWeb(routes, {}, trusted);
    expect(plan.functionSettings).toEqual({ FRONTURL: `${WEB_URL_TOKEN}/connectors`, BACKEND_URL: WEB_URL_TOKEN });
    expect(plan.corsOrigin).toBe(WEB_URL_TOKEN);
    const custom = planWeb(routes, {}, { authMode: 'jwt', shared: { FRONTURL: 'https://console.example.com/connectors', BACKEND_URL: 'https://console.example.com' } });
    expect(custom.functionSettings).toEqual({});
    expect(custom.corsOrigin).toBe('https://console.example.com');

    // every route's function gets them, resolved to the Router's URL at deploy time
    const settings = deploySettings({}, allSettings());
    const plans = planRoutes(routes, 'prod', { ...settings, shared: { ...settings.shared, ...plan.functionSettings } });
    const values = { 'web.url': 'https://d111.cloudfront.net' };
    for (const p of plans) {
      expect(resolveTokens(p.environment.FRONTURL, values)).toBe('https://d111.cloudfront.net/connectors');
      expect(p.environment.BACKEND_URL).toBe(WEB_URL_TOKEN);
    }
  });

  it('writes the identity mode and the OIDC issuer into the config document; warns when JWT sign-in cannot work', () => {
    const local = planWeb(routes, {}, trusted);
    expect(local.config).toEqual({ auth_mode: 'trusted-header', api_url: WEB_URL_TOKEN, oidc: null });
    expect(local.warnings.join()).toMatch(/trusted proxy/);

    const signedIn = planWeb(routes, { JWT_ISSUER: 'https://issuer.example.com/', CONSOLE_OIDC_CLIENT_ID: 'console-app' }, jwt);
    expect(signedIn.config.oidc).toEqual({ issuer: 'https://issuer.example.com', client_id: 'console-app', scope: 'openid profile email' });
    expect(signedIn.warnings).toEqual([]);
    expect(JSON.parse(resolveTokens(signedIn.build.environment.AURORA_CONSOLE_CONFIG, { 'web.url': 'https://d1.cloudfront.net' }))).toEqual({ ...signedIn.config, api_url: 'https://d1.cloudfront.net' });

    expect(planWeb(routes, { JWT_ISSUER: 'https://issuer.example.com' }, jwt).warnings.join()).toMatch(/cannot sign anyone in/);
    expect(() => planWeb(routes, { JWT_ISSUER: 'http://issuer.example.com', CONSOLE_OIDC_CLIENT_ID: 'c' }, jwt)).toThrow(/https/);
  });

  it('the deploy build writes that document beside index.html', async () => {
    const plan = planWeb(routes, { JWT_ISSUER: 'https://issuer.example.com', CONSOLE_OIDC_CLIENT_ID: 'console-app' }, jwt);
    const out = mkdtempSync(join(tmpdir(), 'console-build-'));
    const saved = process.env.AURORA_CONSOLE_CONFIG;
    process.env.AURORA_CONSOLE_CONFIG = resolveTokens(plan.build.environment.AURORA_CONSOLE_CONFIG, { 'web.url': 'https://d1.cloudfront.net' });
    try {
      const { build } = await import('vite');
      await build({ configFile: resolve('web/vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      expect(JSON.parse(readFileSync(join(out, 'console-config.json'), 'utf8'))).toEqual({ auth_mode: 'jwt', api_url: 'https://d1.cloudfront.net', oidc: plan.config.oidc });
    } finally {
      if (saved === undefined) delete process.env.AURORA_CONSOLE_CONFIG;
      else process.env.AURORA_CONSOLE_CONFIG = saved;
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
