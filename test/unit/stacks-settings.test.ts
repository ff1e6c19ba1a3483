import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSettings } from '../../lib/config.ts';
import { coreSection } from '../../lib/config/core.ts';
import { DEFAULT_THROTTLE, SCHEDULED_JOBS, deploySettings, planApi } from '../../lib/stacks/plan/index.ts';

const root = resolve(import.meta.dirname, '../..');
const planDir = join(root, 'lib/stacks/plan');
const sources = () => readdirSync(planDir).filter((f) => f.endsWith('.ts')).map((f) => ({ file: f, text: readFileSync(join(planDir, f), 'utf8') }));

/** Every environment variable name a plan file reads: env.X, env['X'], positiveInt(env, 'X'), a job's everyMinutesSetting. */
function variablesRead(): Map<string, string> {
  const out = new Map<string, string>();
  for (const { file, text } of sources()) {
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) out.set(m[1], file);
    for (const m of text.matchAll(/\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g)) out.set(m[1], file);
    for (const m of text.matchAll(/\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g)) out.set(m[1], file);
    for (const m of text.matchAll(/\benv\[\s*([a-z][\w.]*)\s*\]/g)) out.set(`<${m[1]}>`, file);
  }
  return out;
}

describe('the deploy plan reads only declared settings', () => {
  it('every variable lib/stacks/plan reads from the deploy environment is a setting of lib/config', () => {
    const declared = new Set(allSettings().map((s) => s.name));
    const read = variablesRead();
    // computed reads: the declared-settings loop of deploySettings, and a job's schedule setting
    const computed = [...read.keys()].filter((k) => k.startsWith('<'));
    // and positiveInt's `env[key]`, whose keys are the literal names matched above
    expect(computed.sort()).toEqual(['<job.everyMinutesSetting>', '<key>', '<s.name>']);
    for (const job of SCHEDULED_JOBS) read.set(job.everyMinutesSetting, 'jobs.ts');
    const undeclared = [...read].filter(([k]) => !k.startsWith('<') && !declared.has(k)).map(([k, f]) => `${k} (${f})`);
    expect(undeclared).toEqual([]);
    expect(read.size).toBeGreaterThan(10);
  });

  it('the plan defaults are the declared defaults', () => {
    const schemaDefault = (name: 'API_THROTTLE_BURST_LIMIT' | 'API_THROTTLE_RATE_LIMIT') => (coreSection.settings[name].parse(undefined) as { value: number }).value;
    expect({ burstLimit: schemaDefault('API_THROTTLE_BURST_LIMIT'), rateLimit: schemaDefault('API_THROTTLE_RATE_LIMIT') }).toEqual(DEFAULT_THROTTLE);
  });

  it('deploy-only settings are not forwarded to the functions', () => {
    const s = deploySettings({ API_THROTTLE_BURST_LIMIT: '20', API_THROTTLE_RATE_LIMIT: '10', LOG_LEVEL: 'warn' }, allSettings());
    expect(s.shared).toEqual({ LOG_LEVEL: 'warn' });
  });

  it('CORS allows credentials, so the OAuth login routes can set the browser-binding cookie', () => {
    expect(planApi({ FRONTURL: 'https://app.example.com/chat' }, { authMode: 'jwt' }).cors.allowCredentials).toBe(true);
  });
});
