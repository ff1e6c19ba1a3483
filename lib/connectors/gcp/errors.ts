import { ProviderAuthError } from '../../errors.ts';

/**
 * A Google API answered with an error that retrying will not fix (4xx), or kept failing (5xx/429)
 * after every attempt (`retryable`). The message is Google's own error text, which never echoes
 * credentials; request options (headers with the token) are never kept.
 */
export class GoogleApiError extends Error {
  readonly status: number;
  /** Google's canonical status name: ABORTED, ALREADY_EXISTS, PERMISSION_DENIED, ... */
  readonly reason: string;
  readonly api: string;
  readonly retryable: boolean;
  /** the Retry-After Google sent with a 429/503, if any */
  readonly retryAfter?: string | null;
  constructor(api: string, status: number, reason: string, message: string, retryable = false, retryAfter?: string | null) {
    super(`${api}: ${message}`);
    this.name = 'GoogleApiError';
    this.api = api;
    this.status = status;
    this.reason = reason;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }
}

export function isGoogleApiError(e: unknown, status?: number): e is GoogleApiError {
  return e instanceof GoogleApiError && (status === undefined || e.status === status);
}

export const REAUTH_MESSAGE = 'No refresh token available. Please re-authenticate.';

/** The refresh token is gone, revoked or needs re-authentication: only a new consent helps. */
export class GcpReauthRequiredError extends ProviderAuthError {
  constructor() {
    super(REAUTH_MESSAGE, { code: 'gcp_reauth_required' });
  }
}
