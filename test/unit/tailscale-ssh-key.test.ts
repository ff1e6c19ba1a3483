import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSshKeyPair } from '../../lib/connectors/tailscale/ssh-key.ts';

const sshKeygen = ['/usr/bin/ssh-keygen', '/bin/ssh-keygen', '/usr/local/bin/ssh-keygen'].find((p) => existsSync(p));

describe('generateSshKeyPair', () => {
  it('writes the public key in authorized_keys format with the comment', () => {
    const k = generateSshKeyPair('aurora-user-1');
    expect(k.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} aurora-user-1$/);
    expect(k.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(String(k.privateKey)).toBe('[redacted]');
    expect(JSON.stringify(k)).not.toContain('PRIVATE KEY');
  });

  it('gives a different pair every time', () => {
    expect(generateSshKeyPair('x').publicKey).not.toBe(generateSshKeyPair('x').publicKey);
  });

  it('the private container (PROTOCOL.key) holds the same public key and a seed that signs for it', () => {
    const k = generateSshKeyPair('c');
    const pem = k.privateKey.reveal();
    expect(pem.split('\n').every((l) => l.length <= 70)).toBe(true);
    const body = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
    expect(body.subarray(0, 15).toString()).toBe('openssh-key-v1\0');
    let at = 15;
    const str = (b: Buffer) => {
      const n = b.readUInt32BE(at);
      const v = b.subarray(at + 4, at + 4 + n);
      at += 4 + n;
      return v;
    };
    expect([str(body).toString(), str(body).toString(), str(body).length]).toEqual(['none', 'none', 0]);
    expect(body.readUInt32BE(at)).toBe(1);
    at += 4;
    const blob = str(body);
    expect(blob.toString('base64')).toBe(k.publicKey.split(' ')[1]);
    const section = str(body);
    expect(at).toBe(body.length);
    expect(section.length % 8).toBe(0);
    expect(section.readUInt32BE(0)).toBe(section.readUInt32BE(4));
    at = 8;
    expect(str(section).toString()).toBe('ssh-ed25519');
    const pub = str(section);
    const both = str(section);
    expect(str(section).toString()).toBe('c');
    expect([...section.subarray(at)]).toEqual(Array.from({ length: section.length - at }, (_, i) => i + 1));
    expect(both.subarray(32).equals(pub)).toBe(true);
    const priv = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: both.subarray(0, 32).toString('base64url'), x: pub.toString('base64url') }, format: 'jwk' });
    const pubKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
    expect(verify(null, Buffer.from('m'), pubKey, sign(null, Buffer.from('m'), priv))).toBe(true);
  });

  it.skipIf(!sshKeygen)('OpenSSH reads the private key back to the same public key and fingerprint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aurora-ssh-'));
    try {
      const k = generateSshKeyPair('aurora-check');
      const file = join(dir, 'id');
      writeFileSync(file, k.privateKey.reveal(), { mode: 0o600 });
      const pub = execFileSync(sshKeygen!, ['-y', '-f', file], { encoding: 'utf8' }).trim();
      expect(pub.split(' ').slice(0, 2).join(' ')).toBe(k.publicKey.split(' ').slice(0, 2).join(' '));
      const fp = execFileSync(sshKeygen!, ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' });
      expect(fp).toContain(k.fingerprint);
      expect(fp).toContain('aurora-check');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
