import { closeAwsConnections } from '../../lib/aws/http.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteCommand, DocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '../../lib/db/dynamodb.ts';
import { ensureTable, startEmbeddedDynamo, STORE_BLOCK_CACHE_BYTES, STORE_READ_BATCH, type EmbeddedDynamo } from '../../lib/local/dynamo.ts';

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

/** How many of the iterators opened so far are still open; closing follows the answer by a few ticks, so it polls, with a generous backstop. */
async function stillOpen(): Promise<number> {
  let open = opened.length;
  for (const deadline = Date.now() + 20_000; open > 0 && Date.now() < deadline; ) {
    open = (await Promise.all(opened.map(isClosed))).filter((closed) => !closed).length;
    if (open > 0) await new Promise((r) => setTimeout(r, 50));
  }
  return open;
}

let dynamo: EmbeddedDynamo;
let doc: DocumentClient;
const TABLE = 'iterators';

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.endpoint, TABLE);
  doc = new DocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }) });
  for (let i = 0; i < 6; i++) await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'USER#u', sk: `CONN#${i}`, gsi1pk: 'G', gsi1sk: String(i) } }));
});
afterAll(async () => {
  Object.assign(AbstractLevel.prototype, originals);
  closeAwsConnections();
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
    expect(await stillOpen()).toBe(0);
  });
});

// `npm start`'s store: LevelDB under the data dir (classic-level, as dynalite resolves it), whose
// binding is where every read of an iterator goes, with the number of entries it asks for (and
// reserves room for, in memory V8 does not see: lib/local/dynamo.ts, STORE_READ_BATCH).
describe('embedded DynamoDB persisted in a data dir', () => {
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  const binding = fromLevel('classic-level/binding.js') as { iterator_nextv: (ctx: unknown, size: number) => Promise<unknown[]> };
  // the store's LevelDB, to ask it what it holds in memory
  type Store = { getProperty(name: string): string };
  const { ClassicLevel } = fromLevel('classic-level') as { ClassicLevel: { prototype: { _open(this: Store, options: object): Promise<void> } } };
  const stores: Store[] = [];
  const openStore = ClassicLevel.prototype._open;
  ClassicLevel.prototype._open = function (options) {
    stores.push(this);
    return openStore.call(this, options);
  };
  const ITEMS = 150;
  const sk = (i: number) => `CONN#${String(i).padStart(3, '0')}`;
  let dir: string;
  let store: EmbeddedDynamo;
  let client: DocumentClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aurora-local-dynamo-'));
    store = await startEmbeddedDynamo({ path: dir });
    await ensureTable(store.endpoint, TABLE);
    client = new DocumentClient({ endpoint: store.endpoint, region: 'us-east-1', credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }) });
    // small items, so that one read's 16 KB would hold far more of them than a batch
    for (let i = 0; i < ITEMS; i++) await client.send(new PutCommand({ TableName: TABLE, Item: { pk: 'USER#p', sk: sk(i), gsi1pk: 'G', gsi1sk: sk(i) } }));
    await client.send(new PutCommand({ TableName: TABLE, Item: { pk: 'USER#p', sk: 'AUDIT#1' } }));
  });
  afterAll(async () => {
    closeAwsConnections();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers Queries and Scans over more items than one read of the store holds, each read asking for at most STORE_READ_BATCH entries', async () => {
    const sizes: number[] = [];
    const original = binding.iterator_nextv;
    binding.iterator_nextv = (ctx, size) => {
      sizes.push(size);
      return original(ctx, size);
    };
    opened.length = 0;
    try {
      const all = Array.from({ length: ITEMS }, (_, i) => sk(i));
      const sks = (items: Array<Record<string, unknown>> | undefined) => (items ?? []).map((x) => x.sk);
      const conns = { KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)', ExpressionAttributeValues: { ':p': 'USER#p', ':c': 'CONN#' } };
      expect(sks((await client.send(new QueryCommand({ TableName: TABLE, ...conns }))).Items)).toEqual(all);
      expect(sks((await client.send(new QueryCommand({ TableName: TABLE, ...conns, ScanIndexForward: false }))).Items)).toEqual([...all].reverse());
      const whole = await client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'USER#p' } }));
      expect(sks(whole.Items)).toEqual(['AUDIT#1', ...all]);
      const first = await client.send(new QueryCommand({ TableName: TABLE, ...conns, Limit: 100 }));
      expect(sks(first.Items)).toEqual(all.slice(0, 100));
      expect(first.LastEvaluatedKey).toEqual({ pk: 'USER#p', sk: sk(99) });
      const rest = await client.send(new QueryCommand({ TableName: TABLE, ...conns, ExclusiveStartKey: first.LastEvaluatedKey }));
      expect(sks(rest.Items)).toEqual(all.slice(100));
      expect(sks((await client.send(new QueryCommand({ TableName: TABLE, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :g', ExpressionAttributeValues: { ':g': 'G' } }))).Items)).toEqual(all);
      expect(sks((await client.send(new ScanCommand({ TableName: TABLE }))).Items).sort()).toEqual(['AUDIT#1', ...all]);
    } finally {
      binding.iterator_nextv = original;
    }
    // the answers above needed more than one full batch each: the store was read in batches
    expect(sizes.filter((s) => s === STORE_READ_BATCH).length).toBeGreaterThan(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(STORE_READ_BATCH);
    // and each iterator is still closed once its request has answered
    expect(opened.length).toBeGreaterThanOrEqual(7);
    expect(await stillOpen()).toBe(0);
  });

  it('keeps at most STORE_BLOCK_CACHE_BYTES of what its reads bring in, however much more the table holds', async () => {
    const store = stores.at(-1)!;
    const memory = () => Number(store.getProperty('leveldb.approximate-memory-usage'));
    const big = 'x'.repeat(4000);
    const key = (i: number) => ({ pk: 'USER#big', sk: `ITEM#${String(i).padStart(4, '0')}` });
    // 12 MB of items, one to a 4 KB block: more than the memtables hold, so most are read from the table files
    for (let b = 0; b < 120; b++) {
      await client.send(new BatchWriteCommand({ RequestItems: { [TABLE]: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { ...key(b * 25 + i), big } } })) } }));
    }
    const before = memory();
    for (let i = 0; i < 3000; i += 20) {
      const got = await Promise.all(Array.from({ length: 20 }, (_, j) => client.send(new GetCommand({ TableName: TABLE, Key: key(i + j) }))));
      expect(got.every((r) => r.Item?.big === big)).toBe(true);
    }
    // what the Gets added is the block cache (no write came in between); without the cap it took 8 MB
    expect(memory() - before).toBeLessThanOrEqual(STORE_BLOCK_CACHE_BYTES);
  });
});
