import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../lib/config.ts';
import { createDb, type Db } from '../../lib/db/client.ts';
import type { Deps } from '../../lib/deps.ts';
import { saveConnection } from '../../lib/connections/service.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { createSecretStore } from '../../lib/secrets/index.ts';
import { secretPath } from '../../lib/secrets/port.ts';
import { secret } from '../../lib/secret-value.ts';
import { startTestTable, type TestTable } from '../helpers/ddb-local.ts';

let dynamo: TestTable;
let dir: string;
let d: Deps;

/** A DynamoDB client whose connection writes fail, as a throttled or unreachable table would. */
function failingDb(db: Db): Db {
  const send = db.doc.send.bind(db.doc);
  const doc = new Proxy(db.doc, {
    get(target, prop, recv) {
      if (prop === 'send') {
        return (cmd: { constructor: { name: string } }) => {
          if (cmd.constructor.name === 'UpdateCommand') return Promise.reject(Object.assign(new Error('ProvisionedThroughputExceededException'), { name: 'ProvisionedThroughputExceededException' }));
          return send(cmd as never);
        };
      }
      return Reflect.get(target, prop, recv);
    },
  });
  return { ...db, doc };
}

beforeAll(async () => {
  dynamo = await startTestTable('consistency');
  dir = mkdtempSync(join(tmpdir(), 'aurora-consistency-'));
  const config = load({ AURORA_DATA_DIR: dir, TABLE_NAME: dynamo.table, DYNAMODB_ENDPOINT: dynamo.endpoint, SECRET_CACHE_TTL_MS: '0' });
  const db = createDb({ tableName: dynamo.table, region: 'us-east-1', endpoint: dynamo.endpoint });
  d = { config, db, secrets: createSecretStore(config.secrets, config.core), now: () => Date.now() };
});
afterAll(async () => {
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('secret first, record second', () => {
  it('a record write failure after a new secret write leaves no orphaned secret', async () => {
    const broken = { ...d, db: failingDb(d.db) };
    await expect(
      saveConnection(broken, { userId: 'u1', provider: 'azure', accountId: 'sub-1', accountName: 'S', metadata: {}, secret: secret({ client_secret: 'orphan-candidate-secret' }) }),
    ).rejects.toThrow(/ProvisionedThroughput/);
    expect(await d.secrets.get(`local:${secretPath('u1', 'azure', 'sub-1')}`)).toBeNull();
    expect(await getConnection(d.db, { userId: 'u1', provider: 'azure', accountId: 'sub-1' })).toBeNull();
  });

  it('a failed reconnect restores the previous secret instead of deleting the one in use', async () => {
    const conn = await saveConnection(d, { userId: 'u2', provider: 'azure', accountId: 'sub-2', accountName: 'S', metadata: {}, secret: secret({ client_secret: 'first-secret-value' }) });
    const broken = { ...d, db: failingDb(d.db) };
    await expect(
      saveConnection(broken, { userId: 'u2', provider: 'azure', accountId: 'sub-2', accountName: 'S', metadata: {}, secret: secret({ client_secret: 'second-secret-value' }) }),
    ).rejects.toThrow();
    const stored = await d.secrets.get(conn.secretRef!);
    expect(stored?.reveal()).toEqual({ client_secret: 'first-secret-value' });
  });
});
