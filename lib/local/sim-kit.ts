import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the simulated clouds share: a loopback HTTP server on an ephemeral port, and a switchboard
 * of injected faults (status codes, stalls that look like timeouts) and latency that tests flip.
 */
export interface FaultSpec {
  status?: number;
  /** stall this long before answering (a client with a shorter timeout sees a timeout) */
  delayMs?: number;
  /** how many matching requests fail (default: until reset) */
  times?: number;
  /** only requests whose path matches */
  path?: RegExp;
}

export class FaultSwitch {
  #faults: Array<Omit<FaultSpec, 'times'> & { remaining: number }> = [];
  #latency: number;
  constructor(latencyMs = 0) {
    this.#latency = latencyMs;
  }
  fail(o: FaultSpec): void {
    this.#faults.push({ status: o.status, delayMs: o.delayMs, path: o.path, remaining: o.times ?? Infinity });
  }
  reset(): void {
    this.#faults = [];
    this.#latency = 0;
  }
  setLatency(ms: number): void {
    this.#latency = ms;
  }
  /**
   * Apply latency and the first matching fault to a request. Returns the status to answer with
   * when the fault is an error status, null when the request should be served normally (or the
   * client already gave up).
   */
  async apply(path: string, res: ServerResponse): Promise<number | null> {
    const fault = this.#faults.find((f) => f.remaining > 0 && (!f.path || f.path.test(path)));
    if (fault) fault.remaining--;
    const delay = this.#latency + (fault?.delayMs ?? 0);
    if (delay) await sleep(delay);
    if (res.destroyed) return null;
    return fault?.status ?? null;
  }
}

export interface LoopbackServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serve `handle` on 127.0.0.1; an exception in it answers 500 with `errorBody`. */
export async function listenLoopback(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, errorBody: unknown): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(errorBody));
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/**
 * A request that never gets an answer (a provider that hangs): released when the client gives up,
 * after `hangMs`, or when the simulator closes (`closing` aborts), so no test leaks a socket.
 */
export function hold(res: ServerResponse, hangMs: number, closing: AbortSignal): Promise<void> {
  return new Promise<void>((done) => {
    const timer = setTimeout(finish, hangMs);
    function finish() {
      clearTimeout(timer);
      closing.removeEventListener('abort', finish);
      res.destroy();
      done();
    }
    res.once('close', finish);
    closing.addEventListener('abort', finish);
  });
}

/**
 * Where a simulator keeps what it issued (tokens, clients, grants), so that restarting
 * `npm start -- --simulate` on the same data dir finds every connection still valid. Without a
 * directory (tests, benches) nothing is written. Writes are whole-file and atomic (a temporary
 * file renamed over the old one), mode 0600 in a 0700 directory, like the rest of the data dir.
 */
export interface SimStateFile<T> {
  /** the saved state, or undefined when there is none (first start, or an unreadable file) */
  load(): T | undefined;
  save(state: T): void;
}

export function simStateFile<T>(stateDir: string | undefined, name: string): SimStateFile<T> {
  if (!stateDir) return { load: () => undefined, save: () => undefined };
  const file = join(stateDir, `${name}.json`);
  return {
    load() {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as T;
      } catch {
        return undefined;
      }
    },
    save(state) {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
      renameSync(tmp, file);
    },
  };
}

/** Map ⇄ JSON entries, for simulator state files. */
export const entries = <K, V>(m: Map<K, V>): Array<[K, V]> => [...m.entries()];
export const mapOf = <K, V>(e: Array<[K, V]> | undefined): Map<K, V> => new Map(e ?? []);
