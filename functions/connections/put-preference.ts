import { httpHandler, ok } from '../../lib/http/handler.ts';
import { putPreferenceRoute } from '../../lib/connections/routes.ts';
import { setProviderPreference } from '../../lib/connections/service.ts';

export const handler = httpHandler(putPreferenceRoute, async ({ principal, body }, d) =>
  ok({ provider_preference: await setProviderPreference(d, principal.userId, body.provider_preference) }),
);
