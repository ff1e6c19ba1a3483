import { closeAwsConnections } from '../../lib/aws/http.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '../../lib/db/dynamodb.ts';
import { createDb, isConditionalCheckFailed, queryPrefix, type Db } from '../../lib/db/client.ts';
import { ddbLocalEndpoint, ddbLocalWanted, startTestTable, type TestTable } from '../helpers/ddb-local.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

/**
 * What our code relies on from DynamoDB, asserted against the table the suite runs on: dynalite
 * under `npm test`, DynamoDB Local under `npm run test:ddb-local` (docs/testing.md, "Parity with
 * DynamoDB Local"). A behaviour the two disagree on fails here on one of them.
 */
let table: TestTable;

const shippedSources = (dir = 'lib'): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? shippedSources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
let db: Db;

beforeAll(async () => {
  table = await startTestTable('parity');
  db = createDb({ tableName: table.table, region: 'us-east-1', endpoint: table.endpoint });
  for (let i = 0; i < 3; i++) await db.doc.send(new PutCommand({ TableName: db.table, Item: { pk: 'USER#p', sk: `ITEM#${i}`, gsi1pk: 'LIST#p', gsi1sk: `2026-01-0${i + 1}#${i}` } }));
});
afterAll(async () => {
  closeAwsConnections();
  await table?.close();
});

describe('the DynamoDB the suite runs on', () => {
  it('a condition on a missing item fails as ConditionalCheckFailedException (isConditionalCheckFailed)', async () => {
    const e = await db.doc
      .send(new UpdateCommand({ TableName: db.table, Key: { pk: 'USER#p', sk: 'NONE' }, UpdateExpression: 'SET a = :a', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':a': 1 } }))
      .then(() => undefined, (err: unknown) => err);
    expect(isConditionalCheckFailed(e)).toBe(true);
  });

  it('an item of every attribute type goes through our client (lib/db/dynamodb.ts) and comes back as it was written', async () => {
    const item = {
      pk: 'USER#p',
      sk: 'TYPES',
      s: 'text with "quotes" and ünïcödé',
      n: 42,
      f: -0.125,
      big: 12345678901234567890n,
      yes: false,
      nothing: null,
      empty: '',
      list: ['a', 1, { deep: [true] }],
      map: { a: { b: 'c' } },
      names: new Set(['x', 'y']),
      numbers: new Set([1, 2.5]),
      bytes: new Uint8Array([0, 1, 254, 255]),
      gone: undefined,
    };
    await db.doc.send(new PutCommand({ TableName: db.table, Item: item }));
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk: 'USER#p', sk: 'TYPES' }, ConsistentRead: true }));
    const { gone: _gone, ...stored } = item;
    expect(Item).toEqual(stored);
    expect('gone' in Item!).toBe(false);
    // ADD to a string set, as lib/connectors/gcp/setup-tasks.ts records finished projects
    const { Attributes } = await db.doc.send(new UpdateCommand({ TableName: db.table, Key: { pk: 'USER#p', sk: 'TYPES' }, UpdateExpression: 'ADD #names :more', ExpressionAttributeNames: { '#names': 'names' }, ExpressionAttributeValues: { ':more': new Set(['z']) }, ReturnValues: 'UPDATED_NEW' }));
    expect(Attributes).toEqual({ names: new Set(['x', 'y', 'z']) });
    await db.doc.send(new DeleteCommand({ TableName: db.table, Key: { pk: 'USER#p', sk: 'TYPES' } }));
  });

  it('a Limit that ends exactly on the last item still answers a LastEvaluatedKey; the page after it is empty', async () => {
    const first = await db.doc.send(new QueryCommand({ TableName: db.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'USER#p' }, Limit: 3 }));
    expect(first.Items).toHaveLength(3);
    expect(first.LastEvaluatedKey).toEqual({ pk: 'USER#p', sk: 'ITEM#2' });
    const next = await db.doc.send(new QueryCommand({ TableName: db.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'USER#p' }, Limit: 3, ExclusiveStartKey: first.LastEvaluatedKey }));
    expect(next.Items).toEqual([]);
    expect(next.LastEvaluatedKey).toBeUndefined();
    // queryPrefix follows every page to the end
    expect(await queryPrefix(db, 'USER#p', 'ITEM#', { Limit: 1 })).toHaveLength(3);
  });

  it("a GSI page's LastEvaluatedKey holds the table's and the index's keys (lib/alerts/store.ts builds its cursor from sk and gsi1sk)", async () => {
    const r = await db.doc.send(new QueryCommand({ TableName: db.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :g', ExpressionAttributeValues: { ':g': 'LIST#p' }, ScanIndexForward: false, Limit: 1 }));
    expect(r.LastEvaluatedKey).toEqual({ pk: 'USER#p', sk: 'ITEM#2', gsi1pk: 'LIST#p', gsi1sk: '2026-01-03#2' });
  });

  it('a Limit counts the items read, not those the filter kept (lib/alerts/store.ts and lib/commands/runs.ts page on)', async () => {
    const r = await db.doc.send(new QueryCommand({ TableName: db.table, KeyConditionExpression: 'pk = :pk', FilterExpression: 'gsi1sk = :none', ExpressionAttributeValues: { ':pk': 'USER#p', ':none': 'none' }, Limit: 2 }));
    expect(r.Items).toEqual([]);
    expect(r.ScannedCount).toBe(2);
    expect(r.LastEvaluatedKey).toEqual({ pk: 'USER#p', sk: 'ITEM#1' });
  });

  it('refuses an empty string as a key value, even in begins_with; queryPrefix with an empty prefix reads the whole partition', async () => {
    const refused = await db.doc
      .send(new QueryCommand({ TableName: db.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)', ExpressionAttributeValues: { ':pk': 'USER#p', ':s': '' } }))
      .then(() => 'accepted', (e: Error) => e.name);
    // the difference itself, pinned on each: dynalite answers every item
    expect(refused).toBe(ddbLocalWanted() ? 'ValidationException' : 'accepted');
    expect((await queryPrefix(db, 'USER#p', '')).map((i) => i.sk)).toEqual(['ITEM#0', 'ITEM#1', 'ITEM#2']);
  });

  it('refuses an empty string as a GSI key where dynalite stores it (every gsi1pk and gsi1sk lib/ writes starts with a fixed prefix)', async () => {
    const put = await db.doc
      .send(new PutCommand({ TableName: db.table, Item: { pk: 'USER#p', sk: 'EMPTY', gsi1pk: '', gsi1sk: 'x' } }))
      .then(() => 'accepted', (e: Error) => `${e.name}: ${e.message}`);
    if (ddbLocalWanted()) expect(put).toMatch(/^ValidationException: .*empty string value.*IndexKey: gsi1pk/);
    else expect(put).toBe('accepted');
  });

  it('transactions: dynalite has none, so no shipped code sends one (a change that adds one is tested under npm run test:ddb-local)', async () => {
    const tx = await db.doc
      .send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: db.table, Item: { pk: 'USER#tx', sk: '1' } } }] }))
      .then(() => 'accepted', (e: Error) => e.name);
    expect(tx).toBe(ddbLocalWanted() ? 'accepted' : 'UnknownOperationException');
    expect(shippedSources().filter((f) => /new Transact(Write|Get)(Items)?Command\b/.test(readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('refuses consistent reads on the GSI, reserved words unaliased, and unused expression values', async () => {
    const refusal = (input: ConstructorParameters<typeof QueryCommand>[0]) => db.doc.send(new QueryCommand(input)).then(() => 'accepted', (e: Error) => `${e.name}: ${e.message}`);
    expect(await refusal({ TableName: db.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :g', ExpressionAttributeValues: { ':g': 'LIST#p' }, ConsistentRead: true })).toMatch(/^ValidationException: Consistent reads are not supported on global secondary indexes/);
    expect(await refusal({ TableName: db.table, KeyConditionExpression: 'pk = :pk', FilterExpression: 'status = :s', ExpressionAttributeValues: { ':pk': 'USER#p', ':s': 'x' } })).toMatch(/^ValidationException: .*reserved keyword: status/);
    expect(await refusal({ TableName: db.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'USER#p', ':unused': 'x' } })).toMatch(/^ValidationException: Value provided in ExpressionAttributeValues unused/);
  });
});

describe.runIf(ddbLocalWanted())('under npm run test:ddb-local', () => {
  it("a runtime's table lives in the run's one DynamoDB Local, on loopback, with the GSI ensureTable declares, and goes with the runtime", async () => {
    const shared = ddbLocalEndpoint()!;
    expect(shared).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Jetty's connector, bound by test/helpers/DynamoDbLocalLoopback.java: listening on 127.0.0.1 only, never on every interface
    const port = Number(new URL(shared).port).toString(16).toUpperCase().padStart(4, '0');
    const listening = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1)).map((l) => l.trim().split(/\s+/)).filter((c) => c[3] === '0A' && c[1]?.endsWith(`:${port}`)).map((c) => c[1].split(':')[0]);
    expect(listening.length).toBeGreaterThan(0);
    expect(listening.every((a) => a === '0100007F' || a === '0000000000000000FFFF00000100007F')).toBe(true);
    const rt = await startTestRuntime();
    const { deps } = await import('../../lib/deps.ts');
    const name = deps().db.table;
    expect(process.env.DYNAMODB_ENDPOINT).toBe(shared);
    // the table's definition is DynamoDB's control plane, which lib/ never calls: the SDK's client reads it
    const control = new DynamoDBClient({ endpoint: shared, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { Table } = await control.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.Projection?.ProjectionType])).toEqual([['gsi1', 'ALL']]);
    await rt.close();
    const gone = await control.send(new DescribeTableCommand({ TableName: name })).then(() => 'still there', (e: Error) => e.name);
    expect(gone).toBe('ResourceNotFoundException');
    control.destroy();
  });
});
