import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function run(input: string): { status: number | null; lines: unknown[]; stderr: string } {
  const r = spawnSync(resolve(root, 'node_modules/.bin/node'), ['scripts/classify.ts'], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 20_000,
  });
  const lines = r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
  return { status: r.status, lines, stderr: r.stderr };
}

describe('scripts/classify.ts', () => {
  it('prints one JSON line per input line, in order, skipping blank lines', () => {
    const input = [
      'gcp\tgcloud compute instances list',
      '',
      'gcp\tgcloud compute instances stop target-vm',
      'aws\taws s3 rb s3://b --force',
      'azure\taz keyvault secret show --vault-name v -n s',
      // (kubectl frobnicate would run a kubectl-frobnicate plugin, so it is refused, not unknown)
      'gcp\tgcloud compute instances frobnicate vm',
      'gcp\taws s3 ls',
      'mars\tgcloud version',
      'gcp\tgcloud compute instances list | sh',
      'no tab here',
      '   ',
      `gcp\tgcloud compute instances list --filter="name~'web|api'"`,
    ].join('\n');
    const r = run(input + '\n');
    expect(r.status).toBe(0);
    expect(r.lines.map((l) => (l as { class: string }).class)).toEqual([
      'read', 'write', 'destructive', 'sensitive', 'unknown', 'rejected', 'rejected', 'rejected', 'rejected', 'read',
    ]);
    for (const l of r.lines) {
      expect(Object.keys(l as object).sort()).toEqual(['class', 'reason']);
      expect((l as { reason: string }).reason).not.toBe('');
    }
    expect(r.lines[5]).toEqual({ class: 'rejected', reason: "Command 'aws' is not allowed for provider gcp" });
    expect((r.lines[6] as { reason: string }).reason).toMatch(/Unsupported provider: mars/);
  });

  it('classifies the tailscale provider by its API verbs, and refuses the host CLI verbs it never runs', () => {
    const r = run('tailscale\ttailscale devices list\ntailscale\ttailscale devices delete d1\ntailscale\ttailscale keys create\ntailscale\ttailscale status\ntailscale\ttailscale up\n');
    expect(r.status).toBe(0);
    expect(r.lines.map((l) => (l as { class: string }).class)).toEqual(['read', 'destructive', 'sensitive', 'rejected', 'rejected']);
    expect((r.lines[3] as { reason: string }).reason).toMatch(/tailscale CLI is never run/);
  });

  it('accepts CRLF input and a last line without a newline', () => {
    const r = run('gcp\tgcloud version\r\naws\taws ec2 describe-instances');
    expect(r.lines).toEqual([
      { class: 'read', reason: expect.any(String) },
      { class: 'read', reason: expect.any(String) },
    ]);
  });

  it('prints nothing for empty input', () => {
    const r = run('');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([]);
  });
});
