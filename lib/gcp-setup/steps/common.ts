import type { Deps } from '../../deps.ts';
import { getConnection } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { SetupFailure } from '../errors.ts';
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

export { ELIGIBLE_SETTING, ROOT_SETTING } from '../../connectors/gcp/connection.ts';
