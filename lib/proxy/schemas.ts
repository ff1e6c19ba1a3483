import * as z from '../zod.ts';

/** The shapes of GET|POST /api/proxy/{connector}/{path+}. */
export const proxyParams = /* @__PURE__ */ z.deferred(() => z.object({ connector: z.string().check(z.minLength(1), z.maxLength(64)), path: z.string() }));

export const proxyResponse = /* @__PURE__ */ z.deferred(() => z.object({
  connector: z.string(),
  account_id: z.string(),
  /** the tool's status code (a 4xx of the tool is its answer, not ours) */
  status: z.int(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
  truncated: z.boolean(),
}));
