import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeSettingsBlock, settingsTable } from '../../scripts/settings-table.ts';
import { allSettings } from '../../lib/config.ts';

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');
  it('documents every setting lib/config.ts reads, and nothing else (regenerate: npm run settings -- --write)', () => {
    expect(readmeSettingsBlock(readme)).toBe(settingsTable());
    for (const s of allSettings()) expect(readme).toContain(`\`${s.name}\``);
  });
  it('gives the two commands', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });
});
