import { lookup } from 'node:dns/promises';
import { isIP, createConnection, createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';

/**
 * Where a sandboxed run may connect. The sandbox has a network namespace of its own with only a
 * loopback interface; its init carries each connection to this broker over a unix socket, with
 * the sandbox-side port it was made to as a one-line header. The broker is the allow-list:
 *  - a forwarded port (the simulated clouds, in simulate mode) goes to the same port on this
 *    machine's 127.0.0.1, and only those ports: the embedded DynamoDB, the gateway and every
 *    other port of the service are simply not reachable from inside;
 *  - the proxy port is an HTTPS (CONNECT) proxy the CLIs use through HTTPS_PROXY, to public
 *    addresses only: loopback, private, link-local (the instance metadata service), CGNAT
 *    (tailnets), unique-local and multicast ranges are refused, checked on the address actually
 *    dialled (a name that resolves to 127.0.0.1 does not pass).
 * A CLI that ignores the proxy settings reaches nothing at all: there is no route out.
 */

export interface EgressPolicy {
  /** ports of 127.0.0.1 that runs may reach (each also listened on inside the sandbox) */
  forwards: ReadonlySet<number>;
  /** the sandbox-side port of the CONNECT proxy */
  proxyPort: number;
}

export interface EgressEvent {
  kind: 'forward' | 'connect' | 'refused';
  target: string;
  reason?: string;
}

const V4_BLOCKED: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

const v4 = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);

/** True for an address on the public internet (what a cloud API resolves to). */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) {
    const n = v4(ip);
    return !V4_BLOCKED.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(v4(base) / 2 ** (32 - bits)));
  }
  if (family === 6) {
    const lower = ip.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return isPublicAddress(mapped[1]);
    if (lower === '::' || lower === '::1') return false;
    const first = parseInt(lower.split(':')[0] || '0', 16);
    // fc00::/7 unique local, fe80::/10 link local, ff00::/8 multicast, 2001:db8::/32 documentation, 64:ff9b::/96 NAT64
    if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00) return false;
    if (lower.startsWith('2001:db8:') || lower.startsWith('64:ff9b:')) return false;
    return (first & 0xe000) === 0x2000;
  }
  return false;
}

type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** The address to dial for a CONNECT target, or why not. */
export async function connectDecision(target: string, resolve: Resolver = systemResolver): Promise<{ ok: true; host: string; address: string; port: number } | { ok: false; reason: string }> {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(target);
  if (!m) return { ok: false, reason: 'not a host:port' };
  const host = m[1].replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return { ok: false, reason: 'bad port' };
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return { ok: false, reason: `${host} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} does not resolve` };
  const blocked = addresses.find((a) => !isPublicAddress(a));
  if (blocked) return { ok: false, reason: `${host} resolves to ${blocked}, which is not a public address` };
  return { ok: true, host, address: addresses[0], port };
}

function readUntil(sock: Socket, marker: string, max: number): Promise<{ head: string; rest: Buffer } | null> {
  return new Promise((done) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const i = buf.indexOf(marker);
      if (i >= 0) {
        cleanup();
        done({ head: buf.subarray(0, i).toString('latin1'), rest: buf.subarray(i + marker.length) });
      } else if (buf.length > max) {
        cleanup();
        done(null);
      }
    };
    const onEnd = () => {
      cleanup();
      done(null);
    };
    const cleanup = () => {
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('error', onEnd);
      sock.pause();
    };
    sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', onEnd);
    // a stream paused by an earlier read does not resume just because a listener is added
    sock.resume();
  });
}

function splice(a: Socket, b: Socket, rest: Buffer): void {
  if (rest.length) b.write(rest);
  a.pipe(b);
  b.pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
  a.resume();
}

export interface Egress {
  events: EgressEvent[];
  close(): Promise<void>;
}

/** The broker for one sandbox, listening on `socketPath` (bound into the sandbox). */
export async function startEgress(socketPath: string, policy: EgressPolicy, resolve: Resolver = systemResolver): Promise<Egress> {
  const events: EgressEvent[] = [];
  const open = new Set<Socket>();
  const server: Server = createServer((inside) => {
    open.add(inside);
    inside.on('close', () => open.delete(inside));
    inside.on('error', () => inside.destroy());
    void (async () => {
      const header = await readUntil(inside, '\n', 8);
      const port = header && /^\d{1,5}$/.test(header.head) ? Number(header.head) : NaN;
      if (!header || Number.isNaN(port)) return inside.destroy();
      if (policy.forwards.has(port) && port !== policy.proxyPort) {
        events.push({ kind: 'forward', target: `127.0.0.1:${port}` });
        const out = createConnection({ host: '127.0.0.1', port });
        open.add(out);
        out.on('close', () => open.delete(out));
        out.once('connect', () => splice(inside, out, header.rest));
        out.once('error', () => inside.destroy());
        return;
      }
      if (port !== policy.proxyPort) {
        events.push({ kind: 'refused', target: `127.0.0.1:${port}`, reason: 'not a forwarded port' });
        return inside.destroy();
      }
      // The HTTPS proxy: one CONNECT request, then bytes.
      if (header.rest.length) inside.unshift(header.rest);
      const req = await readUntil(inside, '\r\n\r\n', 16384);
      const line = req?.head.split('\r\n')[0] ?? '';
      const m = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(line);
      if (!req || !m) {
        events.push({ kind: 'refused', target: line.slice(0, 120), reason: 'only CONNECT (HTTPS) goes through the proxy' });
        inside.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const d = await connectDecision(m[1], resolve);
      if (!d.ok) {
        events.push({ kind: 'refused', target: m[1], reason: d.reason });
        inside.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      events.push({ kind: 'connect', target: `${d.host}:${d.port}` });
      const out = createConnection({ host: d.address, port: d.port });
      open.add(out);
      out.on('close', () => open.delete(out));
      out.once('connect', () => {
        inside.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        splice(inside, out, req.rest);
      });
      out.once('error', () => inside.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(socketPath, () => ok());
  });
  return {
    events,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(socketPath, { force: true });
    },
  };
}
