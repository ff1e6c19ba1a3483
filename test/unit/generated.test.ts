import * as z from '../../lib/zod.ts';
import { describe, expect, it } from 'vitest';
import { staleFiles } from '../../scripts/gen.ts';
import { CONNECTORS } from '../../lib/connectors/index.ts';
import type { ConnectorDef } from '../../lib/connectors/kit/define.ts';
import { CONNECTOR_IDS } from '../../lib/connectors/generated/ids.ts';
import { CONNECTOR_CLIS } from '../../lib/connectors/generated/clis.ts';
import { connectBody } from '../../lib/http/connector-connect.ts';
import { shapeCode, shapeSchema } from '../../lib/http/connector-shape.ts';
import { allSettings } from '../../lib/config.ts';

const list: readonly ConnectorDef[] = CONNECTORS;

describe('what npm run gen derives from the connector list', () => {
  it('is up to date (regenerate: npm run gen)', async () => {
    expect(await staleFiles()).toEqual([]);
  });

  it('projects the ids and CLIs in list order', () => {
    expect([...CONNECTOR_IDS]).toEqual(list.map((c) => c.id));
    expect(CONNECTOR_CLIS).toEqual(Object.fromEntries(list.map((c) => [c.id, [...c.clis]])));
  });

  it('prints each connect answer as the same schema the route table builds', () => {
    for (const c of list.filter((x) => x.connect)) {
      const printed = new Function('z', `return ${shapeCode(c.connect!.response)}`)(z) as z.ZodMiniType;
      expect(z.toJSONSchema(printed), c.id).toEqual(z.toJSONSchema(shapeSchema(c.connect!.response)));
    }
  });
});

describe('connector data', () => {
  it('every pattern is a JavaScript regular expression the browser can use, matching its example', () => {
    for (const c of list) {
      for (const f of c.fields) {
        if (!f.pattern) continue;
        const re = new RegExp(f.pattern);
        expect(f.pattern.startsWith('^') && f.pattern.endsWith('$'), `${c.id}.${f.name} is anchored`).toBe(true);
        if (f.example) expect(re.test(f.example), `${c.id}.${f.name}: ${f.example}`).toBe(true);
      }
      if (c.account.pattern) expect(() => new RegExp(c.account.pattern!)).not.toThrow();
    }
  });

  it('the connect body is exactly the form: each field validated by its own pattern, secret fields included', () => {
    for (const c of list.filter((x) => x.connect)) {
      const body = connectBody(c);
      expect(Object.keys(body.shape), c.id).toEqual(c.fields.map((f) => f.name));
      const example = Object.fromEntries(c.fields.filter((f) => f.required).map((f) => [f.name, f.example ?? 'x']));
      expect(body.safeParse(example).success, `${c.id} accepts its own examples`).toBe(true);
      expect(body.safeParse({ ...example, unknown_field: 'x' }).success).toBe(false);
      for (const f of c.fields.filter((x) => x.required)) {
        const { [f.name]: _, ...without } = example;
        expect(body.safeParse(without).success, `${c.id} needs ${f.name}`).toBe(false);
      }
    }
  });

  it('settings arrive through the list under each connector id, with its feature flag among them', () => {
    const sections = new Set(allSettings().map((s) => s.section));
    for (const c of list.filter((x) => x.settings)) expect(sections.has(c.id), c.id).toBe(true);
    for (const c of list.filter((x) => x.featureFlag)) expect(allSettings().find((s) => s.name === c.featureFlag)?.section).toBe(c.id);
  });
});
