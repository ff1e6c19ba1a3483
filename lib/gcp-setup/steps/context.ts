import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { userGoogleCtx } from '../../connectors/gcp/tokens.ts';
import type { GoogleCtx } from '../../connectors/gcp/google.ts';
import type { StepIds } from '../step.ts';
import { stepConnection } from './common.ts';

/** The connection and a Google context acting as its user (token from the refresh engine). */
export async function stepContext(d: Deps, ids: StepIds): Promise<{ conn: Connection; ctx: GoogleCtx }> {
  const conn = await stepConnection(d, ids);
  return { conn, ctx: userGoogleCtx(d, conn) };
}
