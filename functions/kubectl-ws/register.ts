import { wsHandler } from '../../lib/http/ws-handler.ts';
import { routeOf } from '../../lib/kubectl/ws-routes.ts';
import { registerMessage } from '../../lib/kubectl/protocol.ts';
import { agentRegister } from '../../lib/kubectl/agent-service.ts';

export const handler = wsHandler(routeOf('register'), registerMessage, async ({ connectionId, message }, d) => agentRegister(d, connectionId, message));
