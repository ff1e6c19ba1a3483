/** Scheduled jobs (functions/scheduled/*): EventBridge Scheduler → one Lambda each. */
import type { Capability } from '../../http/route-types.ts';
import { NAME_RE, sstHandler } from './names.ts';
import { planCapabilities } from './permissions.ts';
import { DEFAULT_SETTINGS, type DeploySettings } from './settings.ts';
import type { FunctionPlan } from './types.ts';

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
  },
];

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
