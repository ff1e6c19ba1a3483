import type { Deps } from '../../deps.ts';
import { testProjectPermissions } from '../../connectors/gcp/crm.ts';
import { generateAccessToken } from '../../connectors/gcp/iam-credentials.ts';
import { GoogleApiError, type GoogleCtx } from '../../connectors/gcp/google.ts';
import { markProjectDone, STEP } from '../tasks.ts';
import { stepStarted, type ProjectStepInput } from './common.ts';
import { stepContext } from './context.ts';

export const VERIFY_PERMISSION = 'resourcemanager.projects.get';

export interface VerifyState {
  attempt: number;
  verified: boolean;
  done: boolean;
  wait_seconds: number;
}

/** Can this service account act on the project yet? Mint its token, then ask as it. */
async function accountCanAct(ctx: GoogleCtx, saEmail: string, projectId: string): Promise<boolean> {
  try {
    const minted = await generateAccessToken(ctx, saEmail, 300);
    const asAccount: GoogleCtx = { cfg: ctx.cfg, auth: { token: async () => minted.token } };
    return (await testProjectPermissions(asAccount, projectId, [VERIFY_PERMISSION])).includes(VERIFY_PERMISSION);
  } catch (e) {
    // Not propagated yet (403/404), or Google briefly unavailable: not verified this time.
    if (e instanceof GoogleApiError && (e.status === 403 || e.status === 404 || e.retryable)) return false;
    throw e;
  }
}

/**
 * Step 6, per configured project: one propagation check. The state machine runs the first at once
 * and the next ones after Wait states of growing length (base·2^n, capped), at most
 * GCP_VERIFY_MAX_ATTEMPTS; once verified it stops (no waiting after success).
 */
export async function verifyAccessStep(input: ProjectStepInput & { full_sa_email: string; readonly_sa_email: string; attempt: number }, d: Deps): Promise<VerifyState> {
  const started = stepStarted(d, input, STEP.verify, input.project_count);
  const { ctx } = await stepContext(d, input);
  const cfg = d.config.gcp;
  const attempt = (Number(input.attempt) || 0) + 1;
  const results = await Promise.all([input.readonly_sa_email, input.full_sa_email].map((sa) => accountCanAct(ctx, sa, input.project_id)));
  const verified = results.every(Boolean);
  await started;
  if (verified) await markProjectDone(d.db, input.user_id, input.task_id, STEP.verify, input.project_id);
  const done = verified || attempt >= cfg.verifyMaxAttempts;
  const wait = Math.min(cfg.verifyBaseWaitSeconds * 2 ** (attempt - 1), cfg.verifyMaxWaitSeconds);
  return { attempt, verified, done, wait_seconds: done ? 0 : wait };
}
