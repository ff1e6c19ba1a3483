import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resetConfig, config } from '../config.ts';
import { resetDeps } from '../deps.ts';
import { routes } from '../http/routes.ts';
import { startEmbeddedDynamo, ensureTable } from './dynamo.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { startSimulators, type RunningSimulator } from './simulators.ts';
import { buildOpenApi } from '../http/openapi.ts';
import { consoleFallback } from './console.ts';

export interface LocalRuntimeOptions {
  port?: number;
  dataDir: string;
  /** keep DynamoDB in memory (tests); the secret store still uses dataDir */
  inMemory?: boolean;
  simulate?: boolean;
  /** settings for this runtime (they become process env: config.ts stays the only reader) */
  env?: Record<string, string>;
}

export interface LocalRuntime {
  url: string;
  gateway: Gateway;
  simulators: RunningSimulator[];
  close(): Promise<void>;
}

/**
 * Everything `npm start` runs, in one process: embedded DynamoDB, the local secret store,
 * simulated clouds when asked, and the gateway serving every route of the table.
 */
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(opts.dataDir);
  const dynamo = await startEmbeddedDynamo({ path: opts.inMemory ? undefined : join(dataDir, 'dynamodb') });
  const simulators = opts.simulate ? await startSimulators() : [];
  Object.assign(process.env, {
    VALIDATE_RESPONSES: 'true',
    ...Object.assign({}, ...simulators.map((s) => s.env)),
    ...opts.env,
    AURORA_DATA_DIR: dataDir,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
  });
  resetConfig();
  resetDeps();
  const cfg = config();
  await ensureTable(dynamo.endpoint, cfg.core.tableName!, cfg.core.region);
  let openapi: unknown;
  const gateway = await startGateway({
    routes,
    port: opts.port ?? cfg.core.port,
    // read per request: FRONTURL defaults to the console on BACKEND_URL, known only once listening
    corsOrigin: () => config().core.corsOrigin,
    // the console (web/), on the API's own origin; API routes keep precedence
    fallback: consoleFallback({ config }),
    extra: { 'GET /openapi.json': async () => ({ status: 200, body: (openapi ??= buildOpenApi(routes, { serverUrl: config().core.backendUrl })) }) },
  });
  // OAuth redirect URIs are built from BACKEND_URL; on an ephemeral port only now do we know it.
  if (!opts.env?.BACKEND_URL && (opts.port === 0 || !process.env.BACKEND_URL)) {
    process.env.BACKEND_URL = `http://localhost:${gateway.port}`;
    resetConfig();
    resetDeps();
  }
  // Lets `npm run revalidate` (another process) reach this runtime's DynamoDB and simulators.
  const runtimeFile = join(dataDir, 'runtime.json');
  const sharedEnv = { ...Object.assign({}, ...simulators.map((s) => s.env)), ...opts.env, DYNAMODB_ENDPOINT: dynamo.endpoint, BACKEND_URL: process.env.BACKEND_URL };
  if (!opts.inMemory) writeFileSync(runtimeFile, JSON.stringify({ pid: process.pid, url: gateway.url, env: sharedEnv }, null, 2), { mode: 0o600 });
  return {
    url: gateway.url,
    gateway,
    simulators,
    close: async () => {
      if (!opts.inMemory) rmSync(runtimeFile, { force: true });
      await gateway.close();
      for (const s of simulators) await s.close();
      await dynamo.close();
    },
  };
}
