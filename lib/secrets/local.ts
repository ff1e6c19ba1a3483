import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretValue } from '../secret-value.ts';
import { assertSecretPath, decodeDocument, encodeDocument } from './document.ts';
import { SecretStoreError, type SecretDocument, type SecretStore } from './port.ts';

const REF_PREFIX = 'local:';
const KEY_FILE = '.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SUFFIX = '.secret';
const FORMAT = 1;

/** What one file holds. `path` is clear text only so `list()` can name the secret; it is also the AAD. */
interface Envelope {
  v: typeof FORMAT;
  path: string;
  iv: string;
  tag: string;
  ct: string;
}

export interface LocalSecretStoreOptions {
  dir: string;
}

/**
 * Encrypted files for laptops and the embedded runtime. One AES-256-GCM key per directory; the
 * secret's path is the associated data, so a file copied or renamed onto another secret's name
 * fails authentication instead of handing one user's credentials to another.
 */
export class LocalSecretStore implements SecretStore {
  readonly kind = 'local' as const;
  readonly #dir: string;
  #key?: Promise<Buffer>;

  constructor(opts: LocalSecretStoreOptions) {
    this.#dir = opts.dir;
  }

  async put(path: string, value: SecretValue<SecretDocument>): Promise<string> {
    assertSecretPath(path);
    const plaintext = encodeDocument(value);
    const envelope = seal(await this.#loadKey(), path, plaintext);
    await fsStep('write a secret', () => writeAtomically(this.#dir, this.fileFor(path), JSON.stringify(envelope)));
    return REF_PREFIX + path;
  }

  async get(ref: string): Promise<SecretValue<SecretDocument> | null> {
    const path = pathOf(ref);
    const raw = await fsStep('read a secret', () => readIfExists(this.fileFor(path)));
    if (raw === undefined) return null;
    const plaintext = unseal(await this.#loadKey(), path, parseEnvelope(raw, ref));
    return decodeDocument(plaintext, `Local secret ${ref}`);
  }

  async delete(ref: string): Promise<void> {
    const file = this.fileFor(pathOf(ref));
    await fsStep('delete a secret', () => unlink(file).catch(ignoreMissing));
  }

  async exists(ref: string): Promise<boolean> {
    const file = this.fileFor(pathOf(ref));
    return fsStep('check a secret', async () => (await stat(file).catch(ignoreMissing)) !== undefined);
  }

  async list(): Promise<string[]> {
    const names = await fsStep('list secrets', async () => (await readdir(this.#dir).catch(ignoreMissing)) ?? []);
    const refs: string[] = [];
    for (const name of names.filter((n) => n.endsWith(SUFFIX))) {
      const path = await this.#pathStoredIn(name);
      if (path) refs.push(REF_PREFIX + path);
    }
    return refs.sort();
  }

  /**
   * A hash, not the path itself: no path can escape the directory, names have a fixed length, and
   * case-insensitive file systems cannot fold two base64url segments into one file.
   */
  fileFor(path: string): string {
    const digest = createHash('sha256').update(`aurora-local-secret:${path}`).digest('hex');
    return join(this.#dir, digest + SUFFIX);
  }

  /** Only files that sit under their own path's name count; a moved file is not a secret of that path. */
  async #pathStoredIn(name: string): Promise<string | undefined> {
    const raw = await readIfExists(join(this.#dir, name)).catch(() => undefined);
    if (raw === undefined) return undefined;
    try {
      const { path } = parseEnvelope(raw, name);
      return this.fileFor(assertSecretPath(path)) === join(this.#dir, name) ? path : undefined;
    } catch {
      return undefined;
    }
  }

  #loadKey(): Promise<Buffer> {
    this.#key ??= fsStep('load the key', () => loadOrCreateKey(this.#dir)).catch((e: unknown) => {
      this.#key = undefined;
      throw e;
    });
    return this.#key;
  }
}

function pathOf(ref: string): string {
  if (typeof ref !== 'string' || !ref.startsWith(REF_PREFIX)) throw new SecretStoreError('Not a local: secret reference');
  return assertSecretPath(ref.slice(REF_PREFIX.length));
}

function aad(path: string): Buffer {
  return Buffer.from(`aurora-local-secret:v${FORMAT}:${path}`, 'utf8');
}

function seal(key: Buffer, path: string, plaintext: string): Envelope {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(path));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const b64 = (b: Buffer) => b.toString('base64');
  return { v: FORMAT, path, iv: b64(iv), tag: b64(cipher.getAuthTag()), ct: b64(ct) };
}

function unseal(key: Buffer, path: string, envelope: Envelope): string {
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  try {
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad lengths');
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(path));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretStoreError(
      `Local secret local:${path} failed its integrity check (tampered with, moved from another path, or written with another key)`,
    );
  }
}

function parseEnvelope(raw: string, where: string): Envelope {
  let e: Partial<Envelope>;
  try {
    e = JSON.parse(raw) as Partial<Envelope>;
  } catch {
    e = {};
  }
  const fields = [e?.path, e?.iv, e?.tag, e?.ct];
  if (e?.v !== FORMAT || !fields.every((f) => typeof f === 'string')) {
    throw new SecretStoreError(`Local secret ${where} is not a readable secret file`);
  }
  return e as Envelope;
}

/**
 * The key is published with link(), which fails if the name exists, so two processes starting
 * together agree on one key and nobody ever reads a half-written key file.
 */
async function loadOrCreateKey(dir: string): Promise<Buffer> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, KEY_FILE);
  const existing = await readFile(keyFile).catch(ignoreMissing);
  if (existing) return checkKey(existing, keyFile);
  const tmp = join(dir, `${KEY_FILE}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    await writeDurably(tmp, randomBytes(KEY_BYTES));
    await link(tmp, keyFile).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return checkKey(await readFile(keyFile), keyFile);
}

function checkKey(key: Buffer, file: string): Buffer {
  if (key.length !== KEY_BYTES) throw new SecretStoreError(`Local secret key file ${file} does not hold a ${KEY_BYTES}-byte key`);
  return key;
}

/** Readers see the old file or the new one, never a torn write. */
async function writeAtomically(dir: string, file: string, data: string): Promise<void> {
  const tmp = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
  try {
    await writeDurably(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

async function writeDurably(file: string, data: string | Buffer): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(ignoreMissing);
}

function ignoreMissing(e: NodeJS.ErrnoException): undefined {
  if (e?.code === 'ENOENT') return undefined;
  throw e;
}

/** File system errors name paths and codes only, never contents, so they are safe to chain. */
async function fsStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof SecretStoreError) throw e;
    const code = (e as NodeJS.ErrnoException)?.code ?? 'unknown error';
    throw new SecretStoreError(`Local secret store could not ${what} (${code})`, { cause: e });
  }
}
