import { BadRequestError } from '../../errors.ts';
import { OVH_ENDPOINTS, type OvhEndpoint } from './settings.ts';
import type { OAuthStartHook } from '../hooks.ts';
import { initiateOvh } from './oauth.ts';

/** GET /api/auth/ovh[?endpoint=ovh-ca]: the same single-use state and PKCE as POST initiate; EU unless asked. */
export const ovhOAuthStart: OAuthStartHook = async (d, userId, query) => {
  const endpoint = query.endpoint ?? 'ovh-eu';
  if (!(OVH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    throw new BadRequestError(`endpoint: must be one of ${OVH_ENDPOINTS.join(', ')}`, { code: 'validation_error', field: 'endpoint' });
  }
  return (await initiateOvh(d, userId, endpoint as OvhEndpoint)).authorizationUrl;
};
