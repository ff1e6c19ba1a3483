import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretValue } from '../secret-value.ts';
import { assertSecretPath, decodeDocument, encodeDocument } from './document.ts';
import { SecretStoreError, type SecretDocument, type SecretStore } from './port.ts';

/** Static AWS credentials; normally absent so the SDK uses the Lambda role. */
export interface AwsStaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SecretsManagerStoreOptions {
  region: string;
  endpoint?: string;
  prefix: string;
  kmsKeyId?: string;
  /** absent in deployments: the SDK's default chain picks up the Lambda role */
  credentials?: AwsStaticCredentials;
  client?: SecretsManagerClient;
}

const REF_PREFIX = 'awssm:';

/** What Secrets Manager knows about a name: a secret scheduled for deletion still holds the name. */
type SecretState = 'present' | 'scheduled-for-deletion' | 'missing';

/** AWS Secrets Manager, one secret per credential, named `<prefix>/users/...` so IAM policies can be scoped to the prefix. */
export class SecretsManagerSecretStore implements SecretStore {
  readonly kind = 'aws-secrets-manager' as const;
  readonly #client: SecretsManagerClient;
  readonly #region: string;
  readonly #prefix: string;
  readonly #kmsKeyId?: string;

  constructor(opts: SecretsManagerStoreOptions) {
    this.#region = opts.region;
    this.#prefix = opts.prefix.replace(/^\/+|\/+$/g, '');
    this.#kmsKeyId = opts.kmsKeyId;
    this.#client =
      opts.client ??
      new SecretsManagerClient({
        region: opts.region,
        endpoint: opts.endpoint,
        credentials: opts.credentials,
        maxAttempts: 3,
        retryMode: 'standard',
        requestHandler: { connectionTimeout: 3000, requestTimeout: 5000 },
      });
  }

  async put(path: string, value: SecretValue<SecretDocument>): Promise<string> {
    const name = this.#name(assertSecretPath(path));
    const SecretString = encodeDocument(value);
    try {
      await this.#client.send(new CreateSecretCommand({ Name: name, SecretString, KmsKeyId: this.#kmsKeyId }));
    } catch (e) {
      if (isAws(e, 'ResourceExistsException')) await this.#replace(name, SecretString);
      else if (isAws(e, 'InvalidRequestException') && (await this.#state(name)) === 'scheduled-for-deletion') {
        // A forced delete frees the name asynchronously; until then the name can only be reclaimed by restoring it.
        await this.#send('restore', () => this.#client.send(new RestoreSecretCommand({ SecretId: name })));
        await this.#replace(name, SecretString);
      } else throw failure('write', e);
    }
    return this.#ref(name);
  }

  async get(ref: string): Promise<SecretValue<SecretDocument> | null> {
    const name = this.#nameOf(ref);
    let text: string | undefined;
    try {
      text = (await this.#client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
    } catch (e) {
      if (isAws(e, 'ResourceNotFoundException')) return null;
      if (isAws(e, 'InvalidRequestException') && (await this.#state(name)) !== 'present') return null;
      throw failure('read', e);
    }
    if (text === undefined) throw new SecretStoreError(`Secrets Manager secret ${ref} holds no string value`);
    return decodeDocument(text, `Secrets Manager secret ${ref}`);
  }

  async delete(ref: string): Promise<void> {
    const name = this.#nameOf(ref);
    try {
      await this.#client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    } catch (e) {
      if (isAws(e, 'ResourceNotFoundException')) return;
      if (isAws(e, 'InvalidRequestException') && (await this.#state(name)) !== 'present') return;
      throw failure('delete', e);
    }
  }

  async exists(ref: string): Promise<boolean> {
    return (await this.#state(this.#nameOf(ref))) === 'present';
  }

  async list(): Promise<string[]> {
    const namePrefix = `${this.#prefix}/users/`;
    const refs: string[] = [];
    let NextToken: string | undefined;
    do {
      const query = new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [namePrefix] }], MaxResults: 100, NextToken });
      const page = await this.#send('list', () => this.#client.send(query));
      for (const { Name } of page.SecretList ?? []) {
        // The name filter is a prefix match that AWS documents loosely; filter again to be exact.
        if (Name?.startsWith(namePrefix) && isValidPath(Name.slice(this.#prefix.length + 1))) refs.push(this.#ref(Name));
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return refs.sort();
  }

  async #replace(name: string, SecretString: string): Promise<void> {
    await this.#send('write', () => this.#client.send(new PutSecretValueCommand({ SecretId: name, SecretString })));
  }

  /** DescribeSecret needs no access to the value, so existence checks never decrypt anything. */
  async #state(name: string): Promise<SecretState> {
    try {
      const d = await this.#client.send(new DescribeSecretCommand({ SecretId: name }));
      return d.DeletedDate ? 'scheduled-for-deletion' : 'present';
    } catch (e) {
      if (isAws(e, 'ResourceNotFoundException')) return 'missing';
      throw failure('describe', e);
    }
  }

  async #send<T>(op: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw failure(op, e);
    }
  }

  #name(path: string): string {
    return `${this.#prefix}/${path}`;
  }

  #ref(name: string): string {
    return `${REF_PREFIX}${this.#region}:${name}`;
  }

  #nameOf(ref: string): string {
    const expected = `${REF_PREFIX}${this.#region}:${this.#prefix}/`;
    if (typeof ref !== 'string' || !ref.startsWith(expected)) {
      throw new SecretStoreError('Secrets Manager reference is outside the configured region and SECRETS_MANAGER_PREFIX');
    }
    return this.#name(assertSecretPath(ref.slice(expected.length)));
  }
}

function isAws(e: unknown, name: string): boolean {
  return (e as { name?: string } | null)?.name === name;
}

function isValidPath(path: string): boolean {
  try {
    assertSecretPath(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Only the error's name, status and request id are kept: the SDK error object carries the raw
 * response, and nothing of it should travel further than this line.
 */
function failure(op: string, e: unknown): SecretStoreError {
  if (e instanceof SecretStoreError) return e;
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const status = err?.$metadata?.httpStatusCode;
  const details = [err?.name ?? 'unknown error', status ? `HTTP ${status}` : '', err?.$metadata?.requestId ? `request ${err.$metadata.requestId}` : '']
    .filter(Boolean)
    .join(', ');
  return new SecretStoreError(`Secrets Manager ${op} failed (${details})`);
}
