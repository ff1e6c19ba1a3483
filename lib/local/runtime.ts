import { rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { resetConfig, config } from '../config.ts';
import { resetDeps } from '../deps.ts';
import { routes } from '../http/routes.ts';
import { startEmbeddedDynamo, ensureTable } from './dynamo.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { startSimulators, type RunningSimulator } from './simulators.ts';
import { buildOpenApi } from '../http/openapi.ts';
import { consoleFallback } from './console.ts';
import { log } from '../log.ts';
import { startLocalExecutor, type LocalExecutor } from '../../executor/launch.ts';

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
  /** the process that runs cloud_tool's CLIs (executor/daemon.ts) */
  executor: LocalExecutor;
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
  const executor = await startExecutor(cfg, dataDir, simulators);
  process.env.CLOUD_TOOL_EXECUTOR_SOCKET = executor.socket;
  resetConfig();
  resetDeps();
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
    executor,
    close: async () => {
      if (!opts.inMemory) rmSync(runtimeFile, { force: true });
      await gateway.close();
      await executor.close();
      for (const s of simulators) await s.close();
      await dynamo.close();
    },
  };
}

/**
 * cloud_tool's executor, a process of its own (executor/launch.ts). Runs reach the simulated
 * clouds (their 127.0.0.1 ports) and nothing else of this machine's network; the data directory,
 * the repository and this HOME are invisible to them. Says in one line when this machine cannot
 * isolate runs.
 */
async function startExecutor(cfg: ReturnType<typeof config>, dataDir: string, simulators: RunningSimulator[]): Promise<LocalExecutor> {
  const forwards = new Set<number>();
  for (const s of simulators) {
    for (const v of Object.values(s.env)) for (const m of v.matchAll(/https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)/g)) forwards.add(Number(m[1]));
  }
  const executor = await startLocalExecutor({
    toolPath: cfg.commands.path,
    forwards: [...forwards],
    protect: [dataDir, cfg.secrets.localDir ?? join(dataDir, 'secrets'), process.cwd(), homedir()],
    allowUnisolated: cfg.commands.unisolated === 'allow',
    workDir: cfg.commands.workDir,
    bwrap: cfg.commands.bwrap,
    onExit: (code, lastError) => log.error('cloud_tool executor stopped; cloud_tool runs fail until the runtime restarts', { code, lastError }),
  });
  if (executor.isolation === 'none') log.warn(`cloud_tool runs CLIs WITHOUT isolation (CLOUD_TOOL_UNISOLATED=allow): ${executor.reason}`);
  if (executor.isolation === 'refused') log.warn(`cloud_tool will not run CLIs: no isolation on this machine (${executor.reason}); set CLOUD_TOOL_UNISOLATED=allow to run them anyway`);
  for (const r of executor.refused) log.warn('cloud_tool: a CLOUD_TOOL_PATH directory is left out of the sandbox', r);
  return executor;
}
