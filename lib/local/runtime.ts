import { rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { allSettings, resetConfig, config } from '../config.ts';
import { resetDeps } from '../deps.ts';
import { routes, webSocketApis } from '../http/routes.ts';
import { startEmbeddedDynamo, ensureTable, dropTable } from './dynamo.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { startSimulators, type RunningSimulator } from './simulators.ts';
import { buildOpenApi } from '../http/openapi.ts';
import { consoleFallback } from './console.ts';
import { LocalRuntimeError, lockDataDir, secureDataDir } from './data-dir.ts';
import { log } from '../log.ts';
import { startLocalExecutor, type LocalExecutor } from '../../executor/launch.ts';

export interface LocalRuntimeOptions {
  port?: number;
  dataDir: string;
  /** keep DynamoDB in memory (tests); the secret store still uses dataDir */
  inMemory?: boolean;
  /**
   * a DynamoDB this runtime does not own (the test suites against DynamoDB Local,
   * test/helpers/ddb-local.ts): no embedded emulator starts, the table (TABLE_NAME, one per
   * runtime, since many runtimes share it) is created with the definition ensureTable uses and
   * deleted at close
   */
  dynamoEndpoint?: string;
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

/** What `npm run revalidate` (another process) needs to act like this runtime: scripts/revalidate.ts reads it. */
export interface RuntimeFile {
  pid: number;
  url: string;
  /** how the runtime was started */
  flags: { simulate: boolean; port: number; dataDir: string };
  /** the declared settings it was started with (FEATURE_FLAG_OVH_ENABLED, timeouts...), as it has them */
  settings: Record<string, string>;
  /** what points at its own parts: its DynamoDB, its simulators, its URL; these always win */
  wiring: Record<string, string>;
}

/**
 * Everything `npm start` runs, in one process: embedded DynamoDB, the local secret store,
 * simulated clouds when asked, and the gateway serving every route of the table. The data dir is
 * its owner's only (0700, files 0600) and one runtime's at a time; the simulators keep what they
 * issued in it, so a restart on the same data dir finds every connection still valid.
 */
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(opts.dataDir);
  const umask = secureDataDir(dataDir);
  // an in-memory table opens nothing on disk that another process could hold
  const release = opts.inMemory ? () => undefined : lockDataDir(dataDir, 'npm start');
  const started: Array<() => Promise<void> | void> = [release, () => void process.umask(umask)];
  const unwind = async () => {
    for (const stop of started.reverse()) await stop();
  };
  try {
    const dynamo = opts.dynamoEndpoint ? { endpoint: opts.dynamoEndpoint } : await startEmbeddedDynamo({ path: opts.inMemory ? undefined : join(dataDir, 'dynamodb') });
    if ('close' in dynamo) started.push(() => dynamo.close());
    const simulators = opts.simulate ? await startSimulators({ stateDir: opts.inMemory ? undefined : join(dataDir, 'simulators'), dataDir }) : [];
    for (const sim of simulators) started.push(() => sim.close());
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
    if (opts.dynamoEndpoint) started.push(() => dropTable(dynamo.endpoint, cfg.core.tableName!, cfg.core.region));
    const executor = await startExecutor(cfg, dataDir, simulators);
    started.push(() => executor.close());
    process.env.CLOUD_TOOL_EXECUTOR_SOCKET = executor.socket;
    resetConfig();
    resetDeps();
    let openapi: unknown;
    const port = opts.port ?? cfg.core.port;
    const gateway = await startGateway({
      routes,
      port,
      // read per request: FRONTURL defaults to the console on BACKEND_URL, known only once listening
      corsOrigin: () => config().core.corsOrigin,
      // the console (web/), on the API's own origin; API routes keep precedence
      fallback: consoleFallback({ config }),
      webSockets: webSocketApis,
      extra: { 'GET /openapi.json': async () => ({ status: 200, body: (openapi ??= buildOpenApi(routes, { serverUrl: config().core.backendUrl })) }) },
    }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') throw new LocalRuntimeError('port_in_use', `port ${port} is already in use (another npm start?): stop what uses it, or start with --port <another port>`);
      if (e.code === 'EACCES') throw new LocalRuntimeError('port_denied', `port ${port} needs privileges this user does not have: start with --port <a port above 1023>`);
      throw e;
    });
    started.push(() => gateway.close());
    // OAuth redirect URIs are built from BACKEND_URL; on an ephemeral port only now do we know it.
    if (!opts.env?.BACKEND_URL && (opts.port === 0 || !process.env.BACKEND_URL)) {
      process.env.BACKEND_URL = `http://localhost:${gateway.port}`;
      resetConfig();
      resetDeps();
    }
    // Lets `npm run revalidate` (another process) reach this runtime's DynamoDB and simulators, with
    // the same settings (FEATURE_FLAG_OVH_ENABLED included): every declared setting as it is now.
    const runtimeFile = join(dataDir, 'runtime.json');
    const wiring: Record<string, string> = { ...Object.assign({}, ...simulators.map((s) => s.env)), DYNAMODB_ENDPOINT: dynamo.endpoint, BACKEND_URL: process.env.BACKEND_URL! };
    const settings = Object.fromEntries(allSettings().flatMap((st) => (process.env[st.name] === undefined || st.name in wiring ? [] : [[st.name, process.env[st.name]!]])));
    const file: RuntimeFile = { pid: process.pid, url: gateway.url, flags: { simulate: !!opts.simulate, port: gateway.port, dataDir }, settings, wiring };
    if (!opts.inMemory) {
      writeFileSync(runtimeFile, JSON.stringify(file, null, 2), { mode: 0o600 });
      started.push(() => rmSync(runtimeFile, { force: true }));
    }
    return { url: gateway.url, gateway, simulators, executor, close: unwind };
  } catch (e) {
    await unwind();
    throw e;
  }
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
