/** Scheduled jobs (functions/scheduled/*): EventBridge Scheduler → one Lambda each. */
import type { Capability } from '../../http/route-types.ts';
import { NAME_RE, sstHandler } from './names.ts';
import { planCapabilities } from './permissions.ts';
import { DEFAULT_SETTINGS, type DeploySettings } from './settings.ts';
import type { FunctionPlan, PermissionPlan } from './types.ts';
import { ALARM_TOKENS, zeroAlarm, type AlarmPlan } from './alarms.ts';

export interface JobDef {
  /** component name of the Lambda */
  name: string;
  handler: string;
  capabilities: Capability[];
  /** the deploy-time setting holding the minutes between runs, and its default (as in lib/config) */
  everyMinutesSetting: string;
  defaultEveryMinutes: number;
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * Lambda's own retries of the scheduler's asynchronous invocation (0..2). Left unset Lambda
   * retries twice on top of the scheduler's `retries: 0`, so a failing 15-minute run would happen
   * three times.
   */
  asyncRetries: 0 | 1 | 2;
}

export const SCHEDULED_JOBS: readonly JobDef[] = [
  {
    // lib/connectors/revalidate.ts: reads connections (gsi1), the credentials, assumes AWS roles
    name: 'ScheduledRevalidate',
    handler: 'functions/scheduled/revalidate.ts',
    capabilities: ['table', 'secrets', 'sts'],
    everyMinutesSetting: 'REVALIDATE_SCHEDULE',
    defaultEveryMinutes: 360,
    timeoutSeconds: 900,
    memoryMb: 512,
    // a failed run is caught up by the next one; the failure goes to the alarm topic
    asyncRetries: 0,
  },
];

/** The job function's asynchronous invocation settings: explicit retries, and failures to the alarm topic. */
export interface JobInvokePlan {
  maximumRetryAttempts: number;
  /** an invocation older than this is dropped (and sent to the destination) rather than run late */
  maximumEventAgeInSeconds: number;
  onFailureDestination: string;
  /** Lambda writes to the destination with the function's role: granted beside its capabilities, by stacks/jobs.ts */
  destinationPermission: PermissionPlan;
}

export function planJobInvoke(job: JobDef): JobInvokePlan {
  if (![0, 1, 2].includes(job.asyncRetries)) throw new Error(`${job.name}: asyncRetries must be 0, 1 or 2 (Lambda's range)`);
  return {
    maximumRetryAttempts: job.asyncRetries,
    maximumEventAgeInSeconds: Math.max(60, job.timeoutSeconds),
    onFailureDestination: ALARM_TOKENS.topicArn,
    destinationPermission: { actions: ['sns:Publish'], resources: [ALARM_TOKENS.topicArn] },
  };
}

/** A run that failed (an error or a timeout): the Errors metric of the job's function. */
export function planJobAlarm(job: JobDef, functionNameToken: string): AlarmPlan {
  return zeroAlarm({
    name: `${job.name}ErrorsAlarm`,
    description: `${job.handler} failed (see its logs); the next scheduled run tries again`,
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensions: { FunctionName: functionNameToken },
    statistic: 'Sum',
    periodSeconds: Math.max(300, job.timeoutSeconds),
  });
}

export function planJob(job: JobDef, stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan {
  if (!NAME_RE.test(job.name)) throw new Error(`Bad job name "${job.name}"`);
  return {
    name: job.name,
    handler: sstHandler(job.handler),
    handlerFile: job.handler,
    paths: [],
    routeKeys: [],
    capabilities: [...job.capabilities],
    ...planCapabilities(job.capabilities, stage, settings),
    timeout: job.timeoutSeconds,
    memory: job.memoryMb,
  };
}

/** "rate(360 minutes)" from the job's setting in the deploy environment (5 minutes to 1 week). */
export function jobSchedule(job: JobDef, env: Record<string, string | undefined>): `rate(${string})` {
  const raw = env[job.everyMinutesSetting];
  const n = raw === undefined || raw === '' ? job.defaultEveryMinutes : Number(raw);
  if (!Number.isInteger(n) || n < 5 || n > 10080) throw new Error(`${job.everyMinutesSetting}="${raw}" must be whole minutes between 5 and 10080`);
  return `rate(${n} minutes)`;
}
