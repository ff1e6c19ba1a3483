import { QueryCommand } from '../db/dynamodb.ts';
import type { Deps } from '../deps.ts';
import { userPk } from '../connections/repo.ts';
import { displayCommand } from './output.ts';

/** One cloud_tool run as the console's "Recent runs" list shows it (GET /api/cloud_tool/runs). */
export interface RunView {
  command: string;
  provider: string;
  account_id: string | null;
  classification: string | null;
  mode: string | null;
  exit_code: number | null;
  timed_out: boolean;
  duration_ms: number | null;
  at: string;
}

/** The audit action lib/commands/service.ts writes for every run. */
const RUN_ACTION = 'cloud_tool.run';
/** Pages of audit events read at most for one answer (bounded work whatever the history holds). */
const MAX_PAGES = 20;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * An audit item as a run, read defensively: the item's fields evolve with the executor (argv or a
 * command string, camelCase or snake_case), and a field it lacks is shown as unknown, never
 * guessed. The argv was redacted before it was audited (lib/commands/output.ts redactArgv).
 */
export function runView(item: Record<string, unknown>): RunView | null {
  const detail = (item.detail && typeof item.detail === 'object' ? item.detail : {}) as Record<string, unknown>;
  const argv = Array.isArray(detail.argv) && detail.argv.every((a) => typeof a === 'string') ? (detail.argv as string[]) : null;
  const command = argv ? displayCommand(argv) : str(detail.command);
  const at = str(item.at);
  if (!command || !at) return null;
  return {
    command,
    provider: str(item.provider) ?? 'unknown',
    account_id: str(item.accountId) ?? str(item.account_id),
    classification: str(detail.classification) ?? str(detail.class),
    mode: str(detail.mode),
    exit_code: num(detail.exitCode) ?? num(detail.exit_code) ?? num(detail.returnCode),
    timed_out: detail.timedOut === true || detail.timed_out === true,
    duration_ms: num(detail.durationMs) ?? num(detail.duration_ms),
    at,
  };
}

/** The caller's most recent cloud_tool runs, newest first, from their own audit partition only. */
export async function listRecentRuns(d: Deps, userId: string, limit: number): Promise<{ runs: RunView[] }> {
  const runs: RunView[] = [];
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES && runs.length < limit; page++) {
    const r = await d.db.doc.send(
      new QueryCommand({
        TableName: d.db.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: '#action = :action',
        ExpressionAttributeNames: { '#action': 'action' },
        ExpressionAttributeValues: { ':pk': userPk(userId), ':prefix': 'AUDIT#', ':action': RUN_ACTION },
        // audit sort keys start with the ISO time: newest first
        ScanIndexForward: false,
        Limit: 100,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of r.Items ?? []) {
      const v = runView(item);
      if (v && runs.length < limit) runs.push(v);
    }
    start = r.LastEvaluatedKey;
    if (!start) break;
  }
  return { runs };
}
