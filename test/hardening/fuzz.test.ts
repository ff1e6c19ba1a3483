import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes.ts';
import type { RouteDef } from '../../lib/http/route-types.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * Property-based fuzzing of every route that takes a JSON body, path parameters or (open
 * callbacks) a query: random and malformed bodies, wrong types, huge strings, prototype-pollution
 * keys, unicode and control characters. Property: never a 5xx, always the error envelope on 4xx,
 * and Object.prototype untouched.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ simulate: true, env: { FEATURE_FLAG_OVH_ENABLED: 'true', FEATURE_FLAG_SLACK_ENABLED: 'true' } });
});
afterAll(async () => rt.close());

const shapeKeys = (r: RouteDef) => Object.keys((r.request.body as unknown as { shape?: object })?.shape ?? {});

const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.constant('x'.repeat(20000)),
  fc.constant('\u0000\u202e\ud83d\ude00'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 8 }),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
  fc.constantFrom('gcp', 'aws', 'ovh-eu', 'arn:aws:iam::123456789012:role/x', 'SCWABCDEFGHIJKLMNOPQ', '00000000-0000-0000-0000-000000000000', '../../etc/passwd'),
);

function bodyArb(r: RouteDef): fc.Arbitrary<string> {
  const keys = [...shapeKeys(r), '__proto__', 'constructor', 'prototype', 'userId'];
  const shaped = fc.dictionary(fc.constantFrom(...keys), weird, { maxKeys: keys.length }).map((o) => JSON.stringify(o));
  const polluting = fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', `{"${shapeKeys(r)[0] ?? 'a'}":1,"__proto__":{"isAdmin":true}}`);
  const malformed = fc.oneof(fc.string(), fc.constantFrom('{', '[', '{"a":', 'null', '""', '[]', '1e309', '{"a":1}{"b":2}'));
  return fc.oneof(shaped, shaped, polluting, malformed, fc.jsonValue().map((v) => JSON.stringify(v)));
}

function pathArb(r: RouteDef): fc.Arbitrary<string> {
  const template = r.paths[0];
  const names = [...template.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]);
  if (!names.length) return fc.constant(template);
  return fc
    .array(fc.oneof(fc.string({ minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.constant('x'.repeat(3000)), fc.constantFrom('gcp', 'aws', '%00', '..', '__proto__')), { minLength: names.length, maxLength: names.length })
    .map((vals) => names.reduce((p, n, i) => p.replace(new RegExp(`\\{${n}\\+?\\}`), encodeURIComponent(vals[i])), template))
    // a value of "." or ".." (raw or %2E) is resolved by the client into another path altogether, not this route's
    .filter((p) => new URL(p, 'http://x').pathname === p);
}

function queryArb(): fc.Arbitrary<string> {
  return fc
    .dictionary(fc.constantFrom('code', 'state', 'error', 'account_id', 'userId', '__proto__'), fc.oneof(fc.string(), fc.constant('x'.repeat(5000))), { maxKeys: 4 })
    .map((q) => new URLSearchParams(q as Record<string, string>).toString());
}

const targets = routes.filter((r) => r.request.body || /\{/.test(r.paths[0]) || r.auth === 'open');
const counts: Record<string, number> = {};

describe('fuzzing every route with a body, path parameters or an open query', () => {
  it.each(targets.map((r) => [r.id, r] as const))('%s: never a 5xx, always the envelope', async (_id, r) => {
    counts[r.id] = 0;
    await fc.assert(
      fc.asyncProperty(pathArb(r), r.request.body ? bodyArb(r) : fc.constant(undefined), r.auth === 'open' ? queryArb() : fc.constant(''), async (path, body, query) => {
        counts[r.id]++;
        const res = await rt.request(r.method, query ? `${path}?${query}` : path, { user: 'fuzzer', rawBody: body, headers: body === undefined ? {} : { 'content-type': 'application/json' } });
        if (res.status >= 500) throw new Error(`${r.method} ${path} → ${res.status}: ${res.text.slice(0, 300)} (body ${String(body).slice(0, 200)})`);
        if (res.status >= 400) {
          expect(typeof res.body?.error?.code).toBe('string');
          expect(typeof res.body?.error?.message).toBe('string');
          expect(res.text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack traces
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      }),
      { numRuns: RUNS, seed: 42, endOnFailure: true },
    );
  });

  afterAll(() => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`fuzz: ${total} cases over ${Object.keys(counts).length} routes — ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  });
});
