import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh capture directory per run, in the system temp dir (never the service's own .data): the
 * hardening leak scan reads what this run produced. Test workers inherit its path.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-test-capture-'));
  process.env.AURORA_TEST_CAPTURE_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
