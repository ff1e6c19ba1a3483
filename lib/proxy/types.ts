import type { Deps } from '../deps.ts';
import type { Connection } from '../connections/types.ts';
import type { SecretValue } from '../secret-value.ts';

/**
 * What a connector's proxy.ts exports as `proxy` (its data, `proxy.readOnlyPosts`, is in its
 * connector.ts): where its API lives for one connection and how the stored credential rides on a
 * request. lib/proxy/ does the rest once: the path check, the mode check, the call, the response's
 * headers and size, the redaction of stored values, the audit.
 */
export interface ProxyHooks {
  /** the API base of this connection, from settings and the connection record (never from the request); no trailing slash */
  base(d: Deps, conn: Connection): string;
  /** the request headers carrying the stored credential; throws ProviderAuthError when it is gone */
  credentials(d: Deps, conn: Connection): Promise<Record<string, SecretValue<string>>>;
}

/** What the generated loader gives the proxy for one connector. */
export interface ProxyEntry {
  hooks: ProxyHooks;
  /** POST paths that only read (connector data `proxy.readOnlyPosts`); `{name}` matches one segment */
  readOnlyPosts: readonly string[];
}

export type ProxyMode = 'ask' | 'agent';

export interface ProxyInput {
  connector: string;
  method: 'GET' | 'POST';
  /** the path below the connector's API base, raw (percent-encoded as sent) */
  path: string;
  /** the raw query string, without "?" */
  query?: string;
  /** the request body, as sent (POST) */
  body?: string;
  contentType?: string;
  mode?: ProxyMode;
  /** which of the caller's connections of this connector; the most recently updated one otherwise */
  accountId?: string;
}
