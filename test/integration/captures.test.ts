import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURE_DIR, readCaptures } from '../helpers/capture.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

describe('test captures', () => {
  it("go to the run's own temporary directory, never the service's .data/", async () => {
    expect(CAPTURE_DIR.startsWith(tmpdir() + sep)).toBe(true);
    expect(resolve(CAPTURE_DIR).startsWith(resolve('.data'))).toBe(false);
    const before = readCaptures().length;
    const other = await startTestRuntime();
    await other.request('GET', '/api/user_connections', { user: 'capture-user' });
    await other.close();
    expect(readCaptures().length).toBe(before + 1);
    expect(existsSync(resolve('.data/test-capture'))).toBe(false);
  });
});
