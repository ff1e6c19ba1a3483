import type { Deps } from '../../deps.ts';
import { getConnection, updateConnectionStatus, writeAudit } from '../../connections/repo.ts';
import { failureMessage } from '../errors.ts';
import type { StepIds } from '../step.ts';
import { markFailed } from '../tasks.ts';

/** The Catch target: the task becomes FAILURE with a human message, the connection `error`. */
export async function recordFailureStep(input: StepIds & { error?: { Error?: string; Cause?: string } }, d: Deps): Promise<{ state: 'FAILURE' }> {
  const message = failureMessage(input.error);
  const conn = await getConnection(d.db, { userId: input.user_id, provider: 'gcp', accountId: input.account_id });
  if (conn && conn.status !== 'not_connected') await updateConnectionStatus(d.db, conn, { status: 'error', reason: message });
  await writeAudit(d.db, { userId: input.user_id, action: 'gcp_setup_failed', provider: 'gcp', accountId: input.account_id, detail: { task_id: input.task_id, message } });
  // Last, as in finalize: whoever polls the task and sees it complete then reads the connection's final state.
  await markFailed(d.db, input.user_id, input.task_id, message);
  return { state: 'FAILURE' };
}
