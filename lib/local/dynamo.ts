import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { tableSchema } from '../db/client.ts';

const require = createRequire(import.meta.url);

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

/** Create the table on first run; a table that already exists (persisted) is left as it is. */
export async function ensureTable(endpoint: string, tableName: string, region = 'us-east-1'): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException) && (e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
    await client.send(new CreateTableCommand({ TableName: tableName, ...structuredClone(tableSchema) } as never));
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
