/**
 * A browser's cookie store, as far as the local tools need one: the simulated OAuth flows
 * (lib/connectors/gcp/simulator-flow.ts), the README walkthrough's helpers and the tests drive the
 * API the way a browser does, and the OAuth callback wants back the cookie the login set
 * (lib/oauth/binding.ts). One jar per host is enough here: every local server is 127.0.0.1 or
 * localhost. Expiry (Max-Age, Expires) is honoured; other attributes are not needed locally.
 */
export class CookieJar {
  readonly #cookies = new Map<string, { value: string; expiresAt?: number }>();

  /** Keep what a response set (Set-Cookie), and forget what it expired. */
  store(res: { headers: Headers }, nowMs = Date.now()): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(/;\s*/);
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      let expiresAt: number | undefined;
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        if (/^max-age$/i.test(k)) expiresAt = nowMs + Number(v) * 1000;
        else if (/^expires$/i.test(k) && expiresAt === undefined && Number.isFinite(Date.parse(v))) expiresAt = Date.parse(v);
      }
      if (expiresAt !== undefined && expiresAt <= nowMs) this.#cookies.delete(name);
      else this.#cookies.set(name, { value: pair.slice(eq + 1).trim(), expiresAt });
    }
  }

  /** The Cookie request header, or undefined when there is nothing to send. */
  header(nowMs = Date.now()): string | undefined {
    const live = [...this.#cookies].filter(([, c]) => c.expiresAt === undefined || c.expiresAt > nowMs);
    return live.length ? live.map(([n, c]) => `${n}=${c.value}`).join('; ') : undefined;
  }

  names(): string[] {
    return [...this.#cookies.keys()];
  }

  clear(): void {
    this.#cookies.clear();
  }
}

/** The browser of this process, for helpers that are not handed one. */
export const defaultBrowser = new CookieJar();
