import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCommand, loadCommandPolicies } from '../../../lib/commands/classify.ts';

// the CLIs' policies load on first use in the service (lib/commands/classify.ts); here, all of them
await loadCommandPolicies();

// Real commands with the class a reviewer expects (test/fixtures/commands/held-out.tsv).
const file = resolve(import.meta.dirname, '../../fixtures/commands/held-out.tsv');
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t'));

describe('held-out commands', () => {
  it('is well formed', () => {
    expect(rows.length).toBeGreaterThan(150);
    for (const r of rows) {
      expect(r).toHaveLength(3);
      expect(['read', 'write', 'destructive', 'sensitive', 'unknown', 'rejected']).toContain(r[0]);
    }
  });

  it.each(rows)('%s: %s %s', (expected, provider, command) => {
    const r = analyzeCommand(provider!, command!);
    expect({ command, class: r.class, reason: r.reason }).toMatchObject({ class: expected });
  });

  it('lets no destructive, access-changing or secret-revealing command run unconfirmed', () => {
    const unconfirmed = rows.filter(([expected, provider, command]) => {
      if (expected !== 'destructive' && expected !== 'sensitive' && expected !== 'rejected') return false;
      const c = analyzeCommand(provider!, command!).class;
      return c === 'read' || c === 'write';
    });
    expect(unconfirmed).toEqual([]);
  });
});
