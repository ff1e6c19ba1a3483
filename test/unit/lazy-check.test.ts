import { describe, expect, it } from 'vitest';
import type { Deps } from '../../lib/deps.ts';
import type { Connection } from '../../lib/connections/types.ts';
import type { ConnectorCheck } from '../../lib/connectors/kit/behaviour.ts';
import { lazyCheck } from '../../lib/connectors/kit/lazy-check.ts';

/** A status function's check (scripts/gen.ts): its module is imported on the first call only. */
const d = {} as Deps;
const conn = { userId: 'u1', provider: 'gcp', accountId: 'p1' } as Connection;

describe('lazyCheck', () => {
  it('imports nothing until the first call, then imports once and passes every call through', async () => {
    let loads = 0;
    const seen: string[] = [];
    const check: ConnectorCheck = async (_d, c, opts) => {
      seen.push(`${c.accountId}:${opts.purpose}`);
      return { ok: true };
    };
    const lazy = lazyCheck(async () => {
      loads++;
      return { check };
    });
    expect(loads).toBe(0);
    const results = await Promise.all([lazy(d, conn, { purpose: 'status' }), lazy(d, { ...conn, accountId: 'p2' }, { purpose: 'reconnect' })]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(loads).toBe(1);
    expect(seen).toEqual(['p1:status', 'p2:reconnect']);
  });

  it('does not remember a failed import: the next call tries again', async () => {
    let loads = 0;
    const lazy = lazyCheck(async () => {
      if (++loads === 1) throw new Error('chunk not found');
      return { check: async () => ({ ok: false, kind: 'auth', reason: 'refused' }) };
    });
    await expect(lazy(d, conn, { purpose: 'status' })).rejects.toThrow('chunk not found');
    await expect(lazy(d, conn, { purpose: 'status' })).resolves.toEqual({ ok: false, kind: 'auth', reason: 'refused' });
    expect(loads).toBe(2);
  });
});
