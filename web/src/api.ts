/**
 * The one way the console talks to the API: JSON in and out, the caller's identity on every
 * request, cookies included (the OAuth browser binding), and every failure turned into words.
 */

export interface Problem {
  status: number;
  message: string;
  /** the request field the server blamed, when it named one */
  field?: string;
  /** the whole error body, for the few places that read more (an action, a classification) */
  body?: unknown;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.message);
    this.problem = problem;
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: 'The request was not accepted.',
  401: 'You are not signed in, or your session has ended. Sign in again.',
  403: 'You are not allowed to do this.',
  404: 'That was not found.',
  409: 'That changed in the meantime. Reload and try again.',
  413: 'That is too large to send.',
  429: 'Too many requests right now. Wait a moment and try again.',
  503: 'The service is temporarily unavailable. Try again in a moment.',
};

function wordsFor(status: number): string {
  return STATUS_WORDS[status] ?? (status >= 500 ? 'The service failed to answer. Try again in a moment.' : 'The request did not succeed.');
}

/** Error text from an API error body: {"error":{"message","field"}} (plus a legacy top-level message). */
export function problemOf(status: number, body: unknown): Problem {
  const b = (body && typeof body === 'object' ? body : {}) as { error?: { message?: unknown; field?: unknown }; message?: unknown };
  const message = typeof b.error?.message === 'string' && b.error.message ? b.error.message : typeof b.message === 'string' && b.message ? b.message : wordsFor(status);
  const field = typeof b.error?.field === 'string' ? b.error.field : undefined;
  return { status, message, field, body };
}

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createApi(baseUrl: string, identityHeaders: () => Record<string, string>): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...identityHeaders() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'include' });
    } catch {
      throw new ApiError({ status: 0, message: 'The service could not be reached. Check that it is running and try again.' });
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) throw new ApiError(problemOf(res.status, parsed));
    return parsed as T;
  }
  return { get: (path) => call('GET', path), send: (method, path, body) => call(method, path, body) };
}

/** A message for anything a call can throw. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.problem.message;
  return 'Something went wrong in the page. Reload and try again.';
}
