/**
 * The GCP setup workflow: the JSONPath ASL in lib/gcp-setup/state-machine.asl.json,
 * deployed as-is as a raw aws.sfn.StateMachine (SST's StepFunctions component emits JSONata,
 * which the local runner cannot run).
 *
 * Convention (lib/stacks-plan.ts): a Task names its Lambda "${Fn:<StepName>}" (as "Resource" or as
 * "Parameters.FunctionName" of arn:aws:states:::lambda:invoke); each distinct step gets one Lambda
 * running functions/gcp-setup/<kebab-step>.handler, and the placeholders are replaced by its ARN.
 *
 * Also: a role that may invoke exactly those Lambdas and write logs; ERROR-level logging without
 * execution data; and a dead-letter path: executions that end FAILED, TIMED_OUT or ABORTED are
 * sent by an EventBridge rule to an SQS queue, whose consumer marks their tasks FAILURE
 * (lib/gcp-setup/failed-executions.ts); what it cannot record moves after 5 receives to a second
 * queue (14 days). Both a failed execution and an unrecorded one alarm the alarm topic
 * (lib/stacks/plan/workflow.ts planWorkflowAlarms).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  FAILED_EXECUTIONS_MAPPING,
  FAILED_EXECUTIONS_MAX_RECEIVES,
  FAILED_QUEUE_VISIBILITY_SECONDS,
  WORKFLOW_TOKENS,
  aslPlaceholders,
  aslStepTimeouts,
  planFailedExecutionConsumer,
  planStep,
  planWorkflowAlarms,
  stateMachineInvokePermission,
  substituteAsl,
  tokenKey,
} from "../lib/stacks-plan.ts";
import { createFunction, logRetention, type TokenValues } from "./functions.ts";
import { createAlarm } from "./alarms.ts";
import type { SecretsStack } from "./secrets.ts";

export const ASL_PATH = "lib/gcp-setup/state-machine.asl.json";

/** Read at run() time, not imported: the file is written by another area and may not exist yet. */
async function readAsl(): Promise<unknown> {
  const file = path.join($cli.paths.root, ASL_PATH);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`${ASL_PATH} does not exist: the GCP setup workflow (and so the API's workflow routes) cannot be deployed without it`);
    }
    throw e;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${ASL_PATH} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function createWorkflow(ctx: { secrets: SecretsStack; values: TokenValues }) {
  const prefix = `${$app.name}-${$app.stage}`;
  const asl = await readAsl();
  const steps = aslPlaceholders(asl);
  const timeouts = aslStepTimeouts(asl);
  if (steps.length === 0) throw new Error(`${ASL_PATH} has no \${Fn:<Step>} placeholder: no Task would run our code`);

  const functions = Object.fromEntries(
    steps.map((step) => [
      step,
      createFunction(planStep(step, $app.stage, ctx.secrets.settings, timeouts[step]), {
        values: ctx.values,
        linkables: ctx.secrets.linkables,
        description: `GCP setup step ${step}`,
      }),
    ]),
  );
  const arns = $util.all(Object.fromEntries(steps.map((s) => [s, functions[s].arn])));
  const account = aws.getCallerIdentityOutput().accountId;

  const logGroup = new aws.cloudwatch.LogGroup("GcpSetupLogs", {
    // the /aws/vendedlogs/ prefix keeps CloudWatch's resource policy small
    name: `/aws/vendedlogs/states/${prefix}-gcp-setup`,
    retentionInDays: logRetention() === "6 months" ? 180 : 30,
  });

  const role = new aws.iam.Role("GcpSetupRole", {
    assumeRolePolicy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "states.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        },
      ],
    }),
  });
  const policy = new aws.iam.RolePolicy("GcpSetupPolicy", {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        arns.apply((a) => {
          const p = stateMachineInvokePermission(steps.map((s) => a[s]));
          return { Sid: "InvokeSteps", Effect: "Allow", Action: p.actions, Resource: p.resources };
        }),
        {
          // CloudWatch Logs delivery for Step Functions: these APIs take no resource-level scoping
          Sid: "Logging",
          Effect: "Allow",
          Action: [
            "logs:CreateLogDelivery",
            "logs:GetLogDelivery",
            "logs:UpdateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries",
            "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups",
          ],
          Resource: "*",
        },
      ],
    }),
  });

  const stateMachine = new aws.sfn.StateMachine(
    "GcpSetupStateMachine",
    {
      name: `${prefix}-gcp-setup`,
      // STANDARD: long Wait/Choice propagation loops, and status-change events for the DLQ rule
      type: "STANDARD",
      roleArn: role.arn,
      definition: arns.apply((a) => substituteAsl(asl, a)),
      // states pass ids only, but execution data stays out of the logs all the same
      loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: $interpolate`${logGroup.arn}:*` },
    },
    { dependsOn: [policy] },
  );

  const unprocessed = new aws.sqs.Queue("GcpSetupUnprocessed", {
    name: `${prefix}-gcp-setup-unprocessed`,
    messageRetentionSeconds: 14 * 24 * 3600,
    sqsManagedSseEnabled: true,
  });
  const dlq = new aws.sqs.Queue("GcpSetupDlq", {
    name: `${prefix}-gcp-setup-failed`,
    messageRetentionSeconds: 14 * 24 * 3600,
    visibilityTimeoutSeconds: FAILED_QUEUE_VISIBILITY_SECONDS,
    redrivePolicy: $jsonStringify({ deadLetterTargetArn: unprocessed.arn, maxReceiveCount: FAILED_EXECUTIONS_MAX_RECEIVES }),
    sqsManagedSseEnabled: true,
  });
  const rule = new aws.cloudwatch.EventRule("GcpSetupFailedRule", {
    description: `${prefix}: GCP setup executions that failed, timed out or were aborted`,
    eventPattern: $jsonStringify({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { status: ["FAILED", "TIMED_OUT", "ABORTED"], stateMachineArn: [stateMachine.arn] },
    }),
  });
  new aws.sqs.QueuePolicy("GcpSetupDlqPolicy", {
    queueUrl: dlq.url,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "FailedExecutionsFromEventBridge",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: dlq.arn,
          Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
        },
      ],
    }),
  });
  new aws.cloudwatch.EventTarget("GcpSetupFailedTarget", {
    rule: rule.name,
    arn: dlq.arn,
    retryPolicy: { maximumEventAgeInSeconds: 24 * 3600, maximumRetryAttempts: 185 },
  });
  // the failed executions' consumer: their tasks become FAILURE with a human message
  const values: TokenValues = {
    ...ctx.values,
    [tokenKey(WORKFLOW_TOKENS.failedQueueArn)]: dlq.arn,
    [tokenKey(WORKFLOW_TOKENS.failedRuleName)]: rule.name,
    [tokenKey(WORKFLOW_TOKENS.unprocessedQueueName)]: unprocessed.name,
  };
  const consumer = createFunction(planFailedExecutionConsumer($app.stage, ctx.secrets.settings), {
    values,
    linkables: ctx.secrets.linkables,
    description: "Failed GCP setup executions → their tasks FAILURE",
  });
  new aws.lambda.EventSourceMapping("GcpSetupFailedMapping", {
    eventSourceArn: dlq.arn,
    functionName: consumer.arn,
    batchSize: FAILED_EXECUTIONS_MAPPING.batchSize,
    maximumBatchingWindowInSeconds: FAILED_EXECUTIONS_MAPPING.maximumBatchingWindowInSeconds,
    functionResponseTypes: [...FAILED_EXECUTIONS_MAPPING.functionResponseTypes],
  });
  for (const alarm of planWorkflowAlarms(prefix)) createAlarm(alarm, values);

  return { stateMachine, dlq, unprocessed, consumer, functions, steps };
}
