/**
 * One request to Vault's HTTP API, as both the secret store (vault.ts) and its IAM login and
 * renewal (vault-auth.ts) send it: Vault's request header, the namespace, the token when there is
 * one, a time limit, and the answer's JSON (undefined when it has none). Retries are the callers'.
 */
export interface VaultEndpoint {
  namespace?: string;
  timeoutMs: number;
}

export interface VaultAnswer {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

export async function vaultRequest(e: VaultEndpoint, method: string, url: string, opts: { token?: string; body?: string } = {}): Promise<VaultAnswer> {
  const headers: Record<string, string> = { 'X-Vault-Request': 'true' };
  if (opts.token) headers['X-Vault-Token'] = opts.token;
  if (e.namespace) headers['X-Vault-Namespace'] = e.namespace;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body, signal: AbortSignal.timeout(e.timeoutMs) });
  const text = await res.text();
  return { status: res.status, body: parseJson(text), retryAfter: res.headers.get('retry-after') };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
