import { httpHandler, ok } from '../../lib/http/handler.ts';
import { getPreferenceRoute } from '../../lib/connections/routes.ts';
import { getProviderPreference } from '../../lib/connections/service.ts';

export const handler = httpHandler(getPreferenceRoute, async ({ principal }, d) => ok({ provider_preference: await getProviderPreference(d, principal.userId) }));
