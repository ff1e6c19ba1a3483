/**
 * npm run revalidate [-- --data-dir .data]
 * Runs the scheduled re-validation once, locally. When `npm start` is running on the same data
 * directory it reuses that runtime's embedded DynamoDB and simulated clouds (from runtime.json);
 * otherwise it opens the persisted data itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { config, resetConfig } from '../lib/config.ts';
import { deps, resetDeps } from '../lib/deps.ts';
import { revalidateAll } from '../lib/connectors/revalidate.ts';
import { startEmbeddedDynamo, ensureTable } from '../lib/local/dynamo.ts';
import { LocalRuntimeError, lockDataDir, secureDataDir } from '../lib/local/data-dir.ts';
import type { RuntimeFile } from '../lib/local/runtime.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
if (values['data-dir']) process.env.AURORA_DATA_DIR = values['data-dir'];
const dataDir = resolve(config().core.dataDir);
const runtimeFile = join(dataDir, 'runtime.json');

let close = async () => {};
const running = existsSync(runtimeFile) ? (JSON.parse(readFileSync(runtimeFile, 'utf8')) as RuntimeFile) : null;
if (running && isAlive(running.pid)) {
  // Its settings (feature flags included, so every connector it serves is checked), unless this run
  // sets one itself; and always its wiring (its DynamoDB, its simulators).
  for (const [k, v] of Object.entries(running.settings)) process.env[k] ??= v;
  Object.assign(process.env, running.wiring);
} else {
  secureDataDir(dataDir);
  let release: () => void;
  try {
    release = lockDataDir(dataDir, 'npm run revalidate');
  } catch (e) {
    if (!(e instanceof LocalRuntimeError)) throw e;
    process.stderr.write(`revalidate: ${e.message}\n`);
    process.exit(1);
  }
  const dynamo = await startEmbeddedDynamo({ path: join(dataDir, 'dynamodb') });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  close = async () => {
    await dynamo.close();
    release();
  };
}
process.env.AURORA_DATA_DIR = dataDir;
resetConfig();
resetDeps();
await ensureTable(config().core.dynamoEndpoint!, config().core.tableName!, config().core.region);
const summary = await revalidateAll(deps());
process.stdout.write(JSON.stringify(summary) + '\n');
await close();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
