import type { IncomingMessage, ServerResponse } from 'node:http';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsV4Signer } from 'aws4fetch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ownAwsCredentials } from '../../lib/aws/identity.ts';
import { DeleteCommand, DocumentClient, DynamoDBError, GetCommand, PutCommand, QueryCommand, UpdateCommand, marshallMap, unmarshallMap } from '../../lib/db/dynamodb.ts';
import { listenLoopback, type LoopbackServer } from '../../lib/local/sim-kit.ts';
import type { RetryClock } from '../../lib/retry.ts';

/**
 * Our DynamoDB client (lib/db/dynamodb.ts) on the wire, against a fake endpoint that checks each
 * request as DynamoDB does (the SigV4 signature recomputed with aws4fetch, an implementation
 * independent of ours) and answers what a test scripts. Its items are held to
 * @aws-sdk/util-dynamodb, the SDK's own marshalling, which the client replaced. What DynamoDB
 * itself does with the requests is the integration suites' part, on dynalite and DynamoDB Local.
 */
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-1' };

interface Seen {
  target: string;
  body: Record<string, unknown>;
  signatureOk: boolean;
  securityToken?: string;
}
let server: LoopbackServer;
let seen: Seen[];
let script: Array<(res: ServerResponse, req: IncomingMessage) => void>;

const json = (res: ServerResponse, status: number, doc: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ1', ...headers });
  res.end(JSON.stringify(doc));
};

async function signatureOk(req: IncomingMessage, body: string): Promise<boolean> {
  const auth = String(req.headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/dynamodb\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || m[1] !== KEYS.accessKeyId) return false;
  const signed = m[4].split(';');
  const headers = Object.fromEntries(signed.filter((h) => h !== 'host').map((h) => [h, String(req.headers[h] ?? '')]));
  const signer = new AwsV4Signer({ method: 'POST', url: `${server.url}${req.url}`, headers, body, ...KEYS, service: 'dynamodb', region: m[3], datetime: String(req.headers['x-amz-date']), allHeaders: true });
  const expected = /Signature=([0-9a-f]{64})/.exec((await signer.sign()).headers.get('authorization') ?? '')?.[1];
  return expected === m[5];
}

beforeAll(async () => {
  server = await listenLoopback(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(body) as Record<string, unknown>, signatureOk: await signatureOk(req, body), securityToken: req.headers['x-amz-security-token'] as string | undefined });
    const next = script.shift();
    if (next) next(res, req);
    else json(res, 200, {});
  }, {});
});
afterAll(() => server.close());
beforeEach(() => {
  seen = [];
  script = [];
});

/** No real waiting between attempts; the delays asked for are kept. */
function fakeClock(): RetryClock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => Date.parse('2026-12-04T12:00:00Z'), random: () => 0.5, sleep: async (ms) => void slept.push(ms) };
}
const client = (clock = fakeClock(), over: Partial<ConstructorParameters<typeof DocumentClient>[0]> = {}) =>
  new DocumentClient({ region: 'eu-west-1', endpoint: server.url, credentials: async () => KEYS, maxAttempts: 4, clock, ...over });

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(DynamoDBError);
      return e as DynamoDBError;
    },
  );

const RICH = {
  pk: 'USER#u1',
  n: 42,
  f: -1.5,
  big: 12345678901234567890n,
  yes: true,
  nothing: null,
  empty: '',
  gone: undefined,
  list: ['a', 1, { deep: [false, undefined] }],
  map: { a: { b: 'c' }, skip: undefined },
  names: new Set(['x', 'y']),
  numbers: new Set([1, 2.5]),
  bytes: new Uint8Array([0, 1, 254, 255]),
};

/** The SDK's marshalled form as its JSON protocol sends it: binary as base64. */
const onTheWire = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x)));

describe('marshalling: what the SDK made of an item, both ways', () => {
  it('writes an item as @aws-sdk/util-dynamodb does with removeUndefinedValues', () => {
    expect(marshallMap(RICH)).toEqual(onTheWire(marshall(RICH, { removeUndefinedValues: true })));
  });

  it('reads attribute values back as the SDK reads them (sets as Sets, large integers as BigInt, binary as Uint8Array)', () => {
    const sdkForm = marshall(RICH, { removeUndefinedValues: true });
    const ours = unmarshallMap(onTheWire(sdkForm) as Parameters<typeof unmarshallMap>[0]);
    const sdks = unmarshall(sdkForm);
    expect(ours).toEqual(sdks);
    expect(ours.big).toBe(12345678901234567890n);
    expect(ours.names).toEqual(new Set(['x', 'y']));
    expect(ours.bytes).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(ours.n).toBe(42);
  });

  it('refuses what DynamoDB cannot hold, naming where in the item (not the value), and sends nothing', async () => {
    const refusal = (item: Record<string, unknown>) =>
      client()
        .send(new PutCommand({ TableName: 't', Item: item }))
        .then(() => 'sent', (e: Error) => `${e.name}: ${e.message}`);
    expect(await refusal({ pk: 'p', a: { b: Number.NaN } })).toBe('TypeError: Item.a.b: the number NaN cannot be stored in DynamoDB');
    expect(await refusal({ pk: 'p', when: new Date(0) })).toBe('TypeError: Item.when: an instance of Date cannot be stored in DynamoDB');
    expect(await refusal({ pk: 'p', tags: new Set() })).toBe('TypeError: Item.tags: an empty set cannot be stored in DynamoDB');
    expect(await refusal({ pk: 'p', n: 2 ** 60 })).toMatch(/^TypeError: Item\.n: an integer beyond Number\.MAX_SAFE_INTEGER/);
    expect(seen).toEqual([]);
  });
});

describe('requests', () => {
  it('posts each operation signed for dynamodb in its region, with the session token, keys and values marshalled', async () => {
    script.push((res) => json(res, 200, { Item: { pk: { S: 'USER#u1' }, n: { N: '7' } } }));
    const got = await client().send(new GetCommand({ TableName: 't', Key: { pk: 'USER#u1', sk: 'CONN#a' }, ConsistentRead: true }));
    expect(got).toEqual({ Item: { pk: 'USER#u1', n: 7 } });
    script.push((res) => json(res, 200, { Attributes: { v: { N: '2' } } }));
    const updated = await client().send(
      new UpdateCommand({ TableName: 't', Key: { pk: 'p', sk: 's' }, UpdateExpression: 'SET v = v + :one', ConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':one': 1, ':s': 'ok', ':gone': undefined }, ReturnValues: 'ALL_NEW' }),
    );
    expect(updated.Attributes).toEqual({ v: 2 });
    expect(seen.map((s) => [s.target, s.signatureOk, s.securityToken])).toEqual([
      ['DynamoDB_20120810.GetItem', true, KEYS.sessionToken],
      ['DynamoDB_20120810.UpdateItem', true, KEYS.sessionToken],
    ]);
    expect(seen[0].body).toEqual({ TableName: 't', Key: { pk: { S: 'USER#u1' }, sk: { S: 'CONN#a' } }, ConsistentRead: true });
    expect(seen[1].body).toEqual({
      TableName: 't',
      Key: { pk: { S: 'p' }, sk: { S: 's' } },
      UpdateExpression: 'SET v = v + :one',
      ConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':s': { S: 'ok' } },
      ReturnValues: 'ALL_NEW',
    });
  });

  it("a query's pages come back as items, its cursor as a key to send again", async () => {
    script.push((res) => json(res, 200, { Items: [{ pk: { S: 'p' }, sk: { S: '1' } }], Count: 1, ScannedCount: 1, LastEvaluatedKey: { pk: { S: 'p' }, sk: { S: '1' } } }));
    const page = await client().send(new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p' }, Limit: 1 }));
    expect(page).toEqual({ Items: [{ pk: 'p', sk: '1' }], Count: 1, ScannedCount: 1, LastEvaluatedKey: { pk: 'p', sk: '1' } });
    await client().send(new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p' }, ExclusiveStartKey: page.LastEvaluatedKey }));
    expect(seen[1].body.ExclusiveStartKey).toEqual({ pk: { S: 'p' }, sk: { S: '1' } });
  });

  it("Aurora's own credentials: the function role's variables as Lambda sets them", async () => {
    expect(await ownAwsCredentials({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'tok' })).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'tok' });
    expect(await ownAwsCredentials({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' })).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
  });
});

describe('errors and retries (the SDK standard mode: 4 attempts, full-jitter backoff from 100 ms)', () => {
  it('a failed condition is final at once, named as the SDK named it, with the item when asked for', async () => {
    script.push((res) => json(res, 400, { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed', Item: { v: { N: '1' } } }));
    const clock = fakeClock();
    const e = await failure(client(clock).send(new DeleteCommand({ TableName: 't', Key: { pk: 'p', sk: 's' }, ConditionExpression: 'attribute_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
    expect([e.name, e.message, e.$fault, e.$metadata.httpStatusCode, e.$metadata.requestId]).toEqual(['ConditionalCheckFailedException', 'The conditional request failed', 'client', 400, 'REQ1']);
    expect(e.Item).toEqual({ v: 1 });
    expect([seen.length, clock.slept]).toEqual([1, []]);
  });

  it('throttling and server faults are tried again with backoff, then succeed', async () => {
    script.push((res) => json(res, 400, { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' }));
    script.push((res) => json(res, 500, { __type: 'com.amazon.coral.service#InternalFailure' }));
    script.push((res) => json(res, 400, { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
    const clock = fakeClock();
    await client(clock).send(new PutCommand({ TableName: 't', Item: { pk: 'p' } }));
    expect(seen).toHaveLength(4);
    // random() = 0.5 of min(20 s, 100 ms · 2ⁿ)
    expect(clock.slept).toEqual([50, 100, 200]);
    // each attempt is signed afresh
    expect(seen.every((s) => s.signatureOk)).toBe(true);
  });

  it('after the last attempt the fault is thrown as a server-side one (the HTTP layer answers 503), and a refusal is not repeated', async () => {
    for (let i = 0; i < 4; i++) script.push((res) => json(res, 503, {}, { 'x-amzn-errortype': 'ServiceUnavailable' }));
    const e = await failure(client().send(new GetCommand({ TableName: 't', Key: { pk: 'p' } })));
    expect([e.name, e.$fault, seen.length]).toEqual(['ServiceUnavailable', 'server', 4]);
    seen = [];
    script.push((res) => json(res, 400, { __type: 'com.amazon.coral.validate#ValidationException', message: 'One or more parameter values were invalid' }));
    const v = await failure(client().send(new GetCommand({ TableName: 't', Key: { pk: 'p' } })));
    expect([v.name, v.message, v.$fault, seen.length]).toEqual(['ValidationException', 'One or more parameter values were invalid', 'client', 1]);
  });

  it('the retry quota (500 tokens, 5 a retry): once an outage has spent it, failures are final at the first attempt; successes earn it back', async () => {
    let failing = true;
    const answers = (n: number) => {
      for (let i = 0; i < n; i++) script.push((res) => (failing ? json(res, 500, { __type: 'com.amazon.coral.service#InternalFailure' }) : json(res, 200, {})));
    };
    const c = client();
    const get = () => c.send(new GetCommand({ TableName: 't', Key: { pk: 'p' } })).then(() => 'ok', (e: Error) => e.name);
    answers(33 * 4);
    for (let i = 0; i < 33; i++) expect(await get()).toBe('InternalFailure');
    expect(seen).toHaveLength(132); // 33 × 4 attempts, 99 retries: 495 tokens
    answers(3);
    expect(await get()).toBe('InternalFailure'); // the last 5 tokens: one retry
    expect(await get()).toBe('InternalFailure'); // none left
    expect(seen).toHaveLength(135);
    failing = false;
    answers(5);
    for (let i = 0; i < 5; i++) expect(await get()).toBe('ok'); // +1 each
    failing = true;
    answers(2);
    expect(await get()).toBe('InternalFailure');
    expect(seen).toHaveLength(142); // the 5 earned tokens bought one retry
  });

  it('a connection DynamoDB closed without answering is tried again on a new one', async () => {
    script.push((res) => res.socket?.destroy());
    const got = await client().send(new GetCommand({ TableName: 't', Key: { pk: 'p' } }));
    expect(got).toEqual({});
    expect(seen).toHaveLength(2);
  });

  it('an attempt that gets no answer times out and counts as one; an unreachable endpoint is a NetworkError', async () => {
    script.push(() => undefined); // never answers; released when the client gives up
    await client(fakeClock(), { timeoutMs: 50 }).send(new GetCommand({ TableName: 't', Key: { pk: 'p' } }));
    expect(seen).toHaveLength(2);
    const closed = await listenLoopback(async () => undefined, {});
    await closed.close();
    const e = await failure(new DocumentClient({ region: 'eu-west-1', endpoint: closed.url, credentials: async () => KEYS, maxAttempts: 2, clock: fakeClock() }).send(new GetCommand({ TableName: 't', Key: { pk: 'p' } })));
    expect([e.name, e.$fault]).toEqual(['NetworkError', 'server']);
    expect(e.message).toBe('dynamodb could not be reached (ECONNREFUSED)');
  });
});

describe('signing a path that carries an encoded label', () => {
  it("signs API Gateway's /@connections/{id} as aws4fetch does (every service but S3 signs the path encoded twice)", async () => {
    const { signRequest } = await import('../../lib/aws/sigv4.ts');
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/@connections/L0SM9cOFvHcCIhw%3D';
    const ours = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/octet-stream' }, body: '{"type":"ping"}' }, KEYS, { region: 'eu-west-1', service: 'execute-api' }, new Date('2026-12-04T12:00:00Z'));
    const theirs = await new AwsV4Signer({ method: 'POST', url, headers: { 'content-type': 'application/octet-stream', 'x-amz-date': ours['x-amz-date'] }, body: '{"type":"ping"}', ...KEYS, service: 'execute-api', region: 'eu-west-1', datetime: ours['x-amz-date'], allHeaders: true }).sign();
    const sig = (a: string | null | undefined) => /Signature=([0-9a-f]{64})/.exec(a ?? '')?.[1];
    expect(sig(ours.authorization)).toBeDefined();
    expect(sig(ours.authorization)).toBe(sig(theirs.headers.get('authorization')));
  });
});
