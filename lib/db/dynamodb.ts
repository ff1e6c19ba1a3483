import { AwsError, awsCall } from '../aws/http.ts';
import { ownAwsCredentials, regionalEndpoint } from '../aws/identity.ts';
import type { SigningCredentials } from '../aws/sigv4.ts';
import type { RetryClock } from '../retry.ts';

/**
 * Our DynamoDB document client: the operations lib/ sends, over DynamoDB's JSON protocol (a
 * SigV4-signed POST of the request document, `X-Amz-Target: DynamoDB_20120810.<Operation>`), with
 * items as plain JavaScript values. Call sites read as they did with @aws-sdk/lib-dynamodb
 * (`db.doc.send(new GetCommand({...}))`), whose semantics this keeps: its marshalling with
 * `removeUndefinedValues`, its error names, the SDK's standard retries.
 *
 * Why not the SDK: the document client, the low-level client and the Smithy runtime under them
 * were about 200 KB of every function and most of every cold start (the floor in
 * scripts/bench-cold.ts is exactly that client, and `npm run bench:instructions` put every
 * function at 1.10 to 1.18 times it); our calls are seven operations whose expressions DynamoDB
 * itself evaluates. test/unit/dynamodb.test.ts pins the wire format against a fake endpoint, and the
 * integration and hardening suites run on this client against dynalite and, under
 * `npm run test:ddb-local`, AWS's DynamoDB Local (test/integration/dynamo-parity.test.ts).
 */

// The SDK's NativeAttributeValue is `any` too: an item's shape is the caller's to state.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Item = Record<string, any>;
type Names = Record<string, string>;

interface Conditional {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Names;
  ExpressionAttributeValues?: Item;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}
export interface GetCommandInput {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Names;
}
export interface PutCommandInput extends Conditional {
  TableName: string;
  Item: Item;
  ReturnValues?: 'NONE' | 'ALL_OLD';
}
export interface UpdateCommandInput extends Conditional {
  TableName: string;
  Key: Item;
  UpdateExpression: string;
  ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
}
export interface DeleteCommandInput extends Conditional {
  TableName: string;
  Key: Item;
  ReturnValues?: 'NONE' | 'ALL_OLD';
}
interface Reading {
  TableName: string;
  IndexName?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Names;
  ExpressionAttributeValues?: Item;
  ExclusiveStartKey?: Item;
  Limit?: number;
  ConsistentRead?: boolean;
  Select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';
}
export interface QueryCommandInput extends Reading {
  KeyConditionExpression: string;
  ScanIndexForward?: boolean;
}
export type ScanCommandInput = Reading;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };
export interface BatchWriteCommandInput {
  RequestItems: Record<string, WriteRequest[]>;
}
export interface TransactWriteCommandInput {
  TransactItems: Array<
    | { Put: PutCommandInput }
    | { Update: UpdateCommandInput }
    | { Delete: DeleteCommandInput }
    | { ConditionCheck: Conditional & { TableName: string; Key: Item; ConditionExpression: string } }
  >;
  ClientRequestToken?: string;
}

interface Written {
  Attributes?: Item;
}
export interface ReadPage {
  Items?: Item[];
  Count?: number;
  ScannedCount?: number;
  LastEvaluatedKey?: Item;
}

/** A request to send: the operation's name and its input, as the SDK's commands carry them. */
export abstract class Command<Input, Output> {
  abstract readonly operation: string;
  /** never set: carries the answer's type to `send` */
  declare readonly output?: Output;
  readonly input: Input;
  constructor(input: Input) {
    this.input = input;
  }
}
export class GetCommand extends Command<GetCommandInput, { Item?: Item }> {
  readonly operation = 'GetItem';
}
export class PutCommand extends Command<PutCommandInput, Written> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends Command<UpdateCommandInput, Written> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends Command<DeleteCommandInput, Written> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends Command<QueryCommandInput, ReadPage> {
  readonly operation = 'Query';
}
export class ScanCommand extends Command<ScanCommandInput, ReadPage> {
  readonly operation = 'Scan';
}
export class BatchWriteCommand extends Command<BatchWriteCommandInput, { UnprocessedItems?: Record<string, WriteRequest[]> }> {
  readonly operation = 'BatchWriteItem';
}
export class TransactWriteCommand extends Command<TransactWriteCommandInput, object> {
  readonly operation = 'TransactWriteItems';
}

/**
 * An error DynamoDB answered or a fault on the way (lib/aws/http.ts), with what DynamoDB's error
 * documents carry besides the code, as items.
 */
export class DynamoDBError extends AwsError {
  /** the item as it stood, on a ConditionalCheckFailedException asked for with ReturnValuesOnConditionCheckFailure */
  readonly Item?: Item;
  /** per item of a TransactionCanceledException: Code, Message, and the item when asked for */
  readonly CancellationReasons?: Array<{ Code?: string; Message?: string; Item?: Item }>;
  constructor(from: AwsError) {
    super(from.name, from.message, { status: from.$metadata.httpStatusCode, requestId: from.$metadata.requestId, cause: from.cause });
    const doc = from.document;
    if (isMap(doc?.Item)) this.Item = unmarshallMap(doc.Item as AttributeMap);
    if (Array.isArray(doc?.CancellationReasons)) {
      this.CancellationReasons = (doc.CancellationReasons as Array<{ Code?: string; Message?: string; Item?: AttributeMap }>).map((r) => ({ Code: r.Code, Message: r.Message, ...(r.Item ? { Item: unmarshallMap(r.Item) } : {}) }));
    }
  }
}

export interface DocumentClientOptions {
  region: string;
  /** a full URL (http://127.0.0.1:8000 for the local table); default: the region's endpoint */
  endpoint?: string;
  credentials?: () => Promise<SigningCredentials>;
  /** attempts in all, the first included (the SDK's maxAttempts) */
  maxAttempts?: number;
  /** how long one attempt may go without a byte from DynamoDB */
  timeoutMs?: number;
  clock?: RetryClock;
}

export class DocumentClient {
  readonly #endpoint: Parameters<typeof awsCall>[0];

  constructor(o: DocumentClientOptions) {
    this.#endpoint = {
      url: regionalEndpoint('dynamodb', o.region, o.endpoint),
      region: o.region,
      service: 'dynamodb',
      credentials: o.credentials ?? (() => ownAwsCredentials()),
      attempts: o.maxAttempts ?? 3,
      timeoutMs: o.timeoutMs ?? 10_000,
      clock: o.clock,
    };
  }

  async send<I, O>(command: Command<I, O>): Promise<O> {
    const body = JSON.stringify(marshallInput(command.input));
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${command.operation}` };
    let text: string;
    try {
      ({ text } = await awsCall(this.#endpoint, { method: 'POST', url: this.#endpoint.url, headers, body }));
    } catch (e) {
      throw e instanceof AwsError ? new DynamoDBError(e) : e;
    }
    let doc: Record<string, unknown>;
    try {
      doc = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch (e) {
      throw new DynamoDBError(new AwsError('SerializationException', 'DynamoDB answered a document that is not JSON', { status: 200, cause: e }));
    }
    return unmarshallOutput(doc) as O;
  }
}

// ---- marshalling: plain values <-> DynamoDB's attribute values, as @aws-sdk/util-dynamodb does them

type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: AttributeMap }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };
type AttributeMap = Record<string, AttributeValue>;

/** Fields of a request document that hold items or keys, wherever they sit (in a TransactItems entry, a PutRequest...). */
const ITEM_FIELDS = new Set(['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey']);

function marshallInput(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(marshallInput);
  if (!isMap(input)) return input;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    out[k] = ITEM_FIELDS.has(k) ? marshallMap(v as Item, k) : marshallInput(v);
  }
  return out;
}

/** Fields of an answer that hold items or keys. */
function unmarshallOutput(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  if (isMap(doc.Item)) out.Item = unmarshallMap(doc.Item as AttributeMap);
  if (isMap(doc.Attributes)) out.Attributes = unmarshallMap(doc.Attributes as AttributeMap);
  if (isMap(doc.LastEvaluatedKey)) out.LastEvaluatedKey = unmarshallMap(doc.LastEvaluatedKey as AttributeMap);
  if (Array.isArray(doc.Items)) out.Items = (doc.Items as AttributeMap[]).map(unmarshallMap);
  if (isMap(doc.UnprocessedItems)) {
    const pending: Record<string, unknown> = {};
    for (const [table, requests] of Object.entries(doc.UnprocessedItems as Record<string, Array<Record<string, { Item?: AttributeMap; Key?: AttributeMap }>>>)) {
      pending[table] = requests.map((r) =>
        r.PutRequest ? { PutRequest: { Item: unmarshallMap(r.PutRequest.Item!) } } : { DeleteRequest: { Key: unmarshallMap(r.DeleteRequest!.Key!) } },
      );
    }
    out.UnprocessedItems = pending;
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A refusal to marshall, naming where in the item (never the value, which may be anything). */
const unsupported = (path: string, what: string) => new TypeError(`${path}: ${what} cannot be stored in DynamoDB`);

export function marshallMap(item: Item, path = 'item'): AttributeMap {
  if (!isMap(item)) throw unsupported(path, 'a value other than a plain object');
  const out: AttributeMap = {};
  for (const [k, v] of Object.entries(item)) {
    // removeUndefinedValues, and the SDK drops functions from maps
    if (v === undefined || typeof v === 'function') continue;
    out[k] = marshallValue(v, `${path}.${k}`);
  }
  return out;
}

function marshallValue(v: unknown, path: string): AttributeValue {
  switch (typeof v) {
    case 'string':
      return { S: v };
    case 'boolean':
      return { BOOL: v };
    case 'number':
      return { N: numberText(v, path) };
    case 'bigint':
      return { N: v.toString() };
    case 'object':
      if (v === null) return { NULL: true };
      if (Array.isArray(v)) return { L: v.filter((e) => e !== undefined && typeof e !== 'function').map((e, i) => marshallValue(e, `${path}[${i}]`)) };
      if (v instanceof Set) return marshallSet(v, path);
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return { B: binaryText(v) };
      if (isMap(v)) return { M: marshallMap(v, path) };
      throw unsupported(path, `an instance of ${(v as object).constructor?.name ?? 'a class'}`);
    default:
      throw unsupported(path, `a ${typeof v}`);
  }
}

function numberText(n: number, path: string): string {
  if (!Number.isFinite(n)) throw unsupported(path, `the number ${n}`);
  if (!Number.isSafeInteger(n) && Number.isInteger(n)) throw unsupported(path, 'an integer beyond Number.MAX_SAFE_INTEGER (pass a BigInt)');
  return String(n);
}

const binaryText = (v: ArrayBufferView | ArrayBuffer): string =>
  (v instanceof ArrayBuffer ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength)).toString('base64');

function marshallSet(set: Set<unknown>, path: string): AttributeValue {
  const values = [...set].filter((e) => e !== undefined);
  if (values.length === 0) throw unsupported(path, 'an empty set');
  if (values.every((e) => typeof e === 'string')) return { SS: values as string[] };
  if (values.every((e) => typeof e === 'number' || typeof e === 'bigint')) return { NS: values.map((e) => (typeof e === 'number' ? numberText(e, path) : String(e))) };
  if (values.every((e) => ArrayBuffer.isView(e) || e instanceof ArrayBuffer)) return { BS: values.map((e) => binaryText(e as ArrayBufferView)) };
  throw unsupported(path, 'a set of mixed or unsupported types');
}

export function unmarshallMap(map: AttributeMap): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(map)) out[k] = unmarshallValue(v);
  return out;
}

function unmarshallValue(v: AttributeValue): unknown {
  if ('S' in v) return v.S;
  if ('N' in v) return numberOf(v.N);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('M' in v) return unmarshallMap(v.M);
  if ('L' in v) return v.L.map(unmarshallValue);
  if ('SS' in v) return new Set(v.SS);
  if ('NS' in v) return new Set(v.NS.map(numberOf));
  if ('B' in v) return new Uint8Array(Buffer.from(v.B, 'base64'));
  if ('BS' in v) return new Set(v.BS.map((b) => new Uint8Array(Buffer.from(b, 'base64'))));
  throw new TypeError(`DynamoDB answered an attribute of an unknown type (${Object.keys(v).join(', ')})`);
}

/** As the SDK reads numbers: a JavaScript number, or a BigInt for an integer a number cannot hold exactly. */
function numberOf(text: string): number | bigint {
  const n = Number(text);
  if (Number.isFinite(n) && Math.abs(n) > Number.MAX_SAFE_INTEGER && /^-?\d+$/.test(text)) return BigInt(text);
  return n;
}
