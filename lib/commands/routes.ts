import { defineRoute } from '../http/define-route.ts';
import * as s from './schemas.ts';

export const cloudToolRoute = /* @__PURE__ */ defineRoute({
  id: 'cloudTool.run',
  method: 'POST',
  paths: ['/api/cloud_tool'],
  handler: 'functions/cloud-tool/run.ts',
  auth: 'user',
  summary:
    "Run one cloud CLI command for the caller: no shell, the caller's short-lived credentials only, read-only in Ask mode; destructive, sensitive and unknown commands first answer with a confirmation to send back",
  request: { body: s.cloudToolBody },
  responses: { 200: s.cloudToolResponse },
  errors: [400, 403, 404, 409, 410, 501, 503],
  // It never runs a CLI itself: the executor function does (executor/, lib/stacks/plan/executor.ts).
  // agents: provider kubernetes runs on the cluster's kubectl agent (lib/commands/agent-commands.ts)
  capabilities: ['table', 'secrets', 'sts', 'executor', 'agents'],
  // the longest command budget (CLOUD_TOOL_TIMEOUT_WRITE_MS, at most 28 s) within the HTTP API's 30 s
  timeoutSeconds: 29,
});

export const cancelConfirmationRoute = /* @__PURE__ */ defineRoute({
  id: 'cloudTool.cancelConfirmation',
  method: 'POST',
  paths: ['/api/cloud_tool/confirmations/{id}/cancel'],
  handler: 'functions/cloud-tool/cancel-confirmation.ts',
  auth: 'user',
  summary: 'Cancel a pending cloud_tool confirmation of the caller',
  request: { params: s.confirmationParams },
  responses: { 200: s.cancelResponse },
  errors: [400, 404, 409],
  capabilities: ['table'],
});

export const approveConfirmationRoute = /* @__PURE__ */ defineRoute({
  id: 'cloudTool.approveConfirmation',
  method: 'POST',
  paths: ['/api/cloud_tool/confirmations/{id}/approve'],
  handler: 'functions/cloud-tool/approve-confirmation.ts',
  auth: 'user',
  summary: "Approve a pending cloud_tool confirmation an agent asked for over MCP: the agent's next call with its id runs the command once. The person's own session only, never an agent token",
  request: { params: s.confirmationParams },
  responses: { 200: s.approveResponse },
  errors: [400, 403, 404, 409, 410],
  capabilities: ['table'],
});

export const openConfirmationsRoute = /* @__PURE__ */ defineRoute({
  id: 'cloudTool.openConfirmations',
  method: 'GET',
  paths: ['/api/cloud_tool/confirmations'],
  handler: 'functions/cloud-tool/open-confirmations.ts',
  auth: 'user',
  summary: "The caller's confirmations waiting to be used (pending or approved, not expired): argv, class, reason, who asked and when each expires",
  request: {},
  responses: { 200: s.openConfirmationsResponse },
  capabilities: ['table'],
});

export const recentRunsRoute = /* @__PURE__ */ defineRoute({
  id: 'cloudTool.recentRuns',
  method: 'GET',
  paths: ['/api/cloud_tool/runs'],
  handler: 'functions/cloud-tool/runs.ts',
  auth: 'user',
  summary: "The caller's most recent cloud_tool runs from the audit trail (command as audited, secrets redacted), newest first",
  request: { query: s.recentRunsQuery },
  responses: { 200: s.recentRunsResponse },
  errors: [400],
  capabilities: ['table'],
});

export const cloudToolRoutes = [cloudToolRoute, cancelConfirmationRoute, approveConfirmationRoute, openConfirmationsRoute, recentRunsRoute];
