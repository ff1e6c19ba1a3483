import { googleCall, resourcePath, seg, type GoogleCtx } from './google.ts';

/** Service Usage takes at most 20 services per batchEnable call. */
export const BATCH_ENABLE_MAX = 20;

/** A long-running operation as Service Usage answers it (its `response` is not read). */
interface Operation {
  name?: string;
  done?: boolean;
  error?: { code?: number; message?: string };
}

export function batches<T>(items: T[], size = BATCH_ENABLE_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Starts enabling the services; returns the long-running operation's name. */
export async function batchEnable(ctx: GoogleCtx, projectId: string, serviceIds: string[]): Promise<{ operation: string; done: boolean; error?: string }> {
  const op = await googleCall<Operation>(ctx, 'serviceusage.services.batchEnable', { method: 'POST', url: `${ctx.cfg.roots.serviceUsage}v1/projects/${seg(projectId)}/services:batchEnable`, body: { serviceIds } });
  return { operation: op.name ?? '', done: op.done === true, error: op.error?.message ?? undefined };
}

/** `name` is the operation's name as batchEnable returned it (`operations/…`), a `{+name}` path. */
export async function getOperation(ctx: GoogleCtx, name: string): Promise<{ done: boolean; error?: string }> {
  const op = await googleCall<Operation>(ctx, 'serviceusage.operations.get', { url: `${ctx.cfg.roots.serviceUsage}v1/${resourcePath(name)}` });
  return { done: op.done === true, error: op.error ? (op.error.message ?? `error ${op.error.code}`) : undefined };
}
