import WebSocket from 'ws';
import { AGENT_VERSION } from './version.ts';
import { backoffDelay } from './backoff.ts';
import { checkArgv } from './policy.ts';
import type { KubectlRun } from './kubectl.ts';

/**
 * The kubectl agent: one outbound WebSocket to the service. It registers (agent and Kubernetes
 * versions), heartbeats at the interval the service names, runs the kubectl commands it is sent
 * after its own policy check (policy.ts), answers each with command_response, and reconnects with
 * capped exponential backoff and full jitter. It stops for good when told it is revoked, when the
 * service closes with 1008 (policy violation), or when the handshake is refused with 401/403: its
 * token will not work again, so retrying would only hammer the service. The token is sent in the
 * Authorization header and never logged.
 */
export interface AgentOptions {
  url: string;
  token: string;
  writeMode: boolean;
  clusterId?: string;
  /** runs kubectl with args (no shell) */
  kubectl: (args: readonly string[], timeoutMs: number) => Promise<KubectlRun>;
  kubernetesVersion: () => Promise<string>;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  backoff?: { baseMs: number; capMs: number };
  /** bytes of kubectl output per stream sent back (API Gateway takes messages of 128 KB at most) */
  maxOutputBytes?: number;
  maxConcurrent?: number;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout; random: () => number };
}

export type StopReason = { kind: 'revoked' | 'policy_close' | 'refused' | 'stopped'; detail: string };

/** API Gateway takes frames of at most 32 KB: longer messages go as continuation frames. */
export const MAX_FRAME_BYTES = 32 * 1024;
const DEFAULT_HEARTBEAT_SECONDS = 30;

export class KubectlAgent {
  readonly #o: AgentOptions;
  readonly #timers: NonNullable<AgentOptions['timers']>;
  #ws?: WebSocket;
  #attempt = 0;
  #heartbeat?: ReturnType<typeof setTimeout>;
  #reconnect?: ReturnType<typeof setTimeout>;
  #heartbeatSeconds = DEFAULT_HEARTBEAT_SECONDS;
  #running = 0;
  #stopped?: StopReason;
  #done: Promise<StopReason>;
  #resolveDone!: (r: StopReason) => void;
  #kubernetesVersion?: string;
  /** for tests and logs: what happened, in order */
  readonly events: Array<{ type: string; [k: string]: unknown }> = [];
  #listeners: Array<() => void> = [];

  constructor(o: AgentOptions) {
    this.#o = o;
    this.#timers = o.timers ?? { setTimeout, clearTimeout, random: Math.random };
    this.#done = new Promise((r) => (this.#resolveDone = r));
  }

  /** resolves when the agent has stopped for good, with why */
  get done(): Promise<StopReason> {
    return this.#done;
  }

  start(): this {
    this.#connect();
    return this;
  }

  stop(detail = 'stopped'): void {
    this.#finish({ kind: 'stopped', detail });
    this.#ws?.close(1000, 'agent stopping');
  }

  /** resolves once an event of this type has been recorded (after `from`) */
  async waitFor(type: string, from = 0): Promise<{ type: string; [k: string]: unknown }> {
    for (;;) {
      const hit = this.events.slice(from).find((e) => e.type === type);
      if (hit) return hit;
      await new Promise<void>((r) => this.#listeners.push(r));
    }
  }

  #event(type: string, fields: Record<string, unknown> = {}) {
    this.events.push({ type, ...fields });
    // an agent runs for months: keep the recent history only
    if (this.events.length > 2000) this.events.splice(0, 1000);
    for (const l of this.#listeners.splice(0)) l();
  }

  #finish(reason: StopReason) {
    if (this.#stopped) return;
    this.#stopped = reason;
    this.#clearTimers();
    this.#o.log(reason.kind === 'stopped' ? 'info' : 'error', `agent stopped: ${reason.detail}`, { reason: reason.kind });
    this.#event('stopped', { ...reason });
    this.#resolveDone(reason);
  }

  #clearTimers() {
    if (this.#heartbeat) this.#timers.clearTimeout(this.#heartbeat);
    if (this.#reconnect) this.#timers.clearTimeout(this.#reconnect);
    this.#heartbeat = this.#reconnect = undefined;
  }

  #connect() {
    if (this.#stopped) return;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#o.token}`, 'User-Agent': `aurora-kubectl-agent/${AGENT_VERSION}` };
    if (this.#o.clusterId) headers['X-Aurora-Cluster-Id'] = this.#o.clusterId;
    this.#event('connecting', { attempt: this.#attempt });
    const ws = new WebSocket(this.#o.url, { headers, handshakeTimeout: 15000, maxPayload: 128 * 1024 });
    this.#ws = ws;
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      this.#event('handshake_refused', { status });
      if (status === 401 || status === 403) {
        this.#finish({ kind: 'refused', detail: `the service refused the agent token (HTTP ${status}); create or rotate a token and update the release` });
      } else {
        this.#o.log('warn', 'the service refused the connection; retrying', { status });
      }
      ws.terminate();
    });
    ws.on('open', () => {
      this.#event('open');
      this.#o.log('info', 'connected to the service', { url: redactUrl(this.#o.url) });
      void this.#register();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      } catch {
        this.#o.log('warn', 'ignoring a message that is not JSON');
        return;
      }
      this.#onMessage(ws, m);
    });
    ws.on('error', (e) => this.#o.log('warn', 'websocket error', { error: e.message }));
    ws.on('close', (code, reason) => {
      if (this.#heartbeat) this.#timers.clearTimeout(this.#heartbeat);
      this.#heartbeat = undefined;
      this.#event('closed', { code, reason: reason.toString('utf8') });
      if (this.#stopped) return;
      if (code === 1008) {
        this.#finish({ kind: 'policy_close', detail: `the service closed the connection with 1008 (${reason.toString('utf8') || 'policy violation'}); not reconnecting` });
        return;
      }
      const delay = backoffDelay(this.#attempt++, this.#o.backoff ?? { baseMs: 1000, capMs: 60000 }, this.#timers.random);
      this.#o.log('warn', 'disconnected; reconnecting', { code, delayMs: delay });
      this.#event('reconnect_scheduled', { delayMs: delay, attempt: this.#attempt });
      this.#reconnect = this.#timers.setTimeout(() => this.#connect(), delay);
    });
  }

  async #register() {
    const v = this.#kubernetesVersion ?? (await this.#o.kubernetesVersion().catch(() => 'unknown'));
    // an unknown version is asked again at the next connection (the cluster may have been away a moment)
    if (v !== 'unknown') this.#kubernetesVersion = v;
    this.#send(this.#ws, { type: 'register', agent_version: AGENT_VERSION, kubernetes_version: v, write_mode: this.#o.writeMode });
  }

  #scheduleHeartbeat() {
    if (this.#heartbeat) this.#timers.clearTimeout(this.#heartbeat);
    this.#heartbeat = this.#timers.setTimeout(() => {
      this.#send(this.#ws, { type: 'heartbeat' });
      this.#event('heartbeat_sent');
      this.#scheduleHeartbeat();
    }, this.#heartbeatSeconds * 1000);
  }

  /** Send now (tests, and the first beat after a long pause). */
  heartbeatNow(): void {
    this.#send(this.#ws, { type: 'heartbeat' });
    this.#event('heartbeat_sent');
    this.#scheduleHeartbeat();
  }

  #onMessage(ws: WebSocket, m: Record<string, unknown>) {
    switch (m.type) {
      case 'connected': {
        this.#attempt = 0;
        const s = Number(m.heartbeat_seconds);
        this.#heartbeatSeconds = Number.isFinite(s) ? Math.min(60, Math.max(30, s)) : DEFAULT_HEARTBEAT_SECONDS;
        this.#event('registered', { clusterId: m.cluster_id, heartbeatSeconds: this.#heartbeatSeconds });
        this.#o.log('info', 'registered', { clusterId: m.cluster_id, clusterName: m.cluster_name, heartbeatSeconds: this.#heartbeatSeconds, writeMode: this.#o.writeMode });
        this.#scheduleHeartbeat();
        return;
      }
      case 'heartbeat_ack':
        this.#event('heartbeat_ack');
        return;
      case 'kubectl_command':
        void this.#runCommand(ws, m);
        return;
      case 'revoked':
        this.#o.log('error', 'the service revoked this agent', { reason: String(m.reason ?? '') });
        this.#finish({ kind: 'revoked', detail: `revoked by the service: ${String(m.reason ?? 'no reason given')}` });
        ws.close(1008, 'agent token revoked');
        return;
      case 'error':
        this.#event('service_error', { code: m.code });
        this.#o.log('warn', 'the service reported an error', { code: String(m.code ?? ''), message: String(m.message ?? '') });
        return;
      default:
        // API Gateway's own replies ({"message": "Forbidden", ...}) and anything newer than this agent
        this.#o.log('debug', 'ignoring a message', { type: typeof m.type === 'string' ? m.type : undefined });
    }
  }

  async #runCommand(ws: WebSocket, m: Record<string, unknown>) {
    const commandId = typeof m.command_id === 'string' ? m.command_id : '';
    const argv = Array.isArray(m.argv) ? (m.argv as unknown[]) : [];
    const timeoutMs = Math.min(Math.max(Number(m.timeout_ms) || 20000, 100), 120000);
    const reply = (r: { success: boolean; output: string; error: string; return_code: number; truncated?: boolean; refused?: boolean }) =>
      this.#send(ws, { type: 'command_response', command_id: commandId, ...r });
    if (!/^kx-[0-9a-f]{24}$/.test(commandId)) return this.#o.log('warn', 'ignoring a command without a valid command_id');
    const verdict = checkArgv(argv as string[], { writeMode: this.#o.writeMode });
    if (!verdict.ok) {
      this.#event('command_refused', { commandId, reason: verdict.reason });
      this.#o.log('warn', 'refused a command', { commandId, reason: verdict.reason });
      return reply({ success: false, output: '', error: `refused by the agent: ${verdict.reason}`, return_code: 1, refused: true });
    }
    const max = this.#o.maxConcurrent ?? 4;
    if (this.#running >= max) return reply({ success: false, output: '', error: `refused by the agent: ${max} commands are already running`, return_code: 1, refused: true });
    this.#running++;
    this.#event('command_started', { commandId, verb: verdict.verb });
    try {
      const r = await this.#o.kubectl((argv as string[]).slice(1), timeoutMs);
      const note = r.timedOut ? `\n[the agent stopped kubectl after ${Math.round(timeoutMs / 1000)} s]` : r.spawnError ? `kubectl could not be started: ${r.spawnError}` : '';
      const output = r.stdout;
      const error = `${r.stderr}${note}`;
      this.#o.log('info', 'ran a command', { commandId, verb: verdict.verb, returnCode: r.returnCode, timedOut: r.timedOut });
      reply({ success: r.returnCode === 0 && !r.timedOut, output, error, return_code: r.timedOut ? 124 : Math.min(255, r.returnCode), truncated: r.truncated });
      this.#event('command_done', { commandId, returnCode: r.returnCode });
    } finally {
      this.#running--;
    }
  }

  #send(ws: WebSocket | undefined, message: Record<string, unknown>) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const parts = frames(Buffer.from(JSON.stringify(fitMessage(message)), 'utf8'));
    parts.forEach((frame, i) => ws.send(frame, { binary: false, fin: i === parts.length - 1 }));
  }
}

/** API Gateway's limit for one message is 128 KB; keep a margin. */
export const MAX_MESSAGE_BYTES = 120 * 1024;

/** A command_response over the limit (escaping can grow output) loses the end of its output, marked truncated. */
export function fitMessage(message: Record<string, unknown>): Record<string, unknown> {
  let m = message;
  for (let size = Buffer.byteLength(JSON.stringify(m)); size > MAX_MESSAGE_BYTES; size = Buffer.byteLength(JSON.stringify(m))) {
    const field = typeof m.output === 'string' && m.output.length > 0 ? 'output' : typeof m.error === 'string' && m.error.length > 0 ? 'error' : undefined;
    if (!field) break;
    const text = m[field] as string;
    const cut = Math.max(1, Math.ceil((size - MAX_MESSAGE_BYTES) / 6) + 64);
    m = { ...m, [field]: text.slice(0, Math.max(0, text.length - cut)), truncated: true };
  }
  return m;
}

/** A message cut into frames of at most MAX_FRAME_BYTES (a text message may split anywhere between frames). */
export function frames(data: Buffer, max = MAX_FRAME_BYTES): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += max) out.push(data.subarray(i, i + max));
  return out.length ? out : [data];
}

/** The URL without userinfo or query (a token pasted there would otherwise reach the log). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '[unparseable url]';
  }
}
