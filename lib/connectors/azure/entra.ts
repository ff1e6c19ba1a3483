import { ClientSecretCredential, type ClientSecretCredentialOptions } from '@azure/identity';
import type { Config } from '../../config.ts';
import { AppError, ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { SecretValue } from '../../secret-value.ts';
import { azure } from './definition.ts';

/**
 * ARM tokens for a service principal, through @azure/identity's ClientSecretCredential (MSAL).
 * A credential is built per call and dropped: MSAL caches tokens per credential object, and a
 * token must never serve another user, tenant or secret.
 *
 * MSAL hides why a call failed (an unknown tenant and an outage of the metadata endpoint both
 * surface as "endpoints_resolution_error"), so a pipeline policy records what Entra ID actually
 * answered: the status and, for errors only, the OAuth error code and AADSTS codes (never a body
 * that could hold a token). That record decides between "your credentials are wrong" and
 * "Azure is unavailable".
 */
export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: SecretValue<string>;
}

export interface ArmToken {
  token: string;
  expiresOnTimestamp: number;
}

type Policy = NonNullable<ClientSecretCredentialOptions['additionalPolicies']>[number]['policy'];

interface EntraAnswer {
  status?: number;
  error?: string;
  codes?: number[];
  failure?: 'timeout' | 'network';
}

function observer(seen: EntraAnswer): Policy {
  return {
    name: 'auroraEntraAnswer',
    async sendRequest(request, next) {
      try {
        const response = await next(request);
        seen.status = response.status;
        seen.failure = undefined;
        seen.error = undefined;
        seen.codes = undefined;
        if (response.status >= 400 && response.bodyAsText) {
          try {
            const body = JSON.parse(response.bodyAsText) as { error?: unknown; error_codes?: unknown };
            if (typeof body.error === 'string') seen.error = body.error;
            if (Array.isArray(body.error_codes)) seen.codes = body.error_codes.filter((c): c is number => typeof c === 'number');
          } catch {
            /* not JSON: the status alone decides */
          }
        }
        return response;
      } catch (e) {
        seen.status = undefined;
        seen.failure = /abort|time/i.test(`${(e as Error).name} ${(e as Error).message}`) ? 'timeout' : 'network';
        throw e;
      }
    },
  };
}

/** core-rest-pipeline has no default per-request timeout; MSAL's own abort signal is not wired to the socket. */
function timeoutPolicy(ms: number): Policy {
  return {
    name: 'auroraRequestTimeout',
    sendRequest(request, next) {
      request.timeout = ms;
      return next(request);
    },
  };
}

function reasonOf(seen: EntraAnswer): string {
  const code = seen.codes?.[0];
  const known = code !== undefined ? azure.aadsts[code] : undefined;
  return code !== undefined ? `AADSTS${code}${known ? `: ${known}` : ''}` : (seen.error ?? `HTTP ${seen.status}`);
}

function classify(e: unknown, seen: EntraAnswer): AppError {
  if ((seen.status === 400 || seen.status === 401) && (seen.error || seen.codes?.length)) {
    if (seen.error === 'invalid_scope' || seen.error === 'unsupported_grant_type') {
      return new ProviderUnavailableError(`Azure AD refused Aurora's token request (${reasonOf(seen)}); check AZURE_RESOURCE_MANAGER_AUDIENCE`, { cause: e, status: 502 });
    }
    return new ProviderAuthError(azure.messages.invalidCredentials, { code: 'invalid_azure_credentials', extra: { reason: reasonOf(seen) }, cause: e });
  }
  if (seen.status !== undefined && (seen.status === 429 || seen.status >= 500)) return new ProviderUnavailableError(`Azure AD is unavailable (HTTP ${seen.status}); try again`, { cause: e });
  if (seen.failure === 'timeout') return new ProviderUnavailableError('Azure AD did not answer in time; try again', { cause: e });
  if (seen.failure === 'network') return new ProviderUnavailableError('Azure AD could not be reached; try again', { cause: e });
  return new ProviderUnavailableError('Azure AD did not issue a token; try again', { cause: e });
}

export async function armToken(cfg: Config['azure'], sp: ServicePrincipal): Promise<SecretValue<ArmToken>> {
  const seen: EntraAnswer = {};
  const credential = new ClientSecretCredential(sp.tenantId, sp.clientId, sp.clientSecret.reveal(), {
    authorityHost: cfg.authorityHost,
    disableInstanceDiscovery: cfg.disableInstanceDiscovery,
    ...(cfg.authorityCaPem ? { tlsOptions: { ca: cfg.authorityCaPem } } : {}),
    retryOptions: { maxRetries: cfg.maxRetries, retryDelayInMs: cfg.retryDelayMs, maxRetryDelayInMs: Math.max(cfg.retryDelayMs, 1) * 16 },
    additionalPolicies: [
      { position: 'perRetry', policy: timeoutPolicy(cfg.timeoutMs) },
      { position: 'perRetry', policy: observer(seen) },
    ],
  });
  let token;
  try {
    token = await credential.getToken(cfg.armScope);
  } catch (e) {
    throw classify(e, seen);
  }
  if (!token?.token) throw new ProviderUnavailableError('Azure AD answered without a token; try again', { status: 502 });
  return new SecretValue({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp });
}
