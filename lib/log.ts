import { AsyncLocalStorage } from 'node:async_hooks';
import { SecretValue, REDACTED } from './secret-value.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Keys whose values are credentials whatever their type; redacted even when someone forgot SecretValue. */
const SENSITIVE_KEY = /(secret|token|password|passwd|private_?key|authorization|cookie|credential|api_?key|code_verifier|refresh)/i;

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stdout.write(line + '\n');
let minLevel: number = ORDER.info;

const context = new AsyncLocalStorage<Record<string, unknown>>();

/** Tests capture every line; the local runtime may reroute them. */
export function setLogSink(s: LogSink): void {
  sink = s;
}
export function setLogLevel(level: Level | 'silent'): void {
  minLevel = ORDER[level];
}

/** Runs fn with fields (request id, route, user) attached to every log line written inside it. */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}
export function addLogContext(fields: Record<string, unknown>): void {
  const store = context.getStore();
  if (store) Object.assign(store, fields);
}

export function redact(value: unknown, depth = 0): unknown {
  if (value instanceof SecretValue) return REDACTED;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[depth]';
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...(value.cause ? { cause: redact(value.cause, depth + 1) } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SENSITIVE_KEY.test(k) && v !== null && v !== undefined && typeof v !== 'boolean' && typeof v !== 'number' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < minLevel) return;
  const line = { level, time: new Date().toISOString(), msg, ...(redact(context.getStore() ?? {}) as object), ...(redact(fields ?? {}) as object) };
  sink(JSON.stringify(line));
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};
