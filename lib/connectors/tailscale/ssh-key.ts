import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '../../db/dynamodb.ts';
import type { Deps } from '../../deps.ts';
import { isConditionalCheckFailed } from '../../db/client.ts';
import { userPk } from '../../connections/repo.ts';
import { secretPath } from '../../secrets/port.ts';
import { SecretValue, secret } from '../../secret-value.ts';
import { tailscale } from './definition.ts';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (b: Buffer | string) => {
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  return Buffer.concat([u32(buf.length), buf]);
};

export interface SshKeyPair {
  /** "ssh-ed25519 AAAA… <comment>" (authorized_keys format) */
  publicKey: string;
  /** "SHA256:…" as ssh-keygen -l prints it */
  fingerprint: string;
  /** OpenSSH "openssh-key-v1" PEM, unencrypted, as ssh-keygen writes it */
  privateKey: SecretValue<string>;
}

/**
 * An ed25519 key pair in OpenSSH formats. node:crypto makes the key; the wire formats (RFC 8709
 * public blob, PROTOCOL.key private container) are written here so `ssh` can use the private half
 * as it is.
 */
export function generateSshKeyPair(comment: string): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const pad = (8 - (section.length % 8)) % 8;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const container = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), u32(1), sshString(blob), sshString(section)]);
  const pem = `-----BEGIN OPENSSH PRIVATE KEY-----\n${container.toString('base64').match(/.{1,70}/g)!.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
  seed.fill(0);
  return {
    publicKey: `ssh-ed25519 ${blob.toString('base64')} ${comment}`,
    fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
    privateKey: new SecretValue(pem),
  };
}

/** The public half (not secret) lives in the table next to the user's records; the private half only in the secret store. */
const itemKey = (userId: string) => ({ pk: userPk(userId), sk: 'TAILSCALE#SSHKEY' });
export const sshSecretPath = (userId: string) => secretPath(userId, 'tailscale', tailscale.sshKeyAccount);
/** a claim whose writer never recorded the private half within this time is taken over */
const STALE_CLAIM_MS = 60_000;

interface SshKeyItem {
  publicKey: string;
  fingerprint: string;
  /** set once the private half is stored */
  secretRef?: string;
  createdAt: string;
}

const readItem = async (d: Deps, userId: string) =>
  (await d.db.doc.send(new GetCommand({ TableName: d.db.table, Key: itemKey(userId), ConsistentRead: true }))).Item as SshKeyItem | undefined;

/**
 * The user's key pair, generated once. A first call claims the slot with a conditional write of the
 * public half, stores the private half, then records its reference; a concurrent first call loses
 * the claim and answers with the winner's public key. If storing the private half fails the claim
 * is withdrawn; a claim whose private half never arrived (or has gone) is replaced.
 */
export async function ensureSshKey(d: Deps, userId: string): Promise<{ publicKey: string; fingerprint: string }> {
  const current = await readItem(d, userId);
  if (current) {
    const complete = current.secretRef ? await d.secrets.exists(current.secretRef) : false;
    const inFlight = !current.secretRef && d.now() - Date.parse(current.createdAt) < STALE_CLAIM_MS;
    if (complete || inFlight) return { publicKey: current.publicKey, fingerprint: current.fingerprint };
  }
  const pair = generateSshKeyPair(`aurora-${userId}`);
  try {
    await d.db.doc.send(
      new PutCommand({
        TableName: d.db.table,
        Item: { ...itemKey(userId), kind: 'tailscale_ssh_key', publicKey: pair.publicKey, fingerprint: pair.fingerprint, createdAt: new Date(d.now()).toISOString() },
        ...(current
          ? { ConditionExpression: 'publicKey = :old', ExpressionAttributeValues: { ':old': current.publicKey } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
  } catch (e) {
    if (!isConditionalCheckFailed(e)) throw e;
    const winner = (await readItem(d, userId))!;
    return { publicKey: winner.publicKey, fingerprint: winner.fingerprint };
  }
  const mine = { ':mine': pair.publicKey };
  let ref: string | undefined;
  try {
    ref = await d.secrets.put(sshSecretPath(userId), secret({ private_key: pair.privateKey, public_key: pair.publicKey }));
    await d.db.doc.send(
      new UpdateCommand({
        TableName: d.db.table,
        Key: itemKey(userId),
        UpdateExpression: 'SET secretRef = :ref',
        ConditionExpression: 'publicKey = :mine',
        ExpressionAttributeValues: { ':ref': ref, ...mine },
      }),
    );
  } catch (e) {
    if (ref) await d.secrets.delete(ref).catch(() => undefined);
    await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: itemKey(userId), ConditionExpression: 'publicKey = :mine', ExpressionAttributeValues: mine })).catch(() => undefined);
    throw e;
  }
  return { publicKey: pair.publicKey, fingerprint: pair.fingerprint };
}

/** Remove both halves (disconnect). The private half goes first, so a failure leaves a record a retry can finish. */
export async function deleteSshKey(d: Deps, userId: string): Promise<void> {
  const current = await readItem(d, userId);
  if (!current) return;
  // A claim interrupted before recording its reference may still have written the secret at the
  // fixed path; writing an empty document there is the backend-neutral way to learn its reference.
  const ref = current.secretRef ?? (await d.secrets.put(sshSecretPath(userId), secret({})));
  await d.secrets.delete(ref);
  await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: itemKey(userId) }));
}
