import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { tableSchema } from '../db/client.ts';

const require = createRequire(import.meta.url);
/** `require` as dynalite's `level` resolves: the classic-level its store under a data dir opens with */
const fromLevel = (id: string): unknown => createRequire(createRequire(require.resolve('dynalite')).resolve('level'))(id);

/**
 * dynalite 4.0.0 turns its level iterators into streams (node_modules/dynalite/db/index.js,
 * createKeyStream and createValueStream) and, when a stream ends or is destroyed, closes the
 * iterator only `if (iterator.return)`. abstract-level 3's iterators have close() and no return(),
 * so every Query and Scan left its iterator open in the database's resources, holding a snapshot
 * of the store: the local server grew by hundreds of MB under load and never gave it back
 * (issue 14). Giving the iterators the return() dynalite looks for closes each one when its stream
 * ends. The abstract-level resolved from dynalite's own directory is the copy its stores use.
 */
function closeLevelIteratorsAtStreamEnd(): void {
  const fromDynalite = createRequire(require.resolve('dynalite'));
  const { AbstractIterator } = fromDynalite('abstract-level') as { AbstractIterator: { prototype: object } };
  // the base shared by entry, key and value iterators (abstract-level/abstract-iterator.js CommonIterator)
  const common = Object.getPrototypeOf(AbstractIterator.prototype) as { close(): Promise<void>; return?: () => Promise<void> };
  if (typeof common.return === 'function') return;
  Object.defineProperty(common, 'return', {
    configurable: true,
    writable: true,
    value: function (this: { close(): Promise<void> }) {
      return this.close();
    },
  });
}

/**
 * How many entries one read of a store iterator asks LevelDB for. classic-level's
 * `Iterator#_next` (node_modules/classic-level/iterator.js), which dynalite's streams use, reads
 * one entry and then asks for 1000 at a time; for each such read the binding reserves room for
 * all 1000 in the iterator's native cache (binding.cc, `ReadMany`: `cache_.reserve(size)`, 64
 * bytes an entry, so 64 KB), and that cache is freed when V8 collects the iterator's handle, not
 * when the iterator closes. V8 does not know about that memory, so nothing hurries the collection:
 * under `npm run bench`'s load (two iterators a request, most of them outliving a young-generation
 * GC under load, so freed only by a full one) closed iterators held 51 MB of the 95 MB malloc'd at
 * its peak (heaptrack), in the malloc arenas of the libuv threads that read; at 64 they hold 3 MB
 * of 46 (docs/performance.md, "Memory under load"). A read still stops at the binding's 16 KB
 * (`highWaterMarkBytes`) whatever the count, so for entries of 256 bytes or more, which an item
 * with its key is, 64 makes no more reads than 1000 did.
 */
export const STORE_READ_BATCH = 64;

const kBatch = Symbol('aurora.storeReadBatch');
const kBounded = Symbol.for('aurora.storeReadBatchBounded');
interface StoreIterator {
  _next(): Promise<unknown>;
  _nextv(size: number, options: object): Promise<unknown[]>;
  _seek(target: unknown, options: object): void;
  _close(): Promise<void>;
  [kBatch]?: { entries: unknown[]; at: number; first: boolean };
}

/**
 * classic-level's iterator reading through `_nextv` at most STORE_READ_BATCH entries at a time.
 * `_next` keeps what it read here, in place of classic-level's own cache (which only its `_next`
 * fills, so it stays empty); `_nextv`, `_seek` and `_close` see that buffer as they saw that cache.
 */
function boundStoreReadBatches(): void {
  const { Iterator } = fromLevel('classic-level/iterator.js') as { Iterator: { prototype: StoreIterator } };
  const proto = Iterator.prototype as StoreIterator & { [kBounded]?: true };
  if (proto[kBounded]) return;
  proto[kBounded] = true;
  const { _nextv: nextv, _seek: seek, _close: close } = proto;
  proto._next = async function (this: StoreIterator) {
    const b = (this[kBatch] ??= { entries: [], at: 0, first: true });
    if (b.at >= b.entries.length) {
      // one entry first, as classic-level reads (a read that wants only one stops there)
      const size = b.first ? 1 : STORE_READ_BATCH;
      b.first = false;
      b.entries = await nextv.call(this, size, {});
      b.at = 0;
    }
    return b.at < b.entries.length ? b.entries[b.at++] : undefined;
  };
  proto._nextv = async function (this: StoreIterator, size: number, options: object) {
    const b = this[kBatch];
    if (b && b.at < b.entries.length) {
      const chunk = b.entries.slice(b.at, b.at + size);
      b.at += chunk.length;
      return chunk;
    }
    return nextv.call(this, Math.min(size, STORE_READ_BATCH), options);
  };
  proto._seek = function (this: StoreIterator, target: unknown, options: object) {
    this[kBatch] = undefined;
    seek.call(this, target, options);
  };
  proto._close = function (this: StoreIterator) {
    this[kBatch] = undefined;
    return close.call(this);
  };
}

/**
 * The block cache of the store under a data dir (classic-level's `cacheSize`; 8 MB unless told).
 * Every Get fills it (iterators do not: `fillCache` is off for them), and LevelDB drops a block
 * only when the LRU needs room, so blocks of the files compaction has since replaced stay in it
 * too: under `npm run bench`'s load the store's memory (`leveldb.approximate-memory-usage`, the
 * cache and the memtables) went from 1 MB after 5 000 requests to 7 MB after 40 000, for a table
 * of 5 MB on disk whose items read again and again (200 connections, 50 settings) are a few hundred
 * KB; with 2 MB it was 5 MB after 40 000, the memtable (up to its 4 MB write buffer) the rest. The
 * files themselves stay in the OS's page cache. dynalite opens its store with no options, so this
 * is the default it gets.
 */
export const STORE_BLOCK_CACHE_BYTES = 2 * 1024 * 1024;
const kCacheSet = Symbol.for('aurora.storeBlockCache');

function smallerStoreBlockCache(): void {
  const { ClassicLevel } = fromLevel('classic-level') as { ClassicLevel: { prototype: { _open(options: object): Promise<void>; [kCacheSet]?: true } } };
  const proto = ClassicLevel.prototype;
  if (proto[kCacheSet]) return;
  proto[kCacheSet] = true;
  const open = proto._open;
  proto._open = function (this: unknown, options: object) {
    return open.call(this, { cacheSize: STORE_BLOCK_CACHE_BYTES, ...options });
  };
}

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * DynamoDB emulated in-process (dynalite), listening on an ephemeral 127.0.0.1 port so several
 * runtimes and test files never fight over one. Persisted under `path` when given, else in memory.
 */
export async function startEmbeddedDynamo(opts: { path?: string } = {}): Promise<EmbeddedDynamo> {
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  closeLevelIteratorsAtStreamEnd();
  boundStoreReadBatches();
  smallerStoreBlockCache();
  const dynalite = require('dynalite') as (o: Record<string, unknown>) => import('node:http').Server;
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * Create the table on first run; a table that already exists (persisted) is left as it is. Returns
 * once the table is ACTIVE: a new table is CREATING first, and dynalite answers ResourceNotFound to
 * reads and writes until it is not (its store under a data dir makes it ACTIVE a write later, not
 * at once), as DynamoDB does.
 */
export async function ensureTable(endpoint: string, tableName: string, region = 'us-east-1'): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    let status: string | undefined;
    try {
      status = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException) && (e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
      status = (await client.send(new CreateTableCommand({ TableName: tableName, ...structuredClone(tableSchema) } as never))).TableDescription?.TableStatus;
    }
    // a generous backstop: locally a table becomes ACTIVE within a few writes
    for (const deadline = Date.now() + 60_000; status === 'CREATING'; ) {
      if (Date.now() > deadline) throw new Error(`table ${tableName} is still CREATING`);
      await new Promise((r) => setTimeout(r, 10));
      status = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
    }
  } finally {
    client.destroy();
  }
}

/** A table of a runtime that shares its DynamoDB with others (DynamoDB Local in the tests): its items go with it. */
export async function dropTable(endpoint: string, tableName: string, region = 'us-east-1'): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
  } finally {
    client.destroy();
  }
}
