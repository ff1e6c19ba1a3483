import { spawn } from 'node:child_process';

export interface KubectlRun {
  returnCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  spawnError?: string;
}

/** What kubectl gets from the agent's environment: enough to find the cluster, nothing else. */
const PASSED_ENV = ['PATH', 'HOME', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'TMPDIR', 'LANG', 'TZ'];

/**
 * kubectl with argv and no shell: a clean environment (PATH, HOME, in-cluster service variables,
 * the kubeconfig when one is given), a timeout after which the process is killed, and output
 * capped in bytes per stream (the rest is drained and dropped).
 */
export function runKubectl(kubectl: string, args: readonly string[], o: { kubeconfig?: string; timeoutMs: number; maxBytes: number; env?: NodeJS.ProcessEnv }): Promise<KubectlRun> {
  const source = o.env ?? process.env;
  const env: Record<string, string> = {};
  for (const k of PASSED_ENV) if (source[k] !== undefined) env[k] = source[k]!;
  if (o.kubeconfig) env.KUBECONFIG = o.kubeconfig;
  return new Promise((resolve) => {
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], sizes: { stdout: 0, stderr: 0 }, truncated: false };
    let timedOut = false;
    let settled = false;
    const child = spawn(kubectl, [...args], { shell: false, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const room = o.maxBytes - out.sizes[stream];
      if (room <= 0) {
        out.truncated = true;
        return;
      }
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (part.length < chunk.length) out.truncated = true;
      out[stream].push(part);
      out.sizes[stream] += part.length;
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    const finish = (r: Partial<KubectlRun> & { returnCode: number }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out.stdout).toString('utf8'),
        stderr: Buffer.concat(out.stderr).toString('utf8'),
        truncated: out.truncated,
        timedOut,
        ...r,
      });
    };
    child.on('error', (e) => finish({ returnCode: 127, spawnError: e.message }));
    child.on('close', (code, signal) => finish({ returnCode: code ?? (signal ? 128 + 9 : 1) }));
  });
}

/** The cluster's version for register: `kubectl version -o json` → serverVersion.gitVersion. */
export async function serverVersion(kubectl: string, kubeconfig: string | undefined, timeoutMs = 10000): Promise<string> {
  const r = await runKubectl(kubectl, ['version', '-o', 'json'], { kubeconfig, timeoutMs, maxBytes: 64 * 1024 });
  try {
    const v = (JSON.parse(r.stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion;
    if (v && /^[\x21-\x7e]{1,100}$/.test(v)) return v;
  } catch {
    /* not JSON: the cluster did not answer */
  }
  return 'unknown';
}
