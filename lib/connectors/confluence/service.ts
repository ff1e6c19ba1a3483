import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { ValidationError } from '../../errors.ts';
import { startOAuth } from '../../oauth/flow.ts';
import { secret } from '../../secret-value.ts';
import { dcBaseUrl, dcCurrentUser } from './adapter.ts';
import { confluence } from './definition.ts';
import { confluenceOAuth } from './oauth-start.ts';

export interface ConnectInput {
  auth_type?: 'oauth' | 'pat';
  base_url?: string;
  pat_token?: string;
}

export type ConnectAnswer =
  | { body: { auth_type: 'oauth'; auth_url: string; state: string }; cookie: string }
  | { body: { success: true; message: string; auth_type: 'pat'; base_url: string; user: string }; cookie?: undefined };

/**
 * POST /confluence/connect, the seed's one entry for both kinds of Confluence:
 * `{authType:"oauth"}` (the default) starts the Atlassian consent (the answer's auth_url, and the
 * cookie that binds the flow to this browser); `{authType:"pat", baseUrl, patToken}` checks the PAT
 * against the Data Center instance's REST API and stores it (secret first, record second). The
 * instance (its normalised base URL) is the connection's account.
 */
export async function connectConfluence(d: Deps, userId: string, input: ConnectInput): Promise<ConnectAnswer> {
  if ((input.auth_type ?? 'oauth') === 'oauth') {
    if (input.pat_token !== undefined || input.base_url !== undefined) throw new ValidationError('is only for auth_type "pat" (Confluence Cloud signs in with Atlassian)', input.pat_token !== undefined ? 'pat_token' : 'base_url');
    const flow = await startOAuth(d, confluenceOAuth, userId);
    return { body: { auth_type: 'oauth', auth_url: flow.url, state: flow.state }, cookie: flow.cookie };
  }
  if (input.base_url === undefined) throw new ValidationError('is required for a Data Center PAT', 'base_url');
  if (input.pat_token === undefined) throw new ValidationError('is required for a Data Center PAT', 'pat_token');
  const base = dcBaseUrl(input.base_url, d.config.confluence.allowHttp);
  const user = await dcCurrentUser(d.config.confluence, base, secret(input.pat_token), { connecting: true });
  await saveConnection(d, {
    userId,
    provider: 'confluence',
    accountId: base,
    accountName: `${user.displayName} @ ${new URL(base).host}`,
    metadata: { auth_type: 'pat', base_url: base, username: user.username },
    secret: secret({ pat_token: input.pat_token }),
  });
  return { body: { success: true, message: confluence.messages.connected, auth_type: 'pat', base_url: base, user: user.username } };
}
