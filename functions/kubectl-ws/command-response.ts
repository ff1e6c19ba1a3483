import { wsHandler } from '../../lib/http/ws-handler.ts';
import { routeOf } from '../../lib/kubectl/ws-routes.ts';
import { commandResponseMessage } from '../../lib/kubectl/protocol.ts';
import { agentCommandResponse } from '../../lib/kubectl/agent-service.ts';

export const handler = wsHandler(routeOf('command_response'), commandResponseMessage, async ({ connectionId, message }, d) => agentCommandResponse(d, connectionId, message));
