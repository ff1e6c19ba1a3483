import { DocumentClient, QueryCommand, type QueryCommandInput } from './dynamodb.ts';

export interface DbSettings {
  tableName: string;
  region: string;
  endpoint?: string;
}

export interface Db {
  doc: DocumentClient;
  table: string;
}

export function createDb(s: DbSettings): Db {
  const doc = new DocumentClient({
    region: s.region,
    ...(s.endpoint
      ? // the embedded emulator accepts any signature; static placeholder credentials avoid the default chain's lookups
        { endpoint: s.endpoint, credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }) }
      : {}),
    maxAttempts: 4,
  });
  return { doc, table: s.tableName };
}

/** The table definition; the local runtime creates it, stacks/storage.ts declares the same keys. */
export const tableSchema = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'gsi1',
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const;

export const nowIso = (): string => new Date().toISOString();
export const epochSeconds = (ms = Date.now()): number => Math.floor(ms / 1000);

/** DynamoDB TTL deletion is lazy (and absent locally), so every read of an expiring item checks this. */
export function isExpired(item: { expiresAt?: number } | undefined, nowMs = Date.now()): boolean {
  return !!item?.expiresAt && item.expiresAt <= Math.floor(nowMs / 1000);
}

export function isConditionalCheckFailed(e: unknown): boolean {
  return (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * Every item under one partition prefix: `pk = :pk AND begins_with(sk, :prefix)`, following
 * pagination. An empty prefix is the whole partition, without the condition: DynamoDB (and
 * DynamoDB Local) refuse an empty string as a key value, even in begins_with, where dynalite
 * accepted it (docs/testing.md, "Parity with DynamoDB Local").
 */
export async function queryPrefix(db: Db, pk: string, skPrefix: string, extra: Partial<QueryCommandInput> = {}): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':prefix': skPrefix } : {}) },
        ExclusiveStartKey: start,
        ConsistentRead: true,
        ...extra,
      }),
    );
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}
