/**
 * Deploy plan of cloud_tool's executor (design §9), applied by stacks/executor.ts: its own Lambda,
 * a container image built from executor/Dockerfile (the pinned cloud CLIs), whose role may write
 * its own logs and nothing else and whose environment holds none of the service's settings: no
 * table, no secret backend, no Vault token, no settings forwarded from the deploy environment.
 * `cloudTool.run` gets the `executor` capability instead of `exec`: the name of that function and
 * lambda:InvokeFunction on it, nothing more.
 *
 * Pure data, like lib/stacks-plan.ts and lib/stacks/plan/web.ts: deploy-time values are {{tokens}} the
 * stack resolves.
 */
import type { PermissionPlan } from './types.ts';

export const EXECUTOR_TOKENS = {
  arn: '{{executor.arn}}',
  functionName: '{{executor.name}}',
} as const;

export interface ExecutorPlan {
  /** SST/Pulumi component name */
  name: string;
  /** physical Lambda name: the log group is derived from it */
  functionName: string;
  image: { context: '.'; dockerfile: string; platform: 'linux/amd64' };
  architecture: 'x86_64';
  /** seconds: the longest cloud_tool budget (28 s), the kill grace and the clean-up */
  timeout: number;
  memory: number;
  /** MB of /tmp: the runs' HOMEs and whatever the CLIs cache there (wiped after each run) */
  ephemeralStorageMb: number;
  logGroup: string;
  /** exactly: write its own log streams */
  permissions: PermissionPlan[];
  /** nothing of the service (see the module comment); the image sets PATH itself */
  environment: Record<string, string>;
}

export const EXECUTOR_COMPONENT = 'CloudToolExecutor';

export function planExecutor(app: string, stage: string): ExecutorPlan {
  const functionName = `${app}-${stage}-${EXECUTOR_COMPONENT}`;
  if (functionName.length > 64) throw new Error(`Executor function name "${functionName}" is longer than Lambda's 64 characters: use a shorter stage name`);
  const logGroup = `/aws/lambda/${functionName}`;
  return {
    name: EXECUTOR_COMPONENT,
    functionName,
    image: { context: '.', dockerfile: 'executor/Dockerfile', platform: 'linux/amd64' },
    architecture: 'x86_64',
    timeout: 30,
    memory: 2048,
    ephemeralStorageMb: 2048,
    logGroup,
    permissions: [{ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`arn:aws:logs:{{aws.region}}:{{aws.account}}:log-group:${logGroup}:*`] }],
    environment: {},
  };
}

/** What the `executor` capability adds to a function: whom to invoke, and the right to invoke only it. */
export function executorCapability(): { environment: Record<string, string>; permissions: PermissionPlan[] } {
  return {
    environment: { CLOUD_TOOL_EXECUTOR_FUNCTION: EXECUTOR_TOKENS.arn },
    permissions: [{ actions: ['lambda:InvokeFunction'], resources: [EXECUTOR_TOKENS.arn] }],
  };
}

/** "{{executor.arn}}" → "executor.arn": the key the stack provides the value under. */
export function tokenKeyOf(token: string): string {
  return token.replace(/^\{\{|\}\}$/g, '');
}
