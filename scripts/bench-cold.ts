/**
 * Cold starts for `npm run bench`: the like-for-like floor and each function's first request.
 *
 * The floor is a function that builds the DynamoDB document client and does one GetItem, bundled
 * with lib/build/bundle.ts's options like every function, so it carries the AWS SDK inlined exactly
 * as the functions do (issue 16 bundles the SDK), and is imported and invoked by the same code.
 * The old floor (the clients only) is kept as `floor_bundled_sdk_ms` so older notes line up; with
 * the SDK bundled everywhere it is built the same way.
 *
 * `cold_request_ms` is one fresh process: Node starts, imports the bundle, hands its handler one
 * request (the event the local gateway would build, lib/local/gateway.ts) against the local table,
 * and gets the response; the child reports performance.now() at that moment, i.e. the time since
 * its own process began.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions, coldStartOutputs } from '../lib/build/bundle.ts';
import { routes, webSocketApis } from '../lib/http/routes.ts';
import type { RouteDef } from '../lib/http/route-types.ts';
import type { WsRouteDef } from '../lib/kubectl/ws-routes.ts';

export const FLOOR_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
// as lib/db/client.ts builds it (a bench fixture reads the environment itself: config.ts would add its own cost)
export const handler = async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({ region: process.env.AWS_REGION ?? 'us-east-1', ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}), maxAttempts: 4 });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const r = await doc.send(new GetCommand({ TableName: process.env.TABLE_NAME ?? 'aurora-connectors', Key: { pk: 'USER#bench-floor', sk: 'FLOOR' } }));
  return { statusCode: 200, body: JSON.stringify({ found: !!r.Item }) };
};
`;

export const OLD_FLOOR_SOURCE =
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport const c = DynamoDBDocumentClient.from(new DynamoDBClient({}));\n";

const MARK = '@@bench-cold ';

/** Runs in the fresh process: import, one invocation, report. Plain JS so Node needs no loader. */
const RUNNER = `import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [file, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const mod = await import(pathToFileURL(file).href);
const deadline = Date.now() + 30000;
const context = { callbackWaitsForEmptyEventLoop: false, functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:bench', memoryLimitInMB: '256', awsRequestId: 'bench', logGroupName: 'bench', logStreamName: 'bench', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
let outcome;
try {
  const r = await mod.handler(event, context);
  outcome = r && typeof r === 'object' && 'statusCode' in r ? String(r.statusCode) : 'returned';
} catch (e) {
  outcome = 'threw ' + (e && e.name);
}
const ms = performance.now();
process.stdout.write('\\n${MARK}' + JSON.stringify({ ms, outcome }) + '\\n');
process.exit(0);
`;

export function writeRunner(dir: string): string {
  const file = join(dir, 'cold-runner.mjs');
  writeFileSync(file, RUNNER);
  return file;
}

/** The payload-v2 event the local gateway builds for this route (lib/local/gateway.ts buildEvent). */
export function httpEvent(route: RouteDef, user: string): unknown {
  const template = route.paths[0];
  const params: Record<string, string> = {};
  const path = template.replace(/\{(\w+)\+?\}/g, (_, name: string) => (params[name] = `bench-${name}`));
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${template}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: '127.0.0.1', 'x-user-id': user, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: `${route.method} ${template}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: '{}' } : {}),
    isBase64Encoded: false,
  };
}

/** A WebSocket route's event as API Gateway sends it; with no valid token or message it is refused, after its table read. */
export function wsEvent(route: WsRouteDef): unknown {
  const eventType = route.routeKey === '$connect' ? 'CONNECT' : route.routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE';
  return {
    headers: { host: '127.0.0.1' },
    requestContext: { routeKey: route.routeKey, eventType, connectionId: 'bench-conn', requestId: 'bench', domainName: '127.0.0.1', stage: 'local', connectedAt: Date.now() },
    ...(eventType === 'MESSAGE' ? { body: '{}' } : {}),
    isBase64Encoded: false,
  };
}

/** A workflow step's input for a task that does not exist: it reads the table and fails as a step fails. */
export function stepEvent(): unknown {
  return { user_id: 'bench-cold', task_id: 'bench-task', account_id: 'bench@example.com', project_id: 'bench-project', project_count: 1 };
}

export interface ColdSample {
  ms: number;
  outcome: string;
}

/** Asynchronous on purpose: the local table is served by this process, which must keep answering. */
export async function coldRequest(runner: string, bundle: string, eventFile: string, env: NodeJS.ProcessEnv): Promise<ColdSample> {
  const { stdout: out } = await promisify(execFile)(process.execPath, [runner, bundle, eventFile], { env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  const line = out.slice(out.lastIndexOf(MARK) + MARK.length).split('\n')[0];
  return JSON.parse(line) as ColdSample;
}

/** Every Lambda the bench measures (`npm run bench`, `npm run bench:instructions`), with the event its cold request gets. */
export async function functionEntries(): Promise<Array<{ name: string; handler: string; event: unknown }>> {
  const entries = [
    ...routes.map((r) => ({ name: r.id, handler: r.handler, event: httpEvent(r, 'bench-cold') })),
    ...webSocketApis.flatMap((a) => a.routes.map((r) => ({ name: r.id, handler: r.handler, event: wsEvent(r) }))),
  ];
  // the workflow step functions, present once their area exists
  const steps = resolve('lib/gcp-setup/steps-index.ts');
  if (existsSync(steps)) {
    const { workflowSteps } = (await import(pathToFileURL(steps).href)) as { workflowSteps: Array<{ name: string; handler: string }> };
    entries.push(...workflowSteps.map((s) => ({ name: `workflow.${s.name}`, handler: s.handler, event: stepEvent() })));
  }
  return entries;
}

export interface Bundle {
  /** the entry file to import */
  file: string;
  /** what a cold start loads: the entry and the chunks it imports statically (lib/build/bundle.ts) */
  bytes: number;
  /** the entry and every chunk, lazy ones included: what the zip holds */
  bytes_all: number;
}

/** One function built alone into its own directory under `outDir`, as SST builds each function for deploy. */
export async function bundleFunction(outDir: string, name: string, entry: string): Promise<Bundle> {
  const rel = relative(process.cwd(), resolve(entry));
  const r = await build({ ...bundleOptions, entryPoints: [rel], outdir: join(outDir, name), outExtension: { '.js': '.mjs' }, metafile: true, logLevel: 'silent' });
  const outputs = r.metafile.outputs;
  const cold = coldStartOutputs(outputs, rel);
  const sum = (keys: string[]) => keys.reduce((n, k) => n + outputs[k].bytes, 0);
  return { file: resolve(cold[0]), bytes: sum(cold), bytes_all: sum(Object.keys(outputs)) };
}
