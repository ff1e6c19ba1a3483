import { createConnection } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { Deps } from '../deps.ts';
import { AppError, ProviderUnavailableError } from '../errors.ts';
import { execRequest, execResult, type ExecRequest, type ExecResult } from '../../executor/contract.ts';

/**
 * cloud_tool's side of the executor (executor/contract.ts): `cloudTool.run` never spawns a CLI.
 * Deployed, it invokes the executor Lambda synchronously (CLOUD_TOOL_EXECUTOR_FUNCTION, set by the
 * stacks); locally, it talks to the executor process of the local runtime over its unix socket
 * (CLOUD_TOOL_EXECUTOR_SOCKET). Both answer with the same validated result. Also here: how a
 * result is read (exit status, text cleaning, caps), shared with output.ts.
 */

export interface StreamCapture {
  /** raw text as decoded (not yet cleaned or capped) */
  text: string;
  /** bytes the process wrote, including any that were not kept */
  bytes: number;
  /** true when bytes were dropped */
  overflow: boolean;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: StreamCapture;
  stderr: StreamCapture;
  durationMs: number;
}

const unavailable = (why: string) =>
  new AppError(503, 'executor_unavailable', `cloud_tool cannot run commands right now: ${why}`, { expose: true });

/** The executor's answer to one request; transport faults are a 503 naming what failed. */
export async function execute(d: Deps, req: ExecRequest): Promise<ExecResult> {
  execRequest.parse(req);
  const cfg = d.config.commands;
  let raw: unknown;
  if (cfg.executorFunction) raw = await viaLambda(cfg.executorFunction, d.config.core.region, req);
  else if (cfg.executorSocket) raw = await viaSocket(cfg.executorSocket, req);
  else throw unavailable('no executor is configured (CLOUD_TOOL_EXECUTOR_FUNCTION deployed, the local runtime locally)');
  const parsed = execResult.safeParse(raw);
  if (!parsed.success || parsed.data.runId !== req.runId) throw new ProviderUnavailableError('The executor returned an unreadable answer', { status: 502 });
  return parsed.data;
}

function viaSocket(path: string, req: ExecRequest): Promise<unknown> {
  return new Promise((ok, fail) => {
    const sock = createConnection(path);
    let buf = '';
    sock.setEncoding('utf8');
    // The executor enforces the run's budget itself; this only catches an executor that hangs.
    sock.setTimeout(req.timeoutMs + req.killGraceMs + 15_000, () => sock.destroy(new Error('timed out')));
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (c: string) => (buf += c));
    sock.on('error', (e: NodeJS.ErrnoException) => fail(unavailable(`the local executor is not answering (${e.code ?? e.message})`)));
    sock.on('end', () => {
      try {
        ok(JSON.parse(buf));
      } catch {
        fail(unavailable('the local executor closed the connection without an answer'));
      }
    });
  });
}

let lambdaClient: { fn: string; client: unknown } | undefined;

async function viaLambda(functionName: string, region: string | undefined, req: ExecRequest): Promise<unknown> {
  const { LambdaClient, InvokeCommand } = await import('./lambda-client.ts');
  if (lambdaClient?.fn !== functionName) lambdaClient = { fn: functionName, client: new LambdaClient({ region, maxAttempts: 1 }) };
  const client = lambdaClient.client as InstanceType<typeof LambdaClient>;
  let out;
  try {
    out = await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(req)) }), {
      abortSignal: AbortSignal.timeout(req.timeoutMs + req.killGraceMs + 10_000),
    });
  } catch (e) {
    throw unavailable(`the executor function could not be invoked (${(e as Error).name})`);
  }
  // A crashed or recycled sandbox (FunctionError) is a fault of the executor, not of the command.
  if (out.FunctionError) throw unavailable(`the executor function failed (${out.FunctionError})`);
  try {
    return JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8'));
  } catch {
    throw new ProviderUnavailableError('The executor returned an unreadable answer', { status: 502 });
  }
}

/** The exit status a shell would report: the code, 128+signal when killed, 124 on our timeout. */
export function returnCode(r: Pick<RunResult, 'timedOut' | 'exitCode' | 'signal'>): number {
  if (r.timedOut) return 124;
  if (r.exitCode !== null) return r.exitCode;
  if (r.signal) return 128 + ((osConstants.signals as Record<string, number>)[r.signal] ?? 0);
  return 127;
}

// CSI (ESC [ … final), OSC (ESC ] … BEL | ESC \), other two-byte escapes, 8-bit CSI.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// Control characters other than tab and newline (NUL, bell, carriage returns of progress bars...).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** What a person would read: no colour codes, no cursor games, no NUL. */
export function cleanText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(ANSI, '').replace(CONTROL, '');
}

export interface Capped {
  text: string;
  truncated: boolean;
}

export function capText(text: string, max: number, overflow: boolean): Capped {
  if (text.length <= max && !overflow) return { text, truncated: false };
  const total = overflow ? `more than ${text.length}` : String(text.length);
  return { text: `${text.slice(0, max)}\n[output truncated: showing the first ${max} of ${total} characters]`, truncated: true };
}

/** JSON when the whole (uncut) text is JSON, as most CLIs print with --format/--output json. */
export function parseJsonOutput(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trim();
  if (!t || !/^[[{"]/.test(t)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return { ok: false };
  }
}
