import * as z from '../zod.ts';

/**
 * The JSON-RPC messages POST /mcp reads and the params of the four requests it answers, in the
 * shapes @modelcontextprotocol/sdk 1.32 checks them with (its dist/esm/types.js), which is what
 * MCP clients were written against: the same shapes accept and refuse the same messages, and
 * where the SDK answered a zod error (a request whose params do not fit, lib/mcp/protocol.ts
 * `dispatch`) they give the same issues. Written on zod mini like every other schema
 * (docs/schemas.md).
 */

/** "an object": what the SDK's capability flags are (its AssertObjectSchema) */
const anObject = /* @__PURE__ */ z.deferred(() => z.custom<object>((v) => v !== null && (typeof v === 'object' || typeof v === 'function')));
const requestId = /* @__PURE__ */ z.deferred(() => z.union([z.string(), z.number().check(z.int())]));
const meta = /* @__PURE__ */ z.deferred(() => z.looseObject({ progressToken: z.optional(requestId), 'io.modelcontextprotocol/related-task': z.optional(z.object({ taskId: z.string() })) }));
const base = { _meta: /* @__PURE__ */ z.deferred(() => z.optional(meta)) };
const task = /* @__PURE__ */ z.deferred(() => z.object({ ttl: z.optional(z.number()) }));

const jsonrpc = /* @__PURE__ */ z.deferred(() => z.literal('2.0'));
const request = /* @__PURE__ */ z.deferred(() => z.strictObject({ jsonrpc, id: requestId, method: z.string(), params: z.optional(z.looseObject(base)) }));
const notification = /* @__PURE__ */ z.deferred(() => z.strictObject({ jsonrpc, method: z.string(), params: z.optional(z.looseObject(base)) }));
const result = /* @__PURE__ */ z.deferred(() => z.strictObject({ jsonrpc, id: requestId, result: z.looseObject(base) }));
const error = /* @__PURE__ */ z.deferred(() => z.strictObject({ jsonrpc, id: z.optional(requestId), error: z.object({ code: z.number().check(z.int()), message: z.string(), data: z.optional(z.unknown()) }) }));

/** One JSON-RPC message, in either direction; anything else is refused whole (400). */
export const jsonRpcMessage = /* @__PURE__ */ z.deferred(() => z.union([request, notification, result, error]));
export type JsonRpcRequest = z.infer<typeof request>;
export type JsonRpcMessage = z.infer<typeof jsonRpcMessage>;
export const isRequest = (m: JsonRpcMessage): m is JsonRpcRequest => 'id' in m && 'method' in m;

/** params that ask for a task (`task: {ttl?}`), which this server does not create */
export const taskParams = /* @__PURE__ */ z.deferred(() => z.object({ ...base, task: z.optional(task) }));

const icon = /* @__PURE__ */ z.deferred(() => z.object({ src: z.string(), mimeType: z.optional(z.string()), sizes: z.optional(z.array(z.string())), theme: z.optional(z.enum(['light', 'dark'])) }));
const implementation = /* @__PURE__ */ z.deferred(() => z.object({ name: z.string(), title: z.optional(z.string()), icons: z.optional(z.array(icon)), version: z.string(), websiteUrl: z.optional(z.string()), description: z.optional(z.string()) }));
// an empty elicitation capability means form elicitation (a 2025-06-18 client sends `{}`)
const elicitation = /* @__PURE__ */ z.deferred(() => z.pipe(
  z.transform((v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? { form: {} } : v)),
  z.intersection(
    z.object({ form: z.optional(z.intersection(z.object({ applyDefaults: z.optional(z.boolean()) }), z.record(z.string(), z.unknown()))), url: z.optional(anObject) }),
    z.optional(z.record(z.string(), z.unknown())),
  ),
));
const clientTasks = /* @__PURE__ */ z.deferred(() => z.looseObject({
  list: z.optional(anObject),
  cancel: z.optional(anObject),
  requests: z.optional(z.looseObject({ sampling: z.optional(z.looseObject({ createMessage: z.optional(anObject) })), elicitation: z.optional(z.looseObject({ create: z.optional(anObject) })) })),
}));
const clientCapabilities = /* @__PURE__ */ z.deferred(() => z.object({
  experimental: z.optional(z.record(z.string(), anObject)),
  sampling: z.optional(z.object({ context: z.optional(anObject), tools: z.optional(anObject) })),
  elicitation: z.optional(elicitation),
  roots: z.optional(z.object({ listChanged: z.optional(z.boolean()) })),
  tasks: z.optional(clientTasks),
  extensions: z.optional(z.record(z.string(), anObject)),
}));

/** A request of one method as its handler reads it (jsonrpc and id are not part of it). */
const of = <M extends string, P extends z.ZodMiniType>(method: M, params: P) => z.object({ method: z.literal(method), params });

export const initializeRequest = /* @__PURE__ */ z.deferred(() => of('initialize', z.object({ ...base, protocolVersion: z.string(), capabilities: clientCapabilities, clientInfo: implementation })));
export const pingRequest = /* @__PURE__ */ z.deferred(() => of('ping', z.optional(z.object(base))));
export const listToolsRequest = /* @__PURE__ */ z.deferred(() => of('tools/list', z.optional(z.object({ ...base, cursor: z.optional(z.string()) }))));
export const callToolRequest = /* @__PURE__ */ z.deferred(() => of('tools/call', z.object({ ...base, task: z.optional(task), name: z.string(), arguments: z.optional(z.record(z.string(), z.unknown())) })));
