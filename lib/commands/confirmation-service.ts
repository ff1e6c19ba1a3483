import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../deps.ts';
import { writeAudit } from '../connections/repo.ts';
import { approveConfirmation, cancelConfirmation, listOpenConfirmations, type PendingConfirmation } from './confirmations.ts';

// The confirmation routes and MCP's cancel, apart from lib/commands/service.ts: that module runs
// commands (the command grammars, the executors, each connector's CLI credentials, all behind
// import()s), and a function that only lists, cancels or approves a confirmation carried every one
// of those lazy chunks and, at its cold start, the extra files they split its shared modules into
// (docs/performance.md, "Chunks").

export async function cancelCloudToolConfirmation(d: Deps, userId: string, id: string): Promise<void> {
  await cancelConfirmation(d.db, userId, id, d.now());
}

/** The person's approval of what an agent asked to run (never reachable with an agent token: lib/http/handler.ts). */
export async function approveCloudToolConfirmation(d: Deps, userId: string, id: string): Promise<void> {
  await approveConfirmation(d.db, userId, id, d.now());
  await writeAudit(d.db, { userId, action: 'cloud_tool.confirmation_approved', detail: { confirmationId: id } });
}

export async function openCloudToolConfirmations(d: Deps, userId: string): Promise<PendingConfirmation[]> {
  return listOpenConfirmations(d.db, userId, d.now());
}
