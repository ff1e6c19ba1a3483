/**
 * Scheduled jobs (functions/scheduled/*), listed in lib/stacks-plan.ts SCHEDULED_JOBS: one Lambda
 * each, planned from its capabilities like a route, invoked by EventBridge Scheduler every
 * <setting> minutes (REVALIDATE_SCHEDULE for the connection re-validation, default 360).
 */
import { SCHEDULED_JOBS, jobSchedule, planJob, planJobAlarm, planJobInvoke } from "../lib/stacks-plan.ts";
import { createFunction, resolver, type TokenValues } from "./functions.ts";
import { createAlarm } from "./alarms.ts";
import type { SecretsStack } from "./secrets.ts";

export function createJobs(ctx: { secrets: SecretsStack; values: TokenValues }) {
  return SCHEDULED_JOBS.map((job) => {
    const schedule = jobSchedule(job, process.env);
    const fn = createFunction(planJob(job, $app.stage, ctx.secrets.settings), {
      values: ctx.values,
      linkables: ctx.secrets.linkables,
      description: `${job.handler} every ${schedule}`,
    });
    // a missed run is simply caught up by the next one: no retries by the scheduler, and none by
    // Lambda's asynchronous invocation either (its default is 2); a failure goes to the alarm topic
    const cron = new sst.aws.CronV2(`${job.name}Schedule`, { function: fn, schedule, retries: 0 });
    const invoke = planJobInvoke(job);
    const resolve = resolver(ctx.values);
    const destinationGrant = new aws.iam.RolePolicy(`${job.name}FailureDestination`, {
      role: fn.nodes.role.name,
      policy: $jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: invoke.destinationPermission.actions, Resource: invoke.destinationPermission.resources.map(resolve) }],
      }),
    });
    new aws.lambda.FunctionEventInvokeConfig(
      `${job.name}AsyncConfig`,
      {
        functionName: fn.name,
        maximumRetryAttempts: invoke.maximumRetryAttempts,
        maximumEventAgeInSeconds: invoke.maximumEventAgeInSeconds,
        destinationConfig: { onFailure: { destination: resolve(invoke.onFailureDestination) } },
      },
      { dependsOn: [destinationGrant] },
    );
    createAlarm(planJobAlarm(job, "{{job.functionName}}"), { ...ctx.values, "job.functionName": fn.name });
    return { job, fn, cron };
  });
}
