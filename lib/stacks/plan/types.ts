/**
 * What a plan is made of: one FunctionPlan per Lambda, with the permissions, links and
 * environment its capabilities justify. Plans hold no SST, Pulumi or AWS values: what is only known
 * at deploy time is a `{{token}}` (tokens.ts) the stacks substitute.
 */
import type { Capability, HttpMethod } from '../../http/route-types.ts';

export type SecretBackend = 'vault' | 'aws-secrets-manager';
export type AuthMode = 'jwt' | 'trusted-header';

export interface PermissionPlan {
  effect?: 'allow' | 'deny';
  actions: string[];
  resources: string[];
  conditions?: Array<{ test: string; variable: string; values: string[] }>;
}

export interface FunctionPlan {
  /** SST component name (also the base of the Lambda's physical name) */
  name: string;
  /** SST handler: "functions/x/y.handler" */
  handler: string;
  /** the module that exports `handler`: "functions/x/y.ts" */
  handlerFile: string;
  /** HTTP method; undefined for workflow steps */
  method?: HttpMethod;
  /** every path served by this one function (first is canonical) */
  paths: string[];
  /** API Gateway route keys: "GET /api/user_connections" */
  routeKeys: string[];
  /** "user" routes sit behind the JWT authorizer when one is configured */
  auth?: 'user' | 'open' | 'agent';
  capabilities: Capability[];
  /** names of SST components to link (sst.Secret only: linking them grants no IAM) */
  links: string[];
  permissions: PermissionPlan[];
  /** values may hold {{tokens}} */
  environment: Record<string, string>;
  /** seconds */
  timeout: number;
  /** MB */
  memory: number;
}

