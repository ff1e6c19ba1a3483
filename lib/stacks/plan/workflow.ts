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
import { zeroAlarm, type AlarmPlan } from './alarms.ts';

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

/**
 * Executions that end FAILED, TIMED_OUT or ABORTED reach the failed-setup queue through an
 * EventBridge rule; this consumer marks their tasks FAILURE (lib/gcp-setup/failed-executions.ts).
 * A message it cannot process is retried, then kept in a queue of its own, which alarms.
 */
export const FAILED_EXECUTIONS_CONSUMER = {
  name: 'GcpSetupFailedExecutions',
  handler: 'functions/gcp-setup/record-failed-execution.ts',
  timeoutSeconds: 30,
  memoryMb: 256,
} as const;

export const WORKFLOW_TOKENS = {
  failedQueueArn: '{{gcpSetupFailed.arn}}',
  failedRuleName: '{{gcpSetupFailedRule.name}}',
  unprocessedQueueName: '{{gcpSetupUnprocessed.name}}',
} as const;

/** The queue → consumer mapping: small batches, partial-batch answers. */
export const FAILED_EXECUTIONS_MAPPING = { batchSize: 10, maximumBatchingWindowInSeconds: 5, functionResponseTypes: ['ReportBatchItemFailures'] } as const;
/** Receives before a message moves to the unprocessed queue; the visibility timeout covers six runs of the consumer, as AWS advises. */
export const FAILED_EXECUTIONS_MAX_RECEIVES = 5;
export const FAILED_QUEUE_VISIBILITY_SECONDS = FAILED_EXECUTIONS_CONSUMER.timeoutSeconds * 6;

export const SQS_CONSUME_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'] as const;

export function planFailedExecutionConsumer(stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan {
  // it writes the task, the connection and an audit record: the table, nothing else
  const caps: Capability[] = ['table'];
  const base = planCapabilities(caps, stage, settings);
  return {
    name: FAILED_EXECUTIONS_CONSUMER.name,
    handler: sstHandler(FAILED_EXECUTIONS_CONSUMER.handler),
    handlerFile: FAILED_EXECUTIONS_CONSUMER.handler,
    paths: [],
    routeKeys: [],
    capabilities: caps,
    links: base.links,
    permissions: [...base.permissions, { actions: [...SQS_CONSUME_ACTIONS], resources: [WORKFLOW_TOKENS.failedQueueArn] }],
    environment: base.environment,
    timeout: FAILED_EXECUTIONS_CONSUMER.timeoutSeconds,
    memory: FAILED_EXECUTIONS_CONSUMER.memoryMb,
  };
}

/** A setup that failed (the user has been told by the consumer) and a failure the consumer could not record. */
export function planWorkflowAlarms(prefix: string): AlarmPlan[] {
  return [
    zeroAlarm({
      name: 'GcpSetupFailedAlarm',
      description: `${prefix}: a GCP setup execution failed, timed out or was aborted (its task is marked FAILURE)`,
      namespace: 'AWS/Events',
      metricName: 'TriggeredRules',
      dimensions: { RuleName: WORKFLOW_TOKENS.failedRuleName },
      statistic: 'Sum',
    }),
    zeroAlarm({
      name: 'GcpSetupUnprocessedAlarm',
      description: `${prefix}: a failed GCP setup execution could not be recorded on its task (see the ${prefix}-gcp-setup-unprocessed queue)`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: WORKFLOW_TOKENS.unprocessedQueueName },
      statistic: 'Maximum',
    }),
  ];
}
