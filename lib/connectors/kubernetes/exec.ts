import { AppError } from '../../errors.ts';
import type { ExecProfile } from '../kit/exec.ts';

/**
 * A cluster has no credentials on this side: cloud_tool hands its kubectl commands to the
 * cluster's agent (lib/commands/agent-commands.ts), never to the executor, so this profile is only
 * reached if that dispatch were bypassed, and then it refuses.
 */
const agentOnly = (): never => {
  throw new AppError(501, 'kubectl_agent_only', 'Kubernetes clusters run kubectl through their agent, not through a local CLI', { expose: true });
};

export const exec: ExecProfile = { accountSelection: 'required', configEnv: () => ({}), source: async () => agentOnly(), materialize: () => agentOnly() };
