import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../../deps.ts';
import { batchEnable, batches, getOperation } from '../../connectors/gcp/service-usage.ts';
import type { GoogleCtx } from '../../connectors/gcp/google.ts';
import { SetupFailure } from '../errors.ts';
import { markProjectDone, STEP } from '../tasks.ts';
import { stepStarted, type ProjectStepInput } from './common.ts';
import { stepContext } from './context.ts';

export const ENABLE_FAILED = 'Error enabling required APIs';

export interface EnableState {
  done: boolean;
  /** long-running operations still running */
  operations: string[];
  started_at: number;
  /** how long the Wait state pauses before the next PollEnable */
  wait_seconds: number;
}

/**
 * Step 3, per project: the required services in batches of at most 20 (26 APIs → 2 calls), then
 * their long-running operations polled at intervals that follow their age (nextPollIntervalMs). A step polls for a bounded time
 * and hands the rest to the state machine's Wait/PollEnable loop rather than idling in a Lambda.
 */
export async function startEnableStep(input: ProjectStepInput, d: Deps): Promise<EnableState> {
  const stepped = stepStarted(d, input, STEP.apis, input.project_count);
  const { ctx } = await stepContext(d, input);
  const started = await Promise.all(batches(d.config.gcp.requiredApis).map((ids) => batchEnable(ctx, input.project_id, ids)));
  await stepped;
  if (started.some((o) => o.error)) throw new SetupFailure(ENABLE_FAILED);
  return poll(d, ctx, input, started.filter((o) => !o.done).map((o) => o.operation), d.now());
}

export async function pollEnableStep(input: ProjectStepInput & { operations: string[]; started_at: number }, d: Deps): Promise<EnableState> {
  if (d.now() - input.started_at > d.config.gcp.enableMaxWaitMs) throw new SetupFailure(ENABLE_FAILED);
  const { ctx } = await stepContext(d, input);
  return poll(d, ctx, input, input.operations, input.started_at);
}

/** The longest pause between two polls of one operation. */
const MAX_POLL_INTERVAL_MS = 5000;

/**
 * How long to pause before the next poll. A Service Usage operation says nothing about when it
 * will end, only how long it has run; pausing a tenth of that age keeps the overshoot past its end
 * near a tenth of its duration (a 2 s enable is seen done within about 250 ms), where intervals
 * growing 1.5x from a fixed first delay overshot by up to a third. GCP_ENABLE_POLL_INTERVAL_MS is
 * the floor, so the first polls come soon and an operation that is already nearly done is not
 * waited on for a whole second.
 */
export function nextPollIntervalMs(ageMs: number, floorMs: number): number {
  return Math.min(Math.max(floorMs, Math.round(ageMs / 10)), MAX_POLL_INTERVAL_MS);
}

async function poll(d: Deps, ctx: GoogleCtx, input: ProjectStepInput, operations: string[], startedAt: number): Promise<EnableState> {
  const cfg = d.config.gcp;
  const deadline = d.now() + cfg.enablePollBudgetMs;
  let pending = operations;
  while (pending.length > 0) {
    const interval = nextPollIntervalMs(d.now() - startedAt, cfg.enablePollIntervalMs);
    const left = deadline - d.now();
    // Handed to the Wait state: it pauses what the next poll here would have.
    if (left <= 0) return { done: false, operations: pending, started_at: startedAt, wait_seconds: Math.ceil(interval / 1000) };
    await sleep(Math.min(interval, left));
    const states = await Promise.all(pending.map((name) => getOperation(ctx, name)));
    if (states.some((s) => s.error)) throw new SetupFailure(ENABLE_FAILED);
    pending = pending.filter((_, i) => !states[i].done);
  }
  await markProjectDone(d.db, input.user_id, input.task_id, STEP.apis, input.project_id);
  return { done: true, operations: [], started_at: startedAt, wait_seconds: 0 };
}
