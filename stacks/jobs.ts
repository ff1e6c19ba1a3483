/**
 * Scheduled jobs (functions/scheduled/*), listed in lib/stacks-plan.ts SCHEDULED_JOBS: one Lambda
 * each, planned from its capabilities like a route, invoked by EventBridge Scheduler every
 * <setting> minutes (REVALIDATE_SCHEDULE for the connection re-validation, default 360).
 */
import { SCHEDULED_JOBS, jobSchedule, planJob } from "../lib/stacks-plan.ts";
import { createFunction, type TokenValues } from "./functions.ts";
import type { SecretsStack } from "./secrets.ts";

export function createJobs(ctx: { secrets: SecretsStack; values: TokenValues }) {
  return SCHEDULED_JOBS.map((job) => {
    const schedule = jobSchedule(job, process.env);
    const fn = createFunction(planJob(job, $app.stage, ctx.secrets.settings), {
      values: ctx.values,
      linkables: ctx.secrets.linkables,
      description: `${job.handler} every ${schedule}`,
    });
    // a missed run is simply caught up by the next one: no retries
    const cron = new sst.aws.CronV2(`${job.name}Schedule`, { function: fn, schedule, retries: 0 });
    return { job, fn, cron };
  });
}
