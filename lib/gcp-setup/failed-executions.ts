import type { Deps } from '../deps.ts';
import { log } from '../log.ts';
import { failureMessage } from './errors.ts';
import { failSetup } from './steps/record-failure.ts';
import { getTask } from './tasks.ts';

/**
 * Executions of the setup state machine that end without reaching RecordFailure (timed out,
 * aborted, failed with States.Runtime, or RecordFailure's own retries exhausted) would leave the
 * task PROGRESS forever. EventBridge sends their "Step Functions Execution Status Change" events
 * to the failed-setup queue (stacks/workflow.ts); this consumer marks each task FAILURE with a
 * human message, as RecordFailure would have. The execution name is the task id
 * (lib/connectors/gcp/setup-starter.ts), the owner and account come from the execution's input.
 */
export interface ExecutionStatusChange {
  source?: string;
  'detail-type'?: string;
  detail?: { name?: string; status?: string; input?: string | null; error?: string | null; cause?: string | null };
}

export type FailedExecutionOutcome = 'marked' | 'already-final' | 'unknown-task' | 'ignored';

const FAILED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
const ID = /^[\x21-\x7e]{1,256}$/;

/** What the user reads on the task and the connection (never the execution's error text itself, unless a step wrote it for them). */
export function failedExecutionMessage(detail: NonNullable<ExecutionStatusChange['detail']>): string {
  if (detail.status === 'TIMED_OUT') return 'GCP setup took too long and was stopped. Please try connecting again.';
  if (detail.status === 'ABORTED') return 'GCP setup was stopped before it finished. Please try connecting again.';
  // a step's own error (Gcp.*) carries a message written for the user; anything else gets the generic one
  return failureMessage({ Error: detail.error ?? undefined, Cause: detail.cause ?? undefined });
}

export async function recordFailedExecution(d: Deps, event: ExecutionStatusChange): Promise<FailedExecutionOutcome> {
  const detail = event.detail;
  if (event.source !== 'aws.states' || event['detail-type'] !== 'Step Functions Execution Status Change' || !detail) return 'ignored';
  if (!(FAILED_STATUSES as readonly string[]).includes(detail.status ?? '')) return 'ignored';
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(detail.input ?? '') as Record<string, unknown>;
  } catch {
    return 'ignored';
  }
  const ids = { user_id: input?.user_id, task_id: detail.name, account_id: input?.account_id };
  if (![ids.user_id, ids.task_id, ids.account_id].every((v) => typeof v === 'string' && ID.test(v)) || input.task_id !== detail.name) return 'ignored';
  const checked = ids as { user_id: string; task_id: string; account_id: string };
  const task = await getTask(d.db, checked.user_id, checked.task_id);
  if (!task) return 'unknown-task';
  if (task.state === 'SUCCESS' || task.state === 'FAILURE' || task.state === 'NEEDS_SELECTION') return 'already-final';
  return (await failSetup(d, checked, failedExecutionMessage(detail))) ? 'marked' : 'already-final';
}

/**
 * One SQS batch: each record's body is the EventBridge event. A record that cannot be read is
 * logged and dropped (retrying cannot help); one whose write failed is reported back, so only it
 * is retried and, after the queue's receive limit, kept in its dead-letter queue (alarmed).
 */
export async function consumeFailedExecutions(d: Deps, records: Array<{ messageId: string; body: string }>): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const batchItemFailures: Array<{ itemIdentifier: string }> = [];
  for (const r of records) {
    let event: ExecutionStatusChange;
    try {
      event = JSON.parse(r.body) as ExecutionStatusChange;
    } catch {
      log.warn('failed setup execution: unreadable message dropped', { messageId: r.messageId });
      continue;
    }
    try {
      const outcome = await recordFailedExecution(d, event);
      (outcome === 'marked' ? log.info : log.warn)('failed setup execution', { messageId: r.messageId, taskId: event.detail?.name, status: event.detail?.status, outcome });
    } catch (e) {
      log.error('failed setup execution: could not record', { messageId: r.messageId, taskId: event.detail?.name, error: e });
      batchItemFailures.push({ itemIdentifier: r.messageId });
    }
  }
  return { batchItemFailures };
}
