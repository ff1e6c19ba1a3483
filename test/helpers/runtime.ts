import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ScanCommand } from '../../lib/db/dynamodb.ts';
import { setLogSink } from '../../lib/log.ts';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.ts';
import { deps, resetDeps } from '../../lib/deps.ts';
import { resetConfig } from '../../lib/config.ts';
import { defaultBrowser, type CookieJar } from '../../lib/local/cookie-jar.ts';
import { secretStrings, writeCapture } from './capture.ts';
import { ddbLocalEndpoint, uniqueTableName } from './ddb-local.ts';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  user?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  redirect?: 'manual' | 'follow';
  /** the browser making the request: cookies it holds are sent, cookies set are kept (default: this process's; null: none) */
  jar?: CookieJar | null;
}

export interface TestRuntime {
  url: string;
  runtime: LocalRuntime;
  dataDir: string;
  /** every log line written while the runtime ran */
  logs: string[];
  /** every response body received, for leak scans */
  responses: string[];
  request<T = any>(method: string, path: string, opts?: RequestOptions): Promise<TestResponse<T>>;
  /**
   * More values for the hardening leak scan: `audit` ones are secrets a user typed into a command,
   * which may come back to that user but never reach a log line or a table item (the audit).
   */
  addSecrets(s: { audit?: string[] }): void;
  /** fetch for clients of our own (the MCP SDK's client): every response body it reads joins `responses`, for the leak scan */
  fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * The real HTTP surface in-process: embedded DynamoDB (in memory; DynamoDB Local under
 * `npm run test:ddb-local`), local secret store in a temp dir, gateway on an ephemeral port.
 * Requests go over real HTTP.
 */
export async function startTestRuntime(opts: { simulate?: boolean; env?: Record<string, string> } = {}): Promise<TestRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aurora-test-'));
  const logs: string[] = [];
  const responses: string[] = [];
  setLogSink((line) => logs.push(line));
  // under `npm run test:ddb-local`, the run's one DynamoDB Local with a table of this runtime's own
  const dynamoEndpoint = ddbLocalEndpoint();
  const table: Record<string, string> = dynamoEndpoint ? { TABLE_NAME: uniqueTableName() } : {};
  const runtime = await startLocalRuntime({ port: 0, dataDir, inMemory: true, dynamoEndpoint, simulate: opts.simulate, env: { LOG_LEVEL: 'debug', ...opts.env, ...table } });
  // Record every secret value written during the run (disconnects delete them before close).
  const seenSecrets: string[] = [];
  // also what its owner may be shown but no log line or table item may hold (lib/webhooks signing secrets)
  const auditSecrets: string[] = [];
  const store = deps().secrets;
  const put = store.put.bind(store);
  store.put = async (path, value) => {
    secretStrings(value.reveal(), seenSecrets, '', auditSecrets);
    return put(path, value);
  };
  const request = async <T>(method: string, path: string, o: RequestOptions = {}): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...o.headers };
    const user = o.user === undefined ? 'user-a' : o.user;
    if (user !== null) headers['x-user-id'] = user;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const jar = o.jar === undefined ? defaultBrowser : o.jar;
    const cookie = jar?.header();
    if (cookie && !headers.cookie) headers.cookie = cookie;
    const res = await fetch(runtime.url + path, { method, headers, body, redirect: o.redirect ?? 'manual' });
    jar?.store(res);
    // the OAuth browser-binding nonces are credentials of the browser: the leak scan looks for them too
    for (const c of res.headers.getSetCookie()) {
      const m = /^aurora_oauth_[\w-]+=([\w-]{16,});/.exec(c);
      if (m) seenSecrets.push(m[1]);
    }
    const text = await res.text();
    responses.push(method === 'POST' && ISSUES_TOKENS.test(path.split('?')[0]) && res.status === 200 ? recordShownOnce(text, seenSecrets) : text);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  };
  return {
    url: runtime.url,
    runtime,
    dataDir,
    logs,
    responses,
    request,
    addSecrets: (x) => auditSecrets.push(...(x.audit ?? [])),
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      // kept whole: a token in an MCP answer is a leak the scan must see
      responses.push(await res.clone().text());
      return res;
    },
    close: async () => {
      // Hand everything this runtime saw to the hardening leak scan, with every secret it stored.
      const secrets: string[] = [...seenSecrets];
      // Tokens and session keys the simulated clouds issued (never stored, but never to be shown either).
      for (const sim of runtime.simulators as Array<Record<string, any>>) {
        const issued = sim.issuedSecrets?.() ?? sim.issuedTokens?.() ?? sim.issued?.() ?? sim.control?.issuedSecrets?.() ?? sim.control?.issuedTokens?.() ?? [];
        for (const v of issued as string[]) if (typeof v === 'string' && v.length >= 8) secrets.push(v);
      }
      for (const ref of (await deps().secrets.list?.()) ?? []) secretStrings((await deps().secrets.get(ref))?.reveal(), secrets, '', auditSecrets);
      const items: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await deps().db.doc.send(new ScanCommand({ TableName: deps().db.table, ExclusiveStartKey: start }));
        for (const item of page.Items ?? []) items.push(JSON.stringify(item));
        start = page.LastEvaluatedKey;
      } while (start);
      writeCapture({ name: expect.getState().testPath?.split('/').pop() ?? 'runtime', responses, logs, secrets, items, auditSecrets });
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Agent tokens (kubectl's, lib/kubectl/tokens.ts, and MCP's, lib/mcp/agent-tokens.ts) are shown
 * once, in the response that creates them: that
 * response is kept with the token blanked out, and the token joins the secrets the leak scan looks
 * for everywhere else (every other response, log line and table item).
 */
const SHOWN_ONCE = /aurora_(kubectl|agent)_[A-Za-z0-9_-]{43}/g;
const ISSUES_TOKENS = /^\/api\/(kubectl\/tokens(\/[^/]+\/rotate)?|agent-tokens)$/;
/**
 * Settings for one test only (a short provider timeout for the test about timeouts), the file's
 * own again afterwards. A whole file on a short timeout would fail whenever a loaded machine is
 * slower than it, without anything being wrong.
 */
export async function withSettings<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  resetConfig();
  resetDeps();
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
    resetDeps();
  }
}

export function recordShownOnce(text: string, secrets: string[]): string {
  return text.replace(SHOWN_ONCE, (token) => {
    secrets.push(token);
    return '[shown once]';
  });
}

/** Every occurrence of any secret value in the given texts; tests expect none. */
export function findLeaks(texts: string[], secrets: string[]): string[] {
  const hits: string[] = [];
  for (const s of secrets.filter((v) => v.length >= 6)) {
    for (const t of texts) if (t.includes(s)) hits.push(`${s.slice(0, 3)}… in ${t.slice(0, 120)}`);
  }
  return hits;
}
