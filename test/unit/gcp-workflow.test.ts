import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allStates, setupDefinition, stepHandlerFile, taskSteps, withResources } from '../../lib/gcp-setup/definition.ts';
import { workflowSteps } from '../../lib/gcp-setup/steps-index.ts';
import { STEP_ERRORS } from '../../lib/gcp-setup/errors.ts';

const require = createRequire(import.meta.url);
const validate = require('asl-validator') as (def: unknown, opts?: { checkPaths?: boolean; checkArn?: boolean }) => { isValid: boolean; errorsText(sep?: string): string };

describe('the GCP setup state machine (lib/gcp-setup/state-machine.asl.json)', () => {
  const def = setupDefinition();

  it('is valid JSONPath ASL as written (placeholders) and once the function ARNs are in', () => {
    const raw = validate(structuredClone(def));
    expect(raw.isValid, raw.errorsText('\n')).toBe(true);
    const deployed = withResources(def, (step) => `arn:aws:lambda:eu-west-1:123456789012:function:aurora-prod-GcpSetupStep${step}`);
    expect(JSON.stringify(deployed)).not.toMatch(/\$\{/);
    const v = validate(structuredClone(deployed));
    expect(v.isValid, v.errorsText('\n')).toBe(true);
    expect(def.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it('names a handler file for every Task, and each exports `handler`', async () => {
    const steps = new Set(taskSteps(def).values());
    expect([...steps].sort()).toEqual(workflowSteps.map((s) => s.name).sort());
    for (const s of workflowSteps) {
      expect(s.handler).toBe(stepHandlerFile(s.name));
      expect(existsSync(s.handler), s.handler).toBe(true);
      const mod = (await import(`../../${s.handler}`)) as { handler?: unknown };
      expect(typeof mod.handler, s.handler).toBe('function');
    }
    expect(stepHandlerFile('CreateServiceAccounts')).toBe('functions/gcp-setup/create-service-accounts.ts');
  });

  it('passes ids between states, never a token or a credential', () => {
    // every field a state passes on, and every path it reads
    const passed: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k !== 'Comment') passed.push(k, typeof x === 'string' && x.startsWith('$') ? x : '');
        walk(x);
      }
    };
    walk(JSON.parse(readFileSync('lib/gcp-setup/state-machine.asl.json', 'utf8')));
    expect(passed.filter((k) => /token|secret|credential|password|key/i.test(k))).toEqual([]);
    expect(passed).toContain('user_id.$');
  });

  it('retries only on the stable error names the steps throw, and catches everything into RecordFailure', () => {
    const names = new Set<string>();
    for (const [name, s] of allStates(def)) {
      for (const r of (s.Retry ?? []) as Array<{ ErrorEquals: string[] }>) for (const e of r.ErrorEquals) names.add(e);
      if (s.Type === 'Task' && name !== 'RecordFailure' && def.States[name]) {
        expect((s.Catch as Array<{ Next: string }>)?.[0]?.Next, name).toBe('RecordFailure');
      }
      if (s.Type === 'Map') {
        expect((s.Catch as Array<{ Next: string }>)?.[0]?.Next, name).toBe('RecordFailure');
        expect(s.MaxConcurrency, name).toBeGreaterThan(0);
      }
    }
    for (const n of names) expect(n.startsWith('Gcp.') ? (STEP_ERRORS as readonly string[]).includes(n) : /^(Lambda\.|States\.)/.test(n), n).toBe(true);
  });

  it('checks propagation first at once, then through a Wait/Choice loop', () => {
    const states = Object.fromEntries(allStates(def));
    expect((states.VerifyPropagation as unknown as { ItemProcessor: { StartAt: string } }).ItemProcessor.StartAt).toBe('VerifyAccess');
    expect(states.WaitVerify).toMatchObject({ Type: 'Wait', SecondsPath: '$.verify.wait_seconds', Next: 'VerifyAccess' });
    expect(states.VerifyDone).toMatchObject({ Type: 'Choice', Default: 'WaitVerify' });
  });
});
