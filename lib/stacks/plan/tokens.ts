/**
 * Values only known at deploy time (region, account, table ARN, state machine ARN, API URL) appear
 * in plans as `{{token}}` placeholders; the stacks substitute them with resolveTokens() once
 * Pulumi has the values. Never a secret's value: secrets reach functions as links only
 * (permissions.ts), so no token resolves to one.
 */
export const TOKENS = {
  region: '{{aws.region}}',
  account: '{{aws.account}}',
  tableName: '{{table.name}}',
  tableArn: '{{table.arn}}',
  workflowArn: '{{workflow.arn}}',
  apiUrl: '{{api.url}}',
  /** the agents' WebSocket API (stacks/websocket.ts, lib/stacks/plan/websocket.ts) */
  agentsApiExecutionArn: '{{agents.executionArn}}',
  agentsManagementEndpoint: '{{agents.managementEndpoint}}',
  agentsUrl: '{{agents.url}}',
} as const;

const TOKEN_RE = /\{\{([A-Za-z0-9_.-]+)\}\}/g;

/** "{{table.arn}}" → "table.arn": the key a stack provides a value under. */
export function tokenKey(token: string): string {
  const m = /^\{\{([A-Za-z0-9_.-]+)\}\}$/.exec(token);
  if (!m) throw new Error(`"${token}" is not a token`);
  return m[1];
}

/** The token keys (without braces) a template uses: "{{table.arn}}/index/*" → ["table.arn"]. */
export function tokensIn(template: string): string[] {
  return [...new Set([...template.matchAll(TOKEN_RE)].map((m) => m[1]))];
}

/** Replace every {{key}} with values[key]; an unknown key is an error, never an empty string. */
export function resolveTokens(template: string, values: Record<string, string>): string {
  return template.replace(TOKEN_RE, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`No value for {{${key}}} in "${template}"`);
    return v;
  });
}
