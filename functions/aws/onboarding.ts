import { httpHandler, ok } from '../../lib/http/handler.ts';
import { awsOnboardingRoute } from '../../lib/connectors/aws/routes.ts';
import { awsOnboarding } from '../../lib/connectors/aws/service.ts';

export const handler = httpHandler(awsOnboardingRoute, async ({ principal, query }, d) => ok(await awsOnboarding(d, principal.userId, { accessLevel: query.access_level })));
