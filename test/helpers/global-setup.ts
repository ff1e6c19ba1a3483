import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DDB_LOCAL_ENDPOINT, ddbLocalWanted, startDynamoDbLocal } from './ddb-local.ts';

/**
 * A fresh capture directory per run, in the system temp dir (never the service's own .data): the
 * hardening leak scan reads what this run produced. Test workers inherit its path. Under
 * `npm run test:ddb-local`, also the run's one DynamoDB Local JVM (a JVM per worker would not fit
 * two cores), whose endpoint the workers inherit too.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-test-capture-'));
  process.env.AURORA_TEST_CAPTURE_DIR = dir;
  const ddb = ddbLocalWanted() ? await startDynamoDbLocal() : undefined;
  if (ddb) process.env[DDB_LOCAL_ENDPOINT] = ddb.endpoint;
  return async () => {
    await ddb?.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
