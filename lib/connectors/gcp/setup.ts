import type { Deps } from '../../deps.ts';
import { updateConnectionStatus } from '../../connections/repo.ts';
import { log } from '../../log.ts';
import { workflowStarter } from './setup-starter.ts';
import { createTask, markFailed, markStarted } from './setup-tasks.ts';

/**
 * Starting the setup workflow (lib/gcp-setup/) is the connector's part: its OAuth callback starts
 * one after every login, POST /gcp/post-auth-retry another. The workflow's steps then depend on
 * this folder's Google clients, never the other way round.
 */
export const START_FAILED = 'Could not start the GCP setup. Please try again.';

/**
 * A new setup task and its execution. If the execution cannot be started the task says so
 * (FAILURE) and the error propagates, so nothing waits on a workflow that never ran.
 */
export async function startSetup(d: Deps, input: { userId: string; accountId: string; selected?: string[] }): Promise<string> {
  const taskId = await createTask(d.db, { userId: input.userId, accountId: input.accountId, selected: input.selected }, d.now());
  try {
    await workflowStarter(d).start({ user_id: input.userId, task_id: taskId, account_id: input.accountId, selected_project_ids: input.selected ?? [] });
  } catch (e) {
    log.error('could not start the gcp setup workflow', { taskId, error: e });
    // the connection first, the task last (as in RecordFailure): whoever polls the task and sees
    // it complete then reads the connection's final state, never `pending`
    await updateConnectionStatus(d.db, { userId: input.userId, provider: 'gcp', accountId: input.accountId }, { status: 'error', reason: START_FAILED });
    await markFailed(d.db, input.userId, taskId, START_FAILED);
    throw e;
  }
  await markStarted(d.db, input.userId, taskId);
  return taskId;
}

