import { section, setting, int, optUrl } from './define.ts';

/**
 * The MCP endpoint (POST /mcp, lib/mcp/): how long agent tokens live and where the person
 * approves what an agent asked for.
 */
export const mcpSection = section(
  {
    AGENT_TOKEN_DEFAULT_DAYS: setting(int(30, 1, 3650), 'MCP: lifetime of an agent token when POST /api/agent-tokens names no expires_days.'),
    AGENT_TOKEN_MAX_DAYS: setting(int(365, 1, 3650), 'MCP: the longest expires_days an agent token may be given.'),
    AGENT_TOKEN_MAX_PER_USER: setting(int(25, 1, 1000), 'MCP: agent tokens one user may hold at once (expired ones count until revoked); more answer 409.'),
    MCP_APPROVALS_URL: setting(
      optUrl(),
      'MCP: the console page where the person approves or cancels what an agent asked to run; tool results link to it with ?confirmation=<id>. Default: the Approvals page on the origin of FRONTURL.',
    ),
  },
  (v) => ({ tokenDefaultDays: v.AGENT_TOKEN_DEFAULT_DAYS, tokenMaxDays: v.AGENT_TOKEN_MAX_DAYS, tokenMaxPerUser: v.AGENT_TOKEN_MAX_PER_USER, approvalsUrl: v.MCP_APPROVALS_URL }),
);
