/**
 * One error hierarchy for the whole service. Every error that reaches the HTTP edge is turned into
 * `{ "error": { "code", "message", "field"? } }` (plus the legacy top-level `message` the README's
 * examples show). `expose=false` errors answer with a generic message; their detail goes to the log only.
 */
export interface AppErrorOptions {
  field?: string;
  expose?: boolean;
  cause?: unknown;
  /** extra JSON properties merged into the error body (e.g. `action: "CONNECT_REQUIRED"`) */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** what the caller is told when `expose` is false (the message itself then goes to the log only) */
  publicMessage?: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly expose: boolean;
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  readonly publicMessage?: string;

  constructor(status: number, code: string, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.field = opts.field;
    this.expose = opts.expose ?? status < 500;
    this.extra = opts.extra;
    this.headers = opts.headers;
    this.publicMessage = opts.publicMessage;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, opts: AppErrorOptions & { code?: string } = {}) {
    super(400, opts.code ?? 'bad_request', message, opts);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, field?: string, opts: AppErrorOptions = {}) {
    super(400, 'validation_error', message, { ...opts, field });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', opts: AppErrorOptions & { code?: string } = {}) {
    super(401, opts.code ?? 'unauthorized', message, opts);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Forbidden', opts: AppErrorOptions & { code?: string } = {}) {
    super(403, opts.code ?? 'forbidden', message, opts);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', opts: AppErrorOptions & { code?: string } = {}) {
    super(404, opts.code ?? 'not_found', message, opts);
  }
}

export class ConflictError extends AppError {
  constructor(message = 'Conflict', opts: AppErrorOptions & { code?: string } = {}) {
    super(409, opts.code ?? 'conflict', message, opts);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(413, 'payload_too_large', `Request body exceeds ${limit} bytes`);
  }
}

/** A required setting is missing or invalid. The message names the setting, never its value. */
export class ConfigError extends AppError {
  constructor(message: string, opts: AppErrorOptions = {}) {
    super(500, 'config_error', message, { ...opts, expose: true });
  }
}

/** The upstream provider failed (5xx, timeout, unparseable answer). Safe to retry later. */
export class ProviderUnavailableError extends AppError {
  constructor(message: string, opts: AppErrorOptions & { code?: string; status?: number } = {}) {
    super(opts.status ?? 503, opts.code ?? 'provider_unavailable', message, { ...opts, expose: true });
  }
}

/** The provider refused the credentials (401/403-class answer from the provider). */
export class ProviderAuthError extends AppError {
  constructor(message: string, opts: AppErrorOptions & { code?: string; status?: number } = {}) {
    super(opts.status ?? 401, opts.code ?? 'provider_auth_failed', message, opts);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
  message: string;
  [k: string]: unknown;
}

export function toErrorBody(err: AppError): ErrorBody {
  const message = err.expose ? err.message : (err.publicMessage ?? 'Internal server error');
  const code = err.expose || err.publicMessage ? err.code : 'internal_error';
  const body: ErrorBody = {
    ...(err.expose ? err.extra : undefined),
    error: { code, message, ...(err.field && err.expose ? { field: err.field } : {}) },
    message,
  };
  return body;
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
