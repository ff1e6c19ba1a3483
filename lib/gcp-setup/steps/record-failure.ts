import type { Deps } from '../../deps.ts';
import { getConnection, updateConnectionStatus, writeAudit } from '../../connections/repo.ts';
import { failureMessage } from '../errors.ts';
import type { StepIds } from '../step.ts';
import { markFailed } from '../tasks.ts';

/**
 * A setup that ends in failure: the connection `error` with the message, an audit record, and the
 * task FAILURE with it, in that order. Used by the Catch target below and, for executions that
 * never reached it (timed out, aborted, States.Runtime, RecordFailure itself failing), by the
 * failed-execution consumer (lib/gcp-setup/failed-executions.ts). Returns false when the task was
 * already final (nothing is changed then).
 */
export async function failSetup(d: Deps, ids: StepIds, message: string): Promise<boolean> {
  const conn = await getConnection(d.db, { userId: ids.user_id, provider: 'gcp', accountId: ids.account_id });
  if (conn && conn.status !== 'not_connected') await updateConnectionStatus(d.db, conn, { status: 'error', reason: message });
  await writeAudit(d.db, { userId: ids.user_id, action: 'gcp_setup_failed', provider: 'gcp', accountId: ids.account_id, detail: { task_id: ids.task_id, message } });
  // Last, as in finalize: whoever polls the task and sees it complete then reads the connection's final state.
  return markFailed(d.db, ids.user_id, ids.task_id, message);
}

/** The Catch target: the task becomes FAILURE with a human message, the connection `error`. */
export async function recordFailureStep(input: StepIds & { error?: { Error?: string; Cause?: string } }, d: Deps): Promise<{ state: 'FAILURE' }> {
  await failSetup(d, input, failureMessage(input.error));
  return { state: 'FAILURE' };
}
