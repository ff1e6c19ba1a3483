import { createHash } from 'node:crypto';
import type { StreamResult } from './contract.ts';

/**
 * One output stream of a run: keeps at most `limit` bytes in memory, counts and hashes all of
 * them (the audit records the hash of everything the CLI wrote, not only what was shown).
 */
export function collector(limit: number) {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let kept = 0;
  let total = 0;
  return {
    push(chunk: Buffer) {
      total += chunk.length;
      hash.update(chunk);
      if (kept >= limit) return;
      const part = chunk.length > limit - kept ? chunk.subarray(0, limit - kept) : chunk;
      chunks.push(part);
      kept += part.length;
    },
    result(): StreamResult {
      return { text: Buffer.concat(chunks).toString('utf8'), bytes: total, overflow: total > kept, sha256: hash.digest('hex') };
    },
  };
}
