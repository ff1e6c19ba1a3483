/**
 * The GCP setup workflow: one Lambda per step the ASL names, and the state machine's permission
 * to invoke exactly those. The placeholder convention lives in lib/gcp-setup/asl-placeholders.ts.
 */
import type { Capability } from '../../http/route-types.ts';
import { isStepName, stepHandlerFile } from '../../gcp-setup/asl-placeholders.ts';
import { sstHandler } from './names.ts';
import { planCapabilities } from './permissions.ts';
import { DEFAULT_SETTINGS, type DeploySettings } from './settings.ts';
import type { FunctionPlan, PermissionPlan } from './types.ts';

export { aslPlaceholders, aslStepTimeouts, kebab, stepHandlerFile, substituteAsl } from '../../gcp-setup/asl-placeholders.ts';

/** a step's Lambda times out with its Task's TimeoutSeconds in the ASL; this when the Task sets none */
export const STEP_TIMEOUT_SECONDS = 120;
export const STEP_MEMORY_MB = 512;
/** Workflow step functions are named STEP_NAME_PREFIX + step; route names may not start with it. */
export const STEP_NAME_PREFIX = 'GcpSetupStep';

export const GCP_SETUP_STEP_CAPABILITIES: readonly Capability[] = ['table', 'secrets'];

/** The Lambda behind one workflow step (invoked by Step Functions only, so no 30 s cap). */
export function planStep(step: string, stage: string, settings: DeploySettings = DEFAULT_SETTINGS, timeoutSeconds = STEP_TIMEOUT_SECONDS): FunctionPlan {
  if (!isStepName(step)) throw new Error(`Bad step name "${step}"`);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 900) throw new Error(`Step ${step}: timeout ${timeoutSeconds} s must be 1..900 (the Lambda maximum)`);
  const handlerFile = stepHandlerFile(step);
  return {
    name: `${STEP_NAME_PREFIX}${step}`,
    handler: sstHandler(handlerFile),
    handlerFile,
    paths: [],
    routeKeys: [],
    capabilities: [...GCP_SETUP_STEP_CAPABILITIES],
    ...planCapabilities(GCP_SETUP_STEP_CAPABILITIES, stage, settings),
    timeout: timeoutSeconds,
    memory: STEP_MEMORY_MB,
  };
}

/** The state machine role's only Lambda permission: invoke exactly these functions (and their versions). */
export function stateMachineInvokePermission(functionArns: string[]): PermissionPlan {
  if (functionArns.length === 0) throw new Error('The state machine invokes no function');
  return { actions: ['lambda:InvokeFunction'], resources: functionArns.flatMap((a) => [a, `${a}:*`]) };
}
