import { ProviderUnavailableError } from '../errors.ts';
import { GcpReauthRequiredError, GoogleApiError, REAUTH_MESSAGE } from '../connectors/gcp/errors.ts';

/**
 * Errors a step throws carry stable names the state machine matches: Retry on Gcp.Retryable
 * (Google 429/5xx/timeouts that outlived the in-call retries) and Gcp.Conflict (IAM etag races),
 * Catch everything into RecordFailure. Their messages are what the user reads, so they are human
 * and never hold a credential.
 */
export const STEP_ERRORS = ['Gcp.Failed', 'Gcp.Retryable', 'Gcp.Conflict'] as const;
export type StepErrorName = (typeof STEP_ERRORS)[number];

export class StepError extends Error {
  constructor(name: StepErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

/** A step found a condition the user must fix (no projects, no billing...); not retried. */
export class SetupFailure extends StepError {
  constructor(message: string) {
    super('Gcp.Failed', message);
  }
}

export function toStepError(e: unknown, failureMessage: string): { error: StepError; expected: boolean } {
  if (e instanceof StepError) return { error: e, expected: true };
  if (e instanceof GcpReauthRequiredError) return { error: new StepError('Gcp.Failed', REAUTH_MESSAGE), expected: true };
  if (e instanceof GoogleApiError) {
    if (e.status === 409 && e.reason === 'ABORTED') return { error: new StepError('Gcp.Conflict', failureMessage), expected: true };
    if (e.retryable) return { error: new StepError('Gcp.Retryable', failureMessage), expected: true };
    return { error: new StepError('Gcp.Failed', failureMessage), expected: false };
  }
  if (e instanceof ProviderUnavailableError) return { error: new StepError('Gcp.Retryable', failureMessage), expected: true };
  return { error: new StepError('Gcp.Failed', failureMessage), expected: false };
}

/** The human message of a caught error as Step Functions hands it to RecordFailure. */
export function failureMessage(err: { Error?: string; Cause?: string } | undefined): string {
  const fallback = 'GCP setup failed. Please try connecting again.';
  if (!err || typeof err.Error !== 'string' || !(STEP_ERRORS as readonly string[]).includes(err.Error)) return fallback;
  let message = err.Cause ?? '';
  // Lambda reports {"errorType","errorMessage","trace"}; the local runner passes the message itself.
  try {
    const parsed = JSON.parse(message) as { errorMessage?: string };
    if (typeof parsed?.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    /* already the message */
  }
  return message && message.length <= 300 ? message : fallback;
}
