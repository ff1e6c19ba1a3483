import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../../lib/local/dynamo.ts';

// Every iterator the embedded store opens (abstract-level as dynalite resolves it), to see whether
// each one is closed once its Query or Scan has answered (lib/local/dynamo.ts says why it was not).
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { AbstractLevel } = fromDynalite('abstract-level') as { AbstractLevel: { prototype: Record<string, (...a: unknown[]) => unknown> } };
type LevelIterator = { next(): Promise<unknown> };
const opened: LevelIterator[] = [];
const originals: Record<string, (...a: unknown[]) => unknown> = {};
for (const method of ['iterator', 'keys', 'values']) {
  const original = (originals[method] = AbstractLevel.prototype[method]);
  AbstractLevel.prototype[method] = function (this: unknown, ...args: unknown[]) {
    const it = original.apply(this, args) as LevelIterator;
    opened.push(it);
    return it;
  };
}

/** An iterator closed refuses to read (LEVEL_ITERATOR_NOT_OPEN); an open one reads on. */
const isClosed = (it: LevelIterator) => it.next().then(
  () => false,
  (e: { code?: string }) => e.code === 'LEVEL_ITERATOR_NOT_OPEN',
);

let dynamo: EmbeddedDynamo;
let doc: DynamoDBDocumentClient;
const TABLE = 'iterators';

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.endpoint, TABLE);
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  for (let i = 0; i < 6; i++) await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'USER#u', sk: `CONN#${i}`, gsi1pk: 'G', gsi1sk: String(i) } }));
});
afterAll(async () => {
  Object.assign(AbstractLevel.prototype, originals);
  doc.destroy();
  await dynamo.close();
});

describe('embedded DynamoDB', () => {
  it('closes the store iterator of every Query and Scan once it has answered, read to the end or stopped by Limit', async () => {
    opened.length = 0;
    const key = { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'USER#u' } };
    for (let i = 0; i < 5; i++) {
      expect((await doc.send(new QueryCommand({ TableName: TABLE, ...key }))).Items).toHaveLength(6);
      expect((await doc.send(new QueryCommand({ TableName: TABLE, ...key, Limit: 2 }))).Items).toHaveLength(2);
      expect((await doc.send(new QueryCommand({ TableName: TABLE, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :g', ExpressionAttributeValues: { ':g': 'G' } }))).Items).toHaveLength(6);
      expect((await doc.send(new ScanCommand({ TableName: TABLE }))).Items).toHaveLength(6);
    }
    expect(opened.length).toBeGreaterThanOrEqual(20);
    // closing follows the answer by a few ticks: poll, with a generous backstop
    let open = opened.length;
    for (const deadline = Date.now() + 20_000; open > 0 && Date.now() < deadline; ) {
      open = (await Promise.all(opened.map(isClosed))).filter((closed) => !closed).length;
      if (open > 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(open).toBe(0);
  });
});
