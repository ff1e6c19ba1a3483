import { serviceusage_v1 } from '@googleapis/serviceusage/build/v1.js';
import { googleCall, requestOptions, type GoogleCtx } from './google.ts';

const su = (ctx: GoogleCtx, auth: serviceusage_v1.Options['auth']) => new serviceusage_v1.Serviceusage({ auth, rootUrl: ctx.cfg.roots.serviceUsage });

/** Service Usage takes at most 20 services per batchEnable call. */
export const BATCH_ENABLE_MAX = 20;

export function batches<T>(items: T[], size = BATCH_ENABLE_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Starts enabling the services; returns the long-running operation's name. */
export async function batchEnable(ctx: GoogleCtx, projectId: string, serviceIds: string[]): Promise<{ operation: string; done: boolean; error?: string }> {
  const op = await googleCall(ctx, 'serviceusage.services.batchEnable', (auth) =>
    su(ctx, auth).services.batchEnable({ parent: `projects/${projectId}`, requestBody: { serviceIds } }, requestOptions(ctx.cfg)),
  );
  return { operation: op.name ?? '', done: op.done === true, error: op.error?.message ?? undefined };
}

export async function getOperation(ctx: GoogleCtx, name: string): Promise<{ done: boolean; error?: string }> {
  const op = await googleCall(ctx, 'serviceusage.operations.get', (auth) => su(ctx, auth).operations.get({ name }, requestOptions(ctx.cfg)));
  return { done: op.done === true, error: op.error ? (op.error.message ?? `error ${op.error.code}`) : undefined };
}
