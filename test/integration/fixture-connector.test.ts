import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Adding a connector is one folder and its entry in the list: in a temporary copy of the
 * repository, a token connector ("fixture": an API token checked against a small HTTP API) gets
 * its folder and its place in lib/connectors/index.ts, `npm run gen` runs, and nothing else is
 * edited. The copy then serves it: route table, OpenAPI document, settings table, catalogue, and
 * connect and status over real HTTP.
 */
const root = resolve(import.meta.dirname, '../..');
const node = join(root, 'node_modules/.bin/node');
const GOOD = 'fx_good_token_0001';

const FILES: Record<string, string> = {
  'lib/connectors/fixture/settings.ts': `import { section, setting, url } from '../../config/define.ts';

export const fixtureSection = section(
  { FIXTURE_API_URL: setting(url('https://api.fixture.example'), 'Fixture tool API base URL.') },
  (v) => ({ apiUrl: v.FIXTURE_API_URL }),
);
`,
  'lib/connectors/fixture/connector.ts': `import { defineConnector } from '../kit/define.ts';
import { fixtureSection } from './settings.ts';

export const connector = defineConnector({
  id: 'fixture',
  name: 'Fixture Tool',
  kind: 'tool',
  authKind: 'api_token',
  settings: fixtureSection,
  clis: [],
  storesSecret: true,
  account: { label: 'Fixture login' },
  fields: [{ name: 'api_token', label: 'API token', secret: true, required: true, pattern: '^fx_[A-Za-z0-9_]{8,64}$', message: 'must be a fixture token (fx_...)', example: 'fx_example_token', description: 'A token of the fixture tool.' }],
  connect: { method: 'POST', path: '/api/connectors/fixture/connect', id: 'fixture.connect', summary: 'Connect the fixture tool with an API token', response: { connected: { type: 'boolean', const: true }, login: 'string' } },
  status: { fields: [{ name: 'login', from: 'account_id', type: 'string' }], onFault: 'error', notConnected: 'Fixture Tool is not connected' },
});
`,
  'lib/connectors/fixture/api.ts': `import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';

export async function whoAmI(apiUrl: string, token: string): Promise<string> {
  const res = await fetch(\`\${apiUrl}/api/me\`, { headers: { authorization: \`Bearer \${token}\` } });
  if (res.status === 401) throw new ProviderAuthError('The fixture tool refused the token');
  if (!res.ok) throw new ProviderUnavailableError(\`The fixture tool answered HTTP \${res.status}\`);
  return ((await res.json()) as { login: string }).login;
}
`,
  'lib/connectors/fixture/verify.ts': `import type { Verify } from '../kit/behaviour.ts';
import { whoAmI } from './api.ts';

export const verify: Verify = async (d, _userId, input) => {
  const login = await whoAmI(d.config.fixture.apiUrl, input.api_token!);
  return { accountId: login, accountName: login, metadata: {}, response: { connected: true, login } };
};
`,
  'lib/connectors/fixture/check.ts': `import '../../lazy-core.ts';
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { whoAmI } from './api.ts';

export const check: ConnectorCheck = async (d, conn) => {
  const token = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal().api_token : undefined;
  if (typeof token !== 'string') return { ok: false, kind: 'auth', reason: 'The stored token is missing; reconnect' };
  try {
    await whoAmI(d.config.fixture.apiUrl, token);
    return { ok: true };
  } catch (e) {
    return checkFailure(e, { refused: (err) => err.message });
  }
};
`,
  'probe.ts': `import { routes } from './lib/http/routes.ts';
import { buildOpenApi } from './lib/http/openapi.ts';
import { settingsTable } from './scripts/settings-table.ts';
import { startLocalRuntime } from './lib/local/runtime.ts';

const [dataDir, apiUrl] = process.argv.slice(2);
const rt = await startLocalRuntime({ port: 0, dataDir, inMemory: true, env: { LOG_LEVEL: 'silent', FIXTURE_API_URL: apiUrl } });
const call = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(rt.url + path, { method, headers: { 'x-user-id': 'fx-user', ...(body ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
};
const out = {
  routes: routes.filter((r) => r.id.startsWith('fixture.')).map((r) => ({ id: r.id, method: r.method, paths: r.paths, handler: r.handler })),
  openapi: Object.keys((buildOpenApi(routes) as { paths: Record<string, unknown> }).paths).filter((p) => p.includes('fixture')),
  settings: settingsTable().split('\\n').filter((l) => l.includes('FIXTURE_')),
  before: await call('GET', '/api/connectors/fixture/status'),
  malformed: await call('POST', '/api/connectors/fixture/connect', { api_token: 'nope' }),
  refused: await call('POST', '/api/connectors/fixture/connect', { api_token: 'fx_wrong_token_0001' }),
  connect: await call('POST', '/api/connectors/fixture/connect', { api_token: '${GOOD}' }),
  after: await call('GET', '/api/connectors/fixture/status'),
  list: (await call('GET', '/api/user_connections')).body,
  catalogue: (await call('GET', '/api/connectors')).body.connectors.find((c: { id: string }) => c.id === 'fixture'),
};
await rt.close();
process.stdout.write(JSON.stringify(out));
`,
};

let copy: string;
let api: Server;
let apiUrl: string;
let result: Record<string, any>;
let changed: string[];

function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((n) => {
    const p = rel ? `${rel}/${n}` : n;
    return statSync(join(dir, p)).isDirectory() ? walk(dir, p) : [p];
  });
}

beforeAll(async () => {
  api = createServer((req, res) => {
    const ok = req.url === '/api/me' && req.headers.authorization === `Bearer ${GOOD}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { login: 'fixture-user' } : { message: 'bad token' }));
  });
  await new Promise<void>((ok) => api.listen(0, '127.0.0.1', ok));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  copy = mkdtempSync(join(tmpdir(), 'aurora-fixture-'));
  // the repository's own files (not what is built or installed), the tests apart
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter((p) => p && !p.startsWith('test/'));
  for (const p of tracked) {
    mkdirSync(join(copy, p, '..'), { recursive: true });
    copyFileSync(join(root, p), join(copy, p));
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const before = new Map(walk(copy).filter((p) => !p.startsWith('node_modules')).map((p) => [p, readFileSync(join(copy, p), 'utf8')]));

  // the connector: its folder, and its place in the list
  for (const [p, content] of Object.entries(FILES)) {
    mkdirSync(join(copy, p, '..'), { recursive: true });
    writeFileSync(join(copy, p), content);
  }
  const index = join(copy, 'lib/connectors/index.ts');
  writeFileSync(
    index,
    readFileSync(index, 'utf8')
      .replace("import { connector as ovh } from './ovh/connector.ts';", "import { connector as ovh } from './ovh/connector.ts';\nimport { connector as fixture } from './fixture/connector.ts';")
      // at the end of the list, whatever its last entry is
      .replace(/\] as const;/, ', fixture] as const;'),
  );
  execFileSync(node, ['scripts/gen.ts'], { cwd: copy, stdio: 'pipe' });

  changed = walk(copy)
    .filter((p) => !p.startsWith('node_modules') && !(p in FILES) && before.get(p) !== readFileSync(join(copy, p), 'utf8'))
    .sort();
  const dataDir = join(copy, '.data-probe');
  // asynchronously: the fixture tool's API answers from this process
  const { stdout } = await promisify(execFile)(node, ['probe.ts', dataDir, apiUrl], { cwd: copy, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: copy, TMPDIR: copy } });
  result = JSON.parse(stdout);
}, 120000);

afterAll(async () => {
  await new Promise<void>((ok) => api.close(() => ok()));
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('a new token connector: one folder and its entry in the list', () => {
  it('changes nothing but the list and what npm run gen writes', () => {
    const generated = changed.filter((p) => p !== 'lib/connectors/index.ts' && p !== 'README.md');
    expect(changed).toContain('lib/connectors/index.ts');
    for (const p of generated) expect(readFileSync(join(copy, p), 'utf8'), p).toMatch(/^\/\/ Generated by `npm run gen`/);
    expect(generated).toEqual(expect.arrayContaining(['functions/connectors/fixture/connect.ts', 'functions/connectors/fixture/reconnect.ts', 'functions/connectors/fixture/status.ts', 'lib/connectors/generated/ids.ts']));
    // the README's generated tables (between their markers) gain its row and its setting
    const readme = readFileSync(join(copy, 'README.md'), 'utf8');
    expect(readme).toMatch(/\| `fixture` \| Fixture Tool \| tool \| api_token \|/);
    expect(readme).toContain('| `FIXTURE_API_URL` | fixture | Fixture tool API base URL. |');
    const folder = Object.keys(FILES).filter((p) => p.startsWith('lib/connectors/fixture/'));
    console.log(`a new token connector: ${folder.length} files in lib/connectors/fixture/, 2 lines of lib/connectors/index.ts; npm run gen then wrote ${generated.join(', ')} and the README tables`);
  });

  it('is in the route table, the OpenAPI document and the settings table', () => {
    expect(result.routes).toEqual([
      { id: 'fixture.status', method: 'GET', paths: ['/api/connectors/fixture/status'], handler: 'functions/connectors/fixture/status.ts' },
      { id: 'fixture.reconnect', method: 'POST', paths: ['/api/connectors/fixture/reconnect'], handler: 'functions/connectors/fixture/reconnect.ts' },
      { id: 'fixture.connect', method: 'POST', paths: ['/api/connectors/fixture/connect'], handler: 'functions/connectors/fixture/connect.ts' },
    ]);
    expect(result.openapi.sort()).toEqual(['/api/connectors/fixture/connect', '/api/connectors/fixture/reconnect', '/api/connectors/fixture/status']);
    expect(result.settings).toEqual(['| `FIXTURE_API_URL` | fixture | Fixture tool API base URL. |']);
  });

  it('connects and answers its status over HTTP, and the console finds its form in the catalogue', () => {
    expect(result.before).toEqual({ status: 200, body: { connected: false, provider: 'fixture', status: 'not_connected', reason: 'Fixture Tool is not connected' } });
    expect(result.malformed.status).toBe(400);
    expect(result.malformed.body.error.field).toBe('api_token');
    expect(result.refused.status).toBe(401);
    expect(result.connect).toEqual({ status: 200, body: { connected: true, login: 'fixture-user' } });
    expect(result.after).toEqual({ status: 200, body: { connected: true, provider: 'fixture', status: 'connected', login: 'fixture-user' } });
    expect(result.list).toEqual([expect.objectContaining({ provider: 'fixture', account_id: 'fixture-user', status: 'connected' })]);
    expect(result.catalogue).toMatchObject({
      id: 'fixture',
      kind: 'tool',
      auth_kind: 'api_token',
      enabled: true,
      fields: [{ name: 'api_token', label: 'API token', secret: true, required: true, pattern: '^fx_[A-Za-z0-9_]{8,64}$' }],
      connect: { method: 'POST', path: '/api/connectors/fixture/connect' },
      status_path: '/api/connectors/fixture/status',
      reconnect_path: '/api/connectors/fixture/reconnect',
      disconnect_path: '/api/auth/fixture/disconnect',
    });
    // the token went to the secret store only
    expect(JSON.stringify(result)).not.toContain(GOOD);
  });
});
