import type * as z from '../zod.ts';
import type { FeatureFlag } from '../connectors/generated/ids.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * What a function may touch; the api stack links exactly these, and a test checks the links.
 * table: the DynamoDB table; secrets: the secret backend; workflow: start the GCP setup state
 * machine; sts: call STS AssumeRole/GetCallerIdentity; exec: run cloud CLIs (bigger timeout; only
 * the executor has it, see lib/stacks/plan/executor.ts); executor: invoke the executor function;
 * agents: send messages to kubectl agents' sockets and close them (the WebSocket management API).
 */
export type Capability = 'table' | 'secrets' | 'workflow' | 'sts' | 'exec' | 'executor' | 'agents';

export interface RouteDef {
  /** stable id, also the Lambda's logical name: "connections.list" → ConnectionsList */
  id: string;
  method: HttpMethod;
  /** first path is canonical, the rest are aliases served by the same function; `{name}` marks a parameter */
  paths: string[];
  /** handler module relative to the repository root, exporting `handler` */
  handler: string;
  /**
   * "user": needs a principal; "open": callbacks, bound to a principal by their single-use state;
   * "agent": an MCP agent token (Authorization: Bearer), which the function itself resolves
   * (lib/http/mcp-handler.ts), so no JWT authorizer stands in front of it
   */
  auth: 'user' | 'open' | 'agent';
  summary: string;
  request: {
    body?: z.core.$ZodType;
    query?: z.core.$ZodType;
    params?: z.core.$ZodType;
  };
  /** success responses by status; 302 redirects use `null` (no body) */
  responses: Record<number, z.core.$ZodType | null>;
  /** documented error statuses (for the OpenAPI document) */
  errors?: number[];
  capabilities: Capability[];
  /** feature flag that must be on, else the route answers 404 (the id of a connector with a `featureFlag`) */
  featureFlag?: FeatureFlag;
  /** Lambda timeout in seconds (default 10) */
  timeoutSeconds?: number;
  memoryMb?: number;
}
