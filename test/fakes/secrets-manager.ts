import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLoopback } from '../../lib/local/sim-kit.ts';

/**
 * A small AWS Secrets Manager speaking the JSON 1.1 protocol on 127.0.0.1 (POST /, X-Amz-Target).
 * Any SigV4 signature is accepted, but the Authorization header must be there; `accessKeyId`
 * makes it reject other keys the way AWS does (UnrecognizedClientException).
 */
export interface FakeSecretsManagerOptions {
  region?: string;
  accountId?: string;
  /** when set, requests signed with another access key id are refused */
  accessKeyId?: string;
}

export interface SecretsManagerRequestLog {
  target: string;
  input: Record<string, unknown>;
  status: number;
}

interface Secret {
  arn: string;
  name: string;
  value: string;
  versionId: string;
  kmsKeyId?: string;
  created: number;
  changed: number;
  deleted?: number;
}

type Input = Record<string, unknown>;
type Answer = { status: number; body: unknown };

const TARGET_PREFIX = 'secretsmanager.';
const JSON_11 = 'application/x-amz-json-1.1';

export class FakeSecretsManager {
  readonly region: string;
  readonly accountId: string;
  readonly accessKeyId?: string;
  url = '';
  requests: SecretsManagerRequestLog[] = [];
  /** answer every request with this status until cleared */
  failAll?: number;
  /** largest ListSecrets page, to exercise pagination */
  pageSize = 100;
  readonly #failNext: number[] = [];
  readonly #secrets = new Map<string, Secret>();
  #close?: () => Promise<void>;

  constructor(opts: FakeSecretsManagerOptions = {}) {
    this.region = opts.region ?? 'us-east-1';
    this.accountId = opts.accountId ?? '123456789012';
    this.accessKeyId = opts.accessKeyId;
  }

  async start(): Promise<this> {
    const server = await listenLoopback((req, res) => this.#handle(req, res), { __type: 'InternalServiceError', message: 'internal error' });
    this.url = server.url;
    this.#close = server.close;
    return this;
  }

  async stop(): Promise<void> {
    await this.#close?.();
  }

  failNext(count: number, status = 500): void {
    for (let i = 0; i < count; i++) this.#failNext.push(status);
  }

  reset(): void {
    this.requests = [];
    this.failAll = undefined;
    this.pageSize = 100;
    this.#failNext.length = 0;
  }

  count(target: string): number {
    return this.requests.filter((r) => r.target === target).length;
  }

  /** what DeleteSecret without ForceDeleteWithoutRecovery does: the name stays taken, reads fail */
  scheduleDeletion(name: string): void {
    const s = this.#secrets.get(name);
    if (s) s.deleted = Date.now() / 1000;
  }

  /** test peek at what is stored (undefined when absent) */
  peek(name: string): { value: string; kmsKeyId?: string; deleted: boolean } | undefined {
    const s = this.#secrets.get(name);
    return s && { value: s.value, kmsKeyId: s.kmsKeyId, deleted: s.deleted !== undefined };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const input = parseInput(raw);
    const answer = this.#answer(req, op, input);
    this.requests.push({ target: op, input: input ?? {}, status: answer.status });
    res.writeHead(answer.status, { 'content-type': JSON_11, 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(answer.body));
  }

  #answer(req: IncomingMessage, op: string, input: Input | undefined): Answer {
    const injected = this.#failNext.shift() ?? this.failAll;
    if (injected) return error(injected, 'InternalServiceError', 'An error occurred on the server side.');
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') return error(404, 'UnknownOperationException', 'Unknown operation');
    if (!String(req.headers['content-type'] ?? '').startsWith(JSON_11)) return error(400, 'SerializationException', 'Unexpected content type');
    const auth = req.headers.authorization;
    if (!auth) return error(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (this.accessKeyId && !auth.includes(`Credential=${this.accessKeyId}/`)) {
      return error(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (!input) return error(400, 'SerializationException', 'Malformed JSON');
    const handler = this.#handlers[op];
    return handler ? handler(input) : error(400, 'UnknownOperationException', `Unknown operation ${op}`);
  }

  readonly #handlers: Record<string, (input: Input) => Answer> = {
    CreateSecret: (input) => {
      const name = String(input.Name ?? '');
      if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) return error(400, 'InvalidParameterException', 'Invalid name.');
      const existing = this.#secrets.get(name);
      if (existing?.deleted) {
        return error(400, 'InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
      }
      if (existing) return error(400, 'ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      const now = Date.now() / 1000;
      const s: Secret = {
        arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${randomUUID().slice(0, 6)}`,
        name,
        value: String(input.SecretString ?? ''),
        versionId: randomUUID(),
        kmsKeyId: input.KmsKeyId as string | undefined,
        created: now,
        changed: now,
      };
      this.#secrets.set(name, s);
      return ok({ ARN: s.arn, Name: s.name, VersionId: s.versionId });
    },
    PutSecretValue: (input) =>
      this.#withLive(input, (s) => {
        s.value = String(input.SecretString ?? '');
        s.versionId = randomUUID();
        s.changed = Date.now() / 1000;
        return ok({ ARN: s.arn, Name: s.name, VersionId: s.versionId, VersionStages: ['AWSCURRENT'] });
      }),
    GetSecretValue: (input) =>
      this.#withLive(input, (s) =>
        ok({ ARN: s.arn, Name: s.name, VersionId: s.versionId, SecretString: s.value, VersionStages: ['AWSCURRENT'], CreatedDate: s.changed }),
      ),
    DescribeSecret: (input) =>
      this.#withSecret(input, (s) =>
        ok({ ARN: s.arn, Name: s.name, KmsKeyId: s.kmsKeyId, CreatedDate: s.created, LastChangedDate: s.changed, DeletedDate: s.deleted }),
      ),
    DeleteSecret: (input) =>
      this.#withSecret(input, (s) => {
        if (input.ForceDeleteWithoutRecovery === true) this.#secrets.delete(s.name);
        else s.deleted ??= Date.now() / 1000;
        return ok({ ARN: s.arn, Name: s.name, DeletionDate: Date.now() / 1000 });
      }),
    RestoreSecret: (input) =>
      this.#withSecret(input, (s) => {
        s.deleted = undefined;
        return ok({ ARN: s.arn, Name: s.name });
      }),
    ListSecrets: (input) => this.#list(input),
  };

  #list(input: Input): Answer {
    const filters = (input.Filters as Array<{ Key: string; Values: string[] }> | undefined) ?? [];
    const prefixes = filters.filter((f) => f.Key === 'name').flatMap((f) => f.Values);
    const all = [...this.#secrets.values()]
      .filter((s) => input.IncludePlannedDeletion === true || !s.deleted)
      .filter((s) => prefixes.length === 0 || prefixes.some((p) => s.name.startsWith(p)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const start = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64').toString()) : 0;
    const size = Math.min(Number(input.MaxResults ?? 100), this.pageSize);
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
    return ok({
      SecretList: page.map((s) => ({ ARN: s.arn, Name: s.name, KmsKeyId: s.kmsKeyId, CreatedDate: s.created, LastChangedDate: s.changed })),
      NextToken: next,
    });
  }

  #find(id: unknown): Secret | undefined {
    const key = String(id ?? '');
    return this.#secrets.get(key) ?? [...this.#secrets.values()].find((s) => s.arn === key);
  }

  #withSecret(input: Input, fn: (s: Secret) => Answer): Answer {
    const s = this.#find(input.SecretId);
    return s ? fn(s) : error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  }

  #withLive(input: Input, fn: (s: Secret) => Answer): Answer {
    return this.#withSecret(input, (s) =>
      s.deleted
        ? error(400, 'InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.")
        : fn(s),
    );
  }
}

export async function startFakeSecretsManager(opts: FakeSecretsManagerOptions = {}): Promise<FakeSecretsManager> {
  return new FakeSecretsManager(opts).start();
}

function parseInput(raw: string): Input | undefined {
  try {
    const v: unknown = JSON.parse(raw || '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Input) : undefined;
  } catch {
    return undefined;
  }
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function error(status: number, type: string, message: string): Answer {
  return { status, body: { __type: type, message } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
