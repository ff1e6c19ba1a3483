import { allStates, setupDefinition, stepHandlerFile, taskSteps } from './definition.ts';

/**
 * One Lambda per step of the setup state machine: the SST workflow stack builds these and puts
 * their ARNs into the `${Fn:<name>}` placeholders; `npm run bench` sizes their bundles; the local
 * runner imports the same handler files. A step's timeout is its Task's TimeoutSeconds.
 */
function steps(): Array<{ name: string; handler: string; timeoutSeconds: number }> {
  const def = setupDefinition();
  const byState = new Map(allStates(def));
  const out = new Map<string, { name: string; handler: string; timeoutSeconds: number }>();
  for (const [state, step] of taskSteps(def)) {
    const timeout = Number(byState.get(state)?.TimeoutSeconds ?? 60);
    const prev = out.get(step);
    out.set(step, { name: step, handler: stepHandlerFile(step), timeoutSeconds: Math.max(prev?.timeoutSeconds ?? 0, timeout) });
  }
  return [...out.values()];
}

export const workflowSteps = steps();
