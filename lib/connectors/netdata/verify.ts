import { NotFoundError, ValidationError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import type { Verify } from '../kit/behaviour.ts';
import { netdataApi } from './adapter.ts';
import { netdata, pickSpace } from './definition.ts';

/**
 * POST /netdata/connect: the token against Netdata Cloud's GET /api/v2/spaces (the reference took
 * any string), and the space the connection is for: the one named by space_name, or the token's only
 * space. The token goes to the secret store; the space is the connection's account.
 */
export const verify: Verify = async (d, _userId, input) => {
  const spaces = await netdataApi(d.config.netdata, secret(input.api_token!)).spaces();
  const space = pickSpace(spaces, input.space_name);
  if ('error' in space) {
    if (input.space_name !== undefined && spaces.length > 0) throw new NotFoundError(space.error, { code: 'space_not_found', field: 'space_name' });
    throw new ValidationError(space.error, 'space_name');
  }
  return {
    accountId: space.id,
    accountName: space.name,
    metadata: { space_slug: space.slug || null },
    response: { success: true, message: netdata.messages.connected, space_id: space.id, space_name: space.name },
  };
};
