import * as z from 'zod';

/** The shapes of GET|POST /api/proxy/{connector}/{path+}. */
export const proxyParams = z.object({ connector: z.string().min(1).max(64), path: z.string() });

export const proxyResponse = z.object({
  connector: z.string(),
  account_id: z.string(),
  /** the tool's status code (a 4xx of the tool is its answer, not ours) */
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
  truncated: z.boolean(),
});
