import * as z from '../zod.ts';
import type { Shape, ShapeField } from '../connectors/kit/define.ts';

/**
 * A response shape described as data (a connector's `connect.response`) as a zod schema, built at
 * run time for the route table (OpenAPI, the gateway) and printed as code for the connector's
 * generated connect entry (scripts/gen.ts), whose bundle then holds only the zod types it uses.
 * test/unit/generated.test.ts checks that both give the same JSON schema.
 */
const field = (v: Shape[string]): ShapeField => (typeof v === 'string' ? { type: v } : v);

function valueSchema(v: Shape[string]): z.ZodMiniType {
  const f = field(v);
  let s: z.ZodMiniType =
    typeof f.const === 'string' ? z.enum([f.const]) : typeof f.const === 'boolean' ? z.literal(f.const) : f.type === 'integer' ? z.int() : f.type === 'boolean' ? z.boolean() : f.type === 'string[]' ? z.array(z.string()) : z.string();
  if (f.nullable) s = z.nullable(s);
  if (f.optional) s = z.optional(s);
  return s;
}

export function shapeSchema(shape: Shape) {
  return z.object(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, valueSchema(v)])));
}

function valueCode(v: Shape[string]): string {
  const f = field(v);
  let s =
    typeof f.const === 'string' ? `z.enum([${JSON.stringify(f.const)}])` : typeof f.const === 'boolean' ? `z.literal(${f.const})` : f.type === 'integer' ? 'z.int()' : f.type === 'boolean' ? 'z.boolean()' : f.type === 'string[]' ? 'z.array(z.string())' : 'z.string()';
  if (f.nullable) s = `z.nullable(${s})`;
  if (f.optional) s = `z.optional(${s})`;
  return s;
}

/** The same schema as source code (`z` in scope). */
export function shapeCode(shape: Shape): string {
  return `z.object({ ${Object.entries(shape).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${valueCode(v)}`).join(', ')} })`;
}
