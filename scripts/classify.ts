/**
 * Classifies cloud_tool commands without running them.
 *
 *   printf 'gcp\tgcloud compute instances list\n' | npm run --silent classify
 *
 * Input: one `<provider><TAB><command>` per line (blank lines are skipped). Output: one JSON
 * object per input line, `{"class": "...", "reason": "..."}`, in input order.
 */
import { createInterface } from 'node:readline';
import { classifyCommand } from '../lib/commands/service.ts';

async function classifyLine(line: string): Promise<{ class: string; reason: string }> {
  const tab = line.indexOf('\t');
  if (tab < 0) return { class: 'rejected', reason: 'expected <provider><TAB><command>' };
  const { class: cls, reason } = await classifyCommand(line.slice(0, tab).trim(), line.slice(tab + 1));
  return { class: cls, reason };
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const raw of rl) {
  // Tolerate CRLF files: the terminator is not part of the command.
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') continue;
  process.stdout.write(JSON.stringify(await classifyLine(line)) + '\n');
}
