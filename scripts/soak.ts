/**
 * `npm run soak [-- --runs 10] [--busy 1] [--keep-going]`: the README's test command, again and
 * again, while `--busy` other processes each keep a core busy (a spin loop), as a loaded CI machine
 * or a laptop building something else would. Prints each run's wall time and its closing
 * "N passed, N failed" line, then a summary. Stops at the first failing run (its full output is kept
 * in a file whose path is printed) unless --keep-going. This is how the suite's "never flakes" bar
 * is shown (docs/testing.md); it is not part of `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, busy: { type: 'string', default: '1' }, 'keep-going': { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const busy = Number(values.busy);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
if (!Number.isInteger(busy) || busy < 0) throw new Error('--busy must be 0 or more');

const spinners: ChildProcess[] = Array.from({ length: busy }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopSpinners = () => spinners.forEach((s) => s.kill('SIGKILL'));
process.on('exit', stopSpinners);
process.on('SIGINT', () => process.exit(130));

const logDir = mkdtempSync(join(tmpdir(), 'aurora-soak-'));

function once(n: number): Promise<{ code: number; seconds: number; counts: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn('npm', ['test', '--silent'], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (out += d.toString()));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const counts = [...out.matchAll(/^(\d+ passed, \d+ failed.*)$/gm)].pop()?.[1] ?? 'no count line';
      if (code !== 0) writeFileSync(join(logDir, `run-${n}.log`), out);
      resolve({ code: code ?? 1, seconds, counts });
    });
  });
}

const results: Array<{ code: number; seconds: number }> = [];
for (let n = 1; n <= runs; n++) {
  const r = await once(n);
  results.push(r);
  const load = loadavg()[0].toFixed(2);
  console.log(`run ${n}/${runs}: ${r.code === 0 ? 'green' : `FAILED (exit ${r.code}, output in ${join(logDir, `run-${n}.log`)})`} in ${r.seconds.toFixed(0)} s, load ${load}: ${r.counts}`);
  if (r.code !== 0 && !values['keep-going']) break;
}
const green = results.filter((r) => r.code === 0).length;
const times = results.map((r) => r.seconds).sort((a, b) => a - b);
console.log(`${green} of ${results.length} runs green with ${busy} core(s) kept busy; wall time min ${times[0].toFixed(0)} s, median ${times[Math.floor(times.length / 2)].toFixed(0)} s, max ${times[times.length - 1].toFixed(0)} s`);
stopSpinners();
process.exit(green === results.length && results.length === runs ? 0 : 1);
