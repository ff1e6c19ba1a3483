import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalRuntime, type RuntimeFile } from '../../lib/local/runtime.ts';

/** The local runtime's data dir is its owner's only (issue 10); one runtime in this file, on disk. */
describe('the data dir', () => {
  it('is made 0700 with every file the runtime keeps in it 0600, what was already there included; runtime.json records how it was started', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aurora-modes-'));
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, 'secrets'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'secrets', 'left-by-an-old-version.secret'), 'x', { mode: 0o644 });
    // not the runtime's: left as it is
    writeFileSync(join(dataDir, 'notes.txt'), 'mine', { mode: 0o644 });
    const runtime = await startLocalRuntime({ port: 0, dataDir, env: { LOG_LEVEL: 'silent', FEATURE_FLAG_OVH_ENABLED: 'true' } });
    try {
      const modes: string[] = [];
      const walk = (p: string) => {
        const st = lstatSync(p);
        modes.push(`${p.slice(dataDir.length) || '/'} ${(st.mode & 0o777).toString(8)}`);
        if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
      };
      walk(dataDir);
      expect(modes.filter((m) => !/ (600|700)$/.test(m))).toEqual(['/notes.txt 644']);
      expect(modes).toContain('/secrets/left-by-an-old-version.secret 600');
      expect(modes.some((m) => m.startsWith('/dynamodb/'))).toBe(true);
      const file = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as RuntimeFile;
      expect(file.flags).toEqual({ simulate: false, port: runtime.gateway.port, dataDir: resolve(dataDir) });
      expect(file.settings.FEATURE_FLAG_OVH_ENABLED).toBe('true');
      expect(file.wiring.DYNAMODB_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
