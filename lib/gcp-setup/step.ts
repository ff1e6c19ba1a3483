import { deps, type Deps } from '../deps.ts';
import { log, withLogContext } from '../log.ts';
import { toStepError } from './errors.ts';

/** What every step receives: ids only. */
export interface StepIds {
  user_id: string;
  task_id: string;
  account_id: string;
}

const ID = /^[\x21-\x7e]{1,256}$/;

function checkIds(event: unknown): asserts event is StepIds {
  const e = event as Record<string, unknown>;
  for (const k of ['user_id', 'task_id', 'account_id']) {
    if (typeof e?.[k] !== 'string' || !ID.test(e[k] as string)) throw new Error(`step input: ${k} missing or malformed`);
  }
}

/**
 * A workflow step as a Lambda handler (the Task's function, deployed and local alike). Errors
 * leave with a stable name and the step's human failure message; whatever Google or the SDK threw
 * is logged (redacted) and never forwarded, since the error becomes part of the execution history.
 */
export function defineStep<I extends StepIds, O>(name: string, failure: string, fn: (input: I, d: Deps) => Promise<O>) {
  return async (event: I): Promise<O> => {
    checkIds(event);
    return withLogContext({ step: name, taskId: event.task_id, userId: event.user_id }, async () => {
      const started = Date.now();
      try {
        const out = await fn(event, deps());
        log.info('gcp setup step done', { ms: Date.now() - started });
        return out;
      } catch (e) {
        const { error, expected } = toStepError(e, failure);
        (expected ? log.warn : log.error)('gcp setup step failed', { error: e, as: error.name, ms: Date.now() - started });
        throw error;
      }
    });
  };
}
