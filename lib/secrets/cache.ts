import { SecretValue } from '../secret-value.ts';
import type { SecretDocument, SecretStore } from './port.ts';

export interface SecretCacheOptions {
  /** 0 disables caching (every call reaches the backend) */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  value: SecretValue<SecretDocument>;
  expiresAt: number;
}

const DEFAULT_MAX_ENTRIES = 500;

/**
 * Saves a backend round trip when one request (or a burst in one warm container) reads the same
 * credential repeatedly. Entries stay wrapped in SecretValue so a heap dump or a debug print of the
 * cache shows nothing; misses are not cached so a secret written by another container shows up at once.
 */
export class CachedSecretStore implements SecretStore {
  readonly kind: SecretStore['kind'];
  readonly list?: () => Promise<string[]>;
  readonly #inner: SecretStore;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  // Bumped by every write; a read that overlapped a write does not store what it fetched, which may predate the write.
  #writes = 0;

  constructor(inner: SecretStore, opts: SecretCacheOptions) {
    this.kind = inner.kind;
    this.#inner = inner;
    this.#ttlMs = opts.ttlMs;
    this.#maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#now = opts.now ?? Date.now;
    if (inner.list) this.list = () => inner.list!();
  }

  async put(path: string, value: SecretValue<SecretDocument>): Promise<string> {
    this.#writes++;
    const ref = await this.#inner.put(path, value);
    this.#invalidate(ref);
    return ref;
  }

  async get(ref: string): Promise<SecretValue<SecretDocument> | null> {
    const hit = this.#fresh(ref);
    if (hit) return copy(hit.value);
    const writesBefore = this.#writes;
    const value = await this.#inner.get(ref);
    if (value && this.#ttlMs > 0 && writesBefore === this.#writes) this.#remember(ref, value);
    return value && copy(value);
  }

  async delete(ref: string): Promise<void> {
    this.#invalidate(ref);
    try {
      await this.#inner.delete(ref);
    } finally {
      this.#invalidate(ref);
    }
  }

  /** Always asks the backend: consistency checks rely on it, and a cached "yes" could hide a delete made elsewhere. */
  exists(ref: string): Promise<boolean> {
    return this.#inner.exists(ref);
  }

  /** Drops every entry (tests, and callers that learn a credential was rotated elsewhere). */
  clear(): void {
    this.#writes++;
    this.#entries.clear();
  }

  #fresh(ref: string): Entry | undefined {
    const entry = this.#entries.get(ref);
    if (!entry) return undefined;
    this.#entries.delete(ref);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(ref, entry); // re-insert: Map order doubles as recency order
    return entry;
  }

  #remember(ref: string, value: SecretValue<SecretDocument>): void {
    this.#entries.delete(ref);
    this.#entries.set(ref, { value: copy(value), expiresAt: this.#now() + this.#ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  #invalidate(ref: string): void {
    this.#writes++;
    this.#entries.delete(ref);
  }
}

/** Callers may mutate the document they get; that must not change what the next caller reads. */
function copy(value: SecretValue<SecretDocument>): SecretValue<SecretDocument> {
  return new SecretValue(structuredClone(value.reveal()));
}
