import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every test runtime writes what it saw here when it closes: response bodies, log lines, and
 * every secret value that was in its secret store. The hardening project scans them all. The
 * directory is the run's own temporary one (test/helpers/global-setup.ts).
 */
export const CAPTURE_DIR = process.env.AURORA_TEST_CAPTURE_DIR ?? join(tmpdir(), `aurora-test-capture-${process.ppid}`);

export interface Capture {
  file: string;
  responses: string[];
  logs: string[];
  secrets: string[];
  /** every table item at the end of the run, as JSON */
  items?: string[];
  /** secrets users typed into commands: never in a log line or a table item (audit), though the user's own response may echo them */
  auditSecrets?: string[];
}

export function writeCapture(c: Omit<Capture, 'file'> & { name: string }): void {
  mkdirSync(CAPTURE_DIR, { recursive: true });
  writeFileSync(join(CAPTURE_DIR, `${c.name.replace(/[^\w.-]/g, '_')}-${randomUUID()}.json`), JSON.stringify(c));
}

export function readCaptures(): Capture[] {
  let files: string[] = [];
  try {
    files = readdirSync(CAPTURE_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(CAPTURE_DIR, f), 'utf8')) as Omit<Capture, 'file'>) }));
}

/** Fields of a stored credential document that identify rather than authenticate. */
const NOT_SECRET = /(public|(^|_)id$|Id$|region|endpoint|type|scope|expir|tenant|access_?key$|account|email|project|tailnet|created|updated|name|url|uri)/i;

/**
 * Fields of a stored document its owner is shown (the signing secret of a webhook, which the user
 * types into the tool): never in a log line or a table item, but in that user's own answer.
 */
const OWNER_VISIBLE = /^webhook_secret$/;

/** Leaf strings of a secret document worth scanning for (short ones would match by chance); owner-visible ones go to `shown`. */
export function secretStrings(doc: unknown, out: string[] = [], key = '', shown: string[] = out): string[] {
  if (typeof doc === 'string') {
    if (doc.length >= 8 && !NOT_SECRET.test(key)) (OWNER_VISIBLE.test(key) ? shown : out).push(doc);
  } else if (Array.isArray(doc)) {
    for (const v of doc) secretStrings(v, out, key, shown);
  } else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) secretStrings(v, out, k, shown);
  }
  return out;
}
