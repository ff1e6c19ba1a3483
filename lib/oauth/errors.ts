import { ProviderAuthError } from '../errors.ts';

/** What the frontend may be told about a failed flow: a short code, never a provider's free text. */
const REASON = /^[a-z0-9_.-]{1,64}$/i;
export const safeReason = (value: unknown, fallback: string): string => (typeof value === 'string' && REASON.test(value) ? value : fallback);

/**
 * The provider (or a connector's own check) refused to complete the flow: a code it would not
 * redeem (invalid_grant), a client it does not know (invalid_client), an account without an email.
 * `reason` goes to the frontend as `?reason=`; the message names the provider, never a value.
 */
export class OAuthRefusal extends ProviderAuthError {
  readonly reason: string;
  constructor(reason: string, message: string) {
    const r = safeReason(reason, 'oauth_error');
    super(message, { status: 401, code: r === 'invalid_client' ? 'invalid_client' : 'invalid_grant' });
    this.reason = r;
  }
}
