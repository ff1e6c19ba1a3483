/**
 * npm run settings [-- --write]: the README's settings table, generated from lib/config.ts so the
 * two can't drift (test/unit/readme.test.ts compares them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allSettings } from '../lib/config.ts';

export function settingsTable(): string {
  const rows = allSettings().map((s) => `| \`${s.name}\` | ${s.section} | ${s.description.replace(/\|/g, '\\|')}${s.secret ? ' **Secret.**' : ''} |`);
  return ['| Setting | Area | What it does |', '|---|---|---|', ...rows].join('\n');
}

const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

export function readmeSettingsBlock(readme: string): string | undefined {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  return a >= 0 && b > a ? readme.slice(a + START.length, b).trim() : undefined;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  if (process.argv.includes('--write')) {
    const readme = readFileSync('README.md', 'utf8');
    const a = readme.indexOf(START);
    const b = readme.indexOf(END);
    writeFileSync('README.md', `${readme.slice(0, a + START.length)}\n${settingsTable()}\n${readme.slice(b)}`);
  } else {
    process.stdout.write(settingsTable() + '\n');
  }
}
