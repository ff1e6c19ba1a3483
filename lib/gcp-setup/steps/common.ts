import type { Deps } from '../../deps.ts';
import { getConnection } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { SetupFailure } from '../errors.ts';
import { startStep } from '../tasks.ts';
import type { StepIds } from '../step.ts';

export interface ProjectStepInput extends StepIds {
  project_id: string;
  project_count: number;
}

/** The connection the execution configures (kept free of Google clients: not every step calls Google). */
export async function stepConnection(d: Deps, ids: StepIds): Promise<Connection> {
  const conn = await getConnection(d.db, { userId: ids.user_id, provider: 'gcp', accountId: ids.account_id });
  if (!conn || conn.status === 'not_connected') throw new SetupFailure('GCP was disconnected during setup');
  return conn;
}

/**
 * The step's progress write, sent beside its first reads and Google calls rather than before
 * them: it only shows progress and gates nothing, and a table write in front of every step was
 * time on the setup's path (docs/performance.md). Await it before the step's later task writes
 * (markProjectDone needs the step it moves to) and before returning; a rejection waits for that
 * await instead of being reported as unhandled.
 */
export function stepStarted(d: Deps, ids: StepIds, step: number, projectCount?: number): Promise<boolean> {
  const p = startStep(d.db, ids.user_id, ids.task_id, step, projectCount);
  p.catch(() => undefined);
  return p;
}

export { ELIGIBLE_SETTING, ROOT_SETTING } from '../../connectors/gcp/connection.ts';
