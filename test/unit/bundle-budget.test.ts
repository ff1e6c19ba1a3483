import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions, coldStartOutputs } from '../../lib/build/bundle.ts';
import { routes, webSocketApis } from '../../lib/http/routes.ts';
import { functionEntries } from '../../scripts/bench-cold.ts';

/**
 * What loads where (docs/performance.md): a size budget, from esbuild's metafile, for one function
 * of each kind, and the heavy libraries each may carry. Sizes are deterministic for a given
 * package-lock, unlike import times, so a regression fails here rather than in a bench note. A
 * budget that has to grow needs its reason in docs/performance.md first.
 */
const root = resolve(import.meta.dirname, '../..');

/** One function built alone with the deploy's options, as SST builds it, kept in memory. */
const buildInMemory = (entry: string) => build({ ...bundleOptions, entryPoints: [entry], write: false, metafile: true, absWorkingDir: root, outdir: 'out', logLevel: 'silent' });

/** The libraries that cost the most; each may appear only in the functions that use it. */
const HEAVY = {
  // one CLI's command grammar (lib/commands/classify.ts loads each on first use, per provider)
  gcloudGrammar: 'lib/commands/grammar/gcloud.ts',
  lambda: 'node_modules/@aws-sdk/client-lambda/',
  // a test dependency: the STS calls are two Query actions over our own signer (lib/connectors/aws/query.ts)
  sts: 'node_modules/@aws-sdk/client-sts/',
  sfn: 'node_modules/@aws-sdk/client-sfn/',
  mcp: 'node_modules/@modelcontextprotocol/',
  // loaded with import() where a secret is first read or written (lib/secrets/index.ts)
  secretsManager: 'node_modules/@aws-sdk/client-secrets-manager/',
  // the MCP SDK is a test dependency (its client drives POST /mcp; lib/mcp/protocol.ts serves it)
  // and classic zod (about 96 KB: every method of every schema kind reachable) came with it; our
  // schemas are zod mini (lib/zod.ts, docs/schemas.md), so neither may reach a function
  zodClassic: 'node_modules/zod/v4/classic/',
} as const;
type Heavy = keyof typeof HEAVY;

/**
 * kb: what a cold start loads (the entry and its static chunks); files: how many files that is
 * (each one a module load, about 0.3 ms, whatever its size: the entry, the chunk it shares with
 * its lazy code, and esbuild's few helpers, which every chunk imports; the floor,
 * scripts/bench-cold.ts, loads 9, split by the AWS SDK's own import()s); cold: the heavy
 * libraries in those bytes; lazy: those only behind an import(), in
 * the zip but loaded when a path first needs them (lib/build/bundle.ts, `splitting`). A function
 * over its files has a lazy target that shares modules with it but does not import
 * lib/lazy-core.ts (docs/performance.md, "Chunks").
 */
const CASES: Array<{ id: string; kb: number; files: number; cold: Heavy[]; lazy: Heavy[] }> = [
  // the common case: our DynamoDB client (lib/db/dynamodb.ts), config's (zod mini) schemas, the secret store, routing
  { id: 'connections.list', kb: 96, files: 3, cold: [], lazy: ['secretsManager'] },
  // one client-credentials POST to Entra ID (lib/connectors/azure/entra.ts), no MSAL
  { id: 'azure.login', kb: 108, files: 3, cold: [], lazy: ['secretsManager'] },
  // the check loads only for a caller with a GCP connection (lazyCheck, lib/connectors/kit/lazy-check.ts);
  // most other status functions load a fourth file, the connector's definition, which the
  // function and its check share
  { id: 'gcp.status', kb: 102, files: 3, cold: [], lazy: ['secretsManager'] },
  // reads the table only (lib/connectors/gcp/root-project.ts), so no Google client at all
  { id: 'gcp.getRootProject', kb: 92, files: 3, cold: [], lazy: ['secretsManager'] },
  // Google's APIs as REST over fetch (lib/connectors/gcp/google.ts), no generated clients
  { id: 'gcp.callback', kb: 111, files: 3, cold: [], lazy: ['sfn', 'secretsManager'] },
  // each CLI's grammar loads with the first command of a provider that runs it, the code that
  // applies argument rules with it (lib/commands/classify.ts, RuleKit); the connector loaders it
  // imports are its own (lib/connectors/generated/load/), so the GCP setup's Step Functions client,
  // which came in the zip with the OAuth callbacks' loader, is not even lazy here
  { id: 'cloudTool.run', kb: 152, files: 3, cold: [], lazy: ['gcloudGrammar', 'lambda', 'secretsManager'] },
  // AssumeRole and GetCallerIdentity over our own Query client (lib/connectors/aws/query.ts), no STS
  // SDK client; its signer, which Vault's IAM login shares, loads with the first STS call
  { id: 'aws.auth', kb: 112, files: 3, cold: [], lazy: ['secretsManager'] },
  // the connection routes' service and its connectors' loader (lib/connectors/generated/load/)
  { id: 'connections.providerDisconnect', kb: 102, files: 3, cold: [], lazy: ['secretsManager'] },
  // lists, cancels or approves; the command service (grammars, executors) is not in its zip
  { id: 'cloudTool.cancelConfirmation', kb: 92, files: 3, cold: [], lazy: ['secretsManager'] },
  // our own Streamable HTTP transport; the tool registry and each tool's service load on first use,
  // the tools' JSON Schemas are converted by npm run gen (scripts/mcp-schemas.ts); the kubectl
  // tokens, which the agent-token lookup shares with the kubectl tools, are the fourth file
  { id: 'mcp.endpoint', kb: 123, files: 4, cold: [], lazy: ['gcloudGrammar', 'lambda', 'secretsManager'] },
];

describe('Lambda bundle budgets', () => {
  it('each function stays within its size budget and loads at a cold start only the heavy libraries every request needs', async () => {
    // one build per function, as SST builds them for deploy; what counts is what a cold start loads
    const found = await Promise.all(
      CASES.map(async (c) => {
        const entry = routes.find((r) => r.id === c.id)!.handler;
        const r = await buildInMemory(entry);
        const outputs = r.metafile.outputs;
        const coldKeys = coldStartOutputs(outputs, entry);
        const heavyIn = (keys: string[]) => {
          const inputs = keys.flatMap((k) => Object.keys(outputs[k].inputs));
          return (Object.keys(HEAVY) as Heavy[]).filter((h) => inputs.some((i) => i.includes(HEAVY[h])));
        };
        const cold = heavyIn(coldKeys);
        const lazy = heavyIn(Object.keys(outputs)).filter((h) => !cold.includes(h));
        const bytes = coldKeys.reduce((n, k) => n + outputs[k].bytes, 0);
        return { id: c.id, kb: Math.ceil(bytes / 1024), files: coldKeys.length, cold, lazy };
      }),
    );
    expect(found.map((f) => ({ id: f.id, cold: f.cold, lazy: f.lazy }))).toEqual(CASES.map((c) => ({ id: c.id, cold: c.cold, lazy: c.lazy })));
    const over = found.filter((f) => f.kb > CASES.find((c) => c.id === f.id)!.kb);
    expect(over, `over budget (KB): ${JSON.stringify(found)}; see docs/performance.md before raising one`).toEqual([]);
    const split = found.filter((f) => f.files > CASES.find((c) => c.id === f.id)!.files);
    expect(split, `more files at a cold start than budgeted: ${JSON.stringify(found)}; a lazy target it shares modules with is missing lib/lazy-core.ts`).toEqual([]);
  }, 300_000);
});

/**
 * Files at a cold start for every function, the budgeted ones above included: the entry, the
 * chunk it shares with its lazy code and esbuild's helpers, 3 (against the floor's 9, the AWS
 * SDK's own split; our AWS clients are lib/aws/http.ts, no SDK at a cold start); 4 where a module
 * of the function's own is also its lazy target's: a status function's connector definition (its
 * lazy check uses it), the OAuth callback's, mcp.endpoint's kubectl tokens (its agent-token lookup
 * and the kubectl tools). Any other module a function and some of its lazy targets share, outside
 * lib/lazy-core.ts, is one more file at every cold start (docs/performance.md, "Chunks"), and it
 * lands in whichever function reaches both: the Query client's signer did so in
 * aws.getCredentials, which imports the AWS adapter for one helper.
 */
const coldFilesAllowed = (name: string) => (/\.status$/.test(name) || name === 'oauth.callback' || name === 'mcp.endpoint' ? 4 : 3);

describe('files at a cold start, every function', () => {
  it('no function loads more files at a cold start than its entry, its shared chunk, the helpers and, for a few, one module of its own', async () => {
    const entries = await functionEntries();
    const found: Array<{ name: string; files: number }> = [];
    // a few builds at a time: each is one esbuild call, and all of them at once only queue
    for (let i = 0; i < entries.length; i += 8) {
      found.push(
        ...(await Promise.all(
          entries.slice(i, i + 8).map(async (e) => {
            const r = await buildInMemory(e.handler);
            return { name: e.name, files: coldStartOutputs(r.metafile.outputs, e.handler).length };
          }),
        )),
      );
    }
    expect(found.length).toBeGreaterThan(100);
    expect(found.filter((f) => f.files > coldFilesAllowed(f.name))).toEqual([]);
  }, 600_000);
});

/**
 * A routes module defines several routes and a schemas module several routes' schemas, and a
 * function imports one of each whole. Their definitions are calls (`defineRoute`,
 * `z.deferred`), which esbuild keeps unless each call is marked `@__PURE__` (its
 * `@__NO_SIDE_EFFECTS__` on the declaration does not reach other files), so without the marks
 * every function carried its neighbours' routes and schemas and the zod kinds they use: 60
 * functions 1 to 19 KB more at a cold start (docs/schemas.md). A route's summary is a string only
 * its definition holds, so finding another route's summary in a function means its definition
 * came along. One function of each area whose routes are defined one by one (the connectors'
 * generic routes come from one builder call and travel together, by design).
 */
const OWN_ROUTE_ONLY = ['cloudTool.run', 'cloudTool.cancelConfirmation', 'mcp.endpoint', 'agentTokens.list', 'gcp.getRootProject', 'connections.list', 'kubectl.createToken', 'alerts.list', 'oauth.start'];

describe('a function carries its own route, not its neighbours\'', () => {
  it('no other route\'s definition reaches these functions\' cold starts', async () => {
    const carried: Record<string, string[]> = {};
    for (const id of OWN_ROUTE_ONLY) {
      const entry = routes.find((r) => r.id === id)!.handler;
      const r = await buildInMemory(entry);
      const cold = new Set(coldStartOutputs(r.metafile.outputs, entry).map((k) => resolve(root, k)));
      const text = r.outputFiles.filter((f) => cold.has(f.path)).map((f) => f.text).join('\n');
      // the function's own text was found (a build layout change must fail here, not pass)
      expect(text.includes(routes.find((x) => x.id === id)!.summary.slice(0, 60)), id).toBe(true);
      carried[id] = routes.filter((o) => o.id !== id && o.handler !== entry && text.includes(o.summary.slice(0, 60))).map((o) => o.id);
    }
    expect(carried).toEqual(Object.fromEntries(OWN_ROUTE_ONLY.map((id) => [id, []])));
  }, 300_000);
});

/**
 * Building a zod schema runs code (each kind's initialiser, each check's), and every function
 * imports its area's schema modules whole, so schemas are built on first use (`z.deferred`,
 * docs/schemas.md). One function of each way of declaring schemas: the area modules, the
 * connector route builders (lib/http/connector-*.ts), the generated entry files, the executor's
 * contract, the MCP wire messages, the WebSocket protocol.
 */
const NO_SCHEMA_AT_IMPORT = ['connections.list', 'connections.putPreference', 'datadog.connect', 'slack.status', 'github.reconnect', 'datadog.webhookSetup', 'gcp.callback', 'cloudTool.run', 'mcp.endpoint', 'alerts.list', 'proxy.post', 'kubectl.createToken', 'kubectlAgent.register'];

describe('cold starts build no schema', () => {
  it('importing a function constructs no zod schema or check', async () => {
    const handlers = new Map([...routes.map((r) => [r.id, r.handler] as const), ...webSocketApis.flatMap((a) => a.routes.map((r) => [r.id, r.handler] as const))]);
    const dir = mkdtempSync(join(tmpdir(), 'aurora-no-schema-'));
    try {
      const built: Record<string, number> = {};
      for (const id of NO_SCHEMA_AT_IMPORT) {
        const entry = handlers.get(id);
        if (!entry) throw new Error(`no function ${id}`);
        const out = join(dir, id);
        // unminified, so zod's per-instance constructor keeps its name and can count
        const r = await build({ ...bundleOptions, minify: false, entryPoints: [entry], entryNames: 'entry', write: false, absWorkingDir: root, outdir: out, logLevel: 'silent' });
        let hooks = 0;
        for (const f of r.outputFiles) {
          mkdirSync(dirname(f.path), { recursive: true });
          writeFileSync(f.path, f.text.replace(/function Internals\(def\) \{/g, () => (hooks++, 'function Internals(def) { globalThis.__zodBuilt++;')));
        }
        // zod's constructor was found (a zod upgrade that renames it must fail here, not pass)
        expect(hooks, id).toBeGreaterThan(0);
        const count = execFileSync(process.execPath, ['--input-type=module', '-e', `globalThis.__zodBuilt = 0; await import(${JSON.stringify('file://' + join(out, 'entry.js'))}); process.stdout.write(String(globalThis.__zodBuilt));`], { env: { PATH: process.env.PATH, AURORA_STAGE: 'test' } });
        built[id] = Number(count.toString());
      }
      expect(built).toEqual(Object.fromEntries(NO_SCHEMA_AT_IMPORT.map((id) => [id, 0])));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
