import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { createHash, randomBytes } from 'node:crypto';
import type * as z from '../zod.ts';
import type { Deps } from '../deps.ts';
import { AppError, BadRequestError, ForbiddenError, ProviderAuthError } from '../errors.ts';
import { writeAudit } from '../connections/repo.ts';
import type { Connection } from '../connections/types.ts';
import type { ProviderId } from '../connectors/generated/ids.ts';
import { log } from '../log.ts';
import { EXECUTOR_CONTRACT_VERSION, EXECUTOR_OWNED_ENV, HOME_PLACEHOLDER, type ExecRequest, type ExecResult } from '../../executor/contract.ts';
import { analyzeCommand, loadCommandPolicies, type AnalysisClass } from './classify.ts';
import { isProviderId } from './binaries.ts';
import { parseCommand } from './parse.ts';
import { checkConfirmation, consumeConfirmation, createConfirmation, runHash, type Requester } from './confirmations.ts';
import { childCredentials } from './credentials.ts';
import { apiCommandSet, type ApiCommandSet, type ApiVerb } from './api-commands.ts';
import { agentRunner, type AgentRunner } from './agent-commands.ts';
import { execute, returnCode } from './execute.ts';
import { displayCommand, redactArgv, shapeOutput } from './output.ts';
import { applyScope } from './scope.ts';
import { selectConnection, selectProviderInContext } from './select-provider.ts';
import { recallSession, rememberSession } from './sessions.ts';
import type { cloudToolBody, confirmationResponse, runResponse, COMMAND_CLASSES } from './schemas.ts';

type Input = z.output<typeof cloudToolBody>;
type RunResponse = z.output<typeof runResponse>;
type ConfirmationResponse = z.output<typeof confirmationResponse>;
type CommandClass = (typeof COMMAND_CLASSES)[number];

/** Classes that run only after the user confirmed this exact command. */
const NEEDS_CONFIRMATION: ReadonlySet<CommandClass> = new Set(['destructive', 'sensitive', 'unknown']);

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** What was decided before anything runs: the class, the exact argv, how it will run. */
interface Plan {
  cls: CommandClass;
  reason: string;
  argv: string[];
  /** variables the scope adds (scw's default project) */
  scopeEnv: Record<string, string>;
  /** an API verb (Tailscale) instead of a CLI */
  api?: { set: ApiCommandSet; verb: ApiVerb };
}

/**
 * POST /api/cloud_tool (design §9). Here: provider → parse and classify (the classifier also
 * checks the program belongs to the provider) → policy (Ask: read only; Agent: read and write
 * run, the rest needs a confirmation bound to this exact run) → connection and project scope →
 * the caller's short-lived credentials → the executor runs the CLI (executor/contract.ts; this
 * function never spawns anything) → audit → result. Providers whose commands are served from the
 * provider's API (Tailscale: its CLI would drive this machine's own daemon) take the same policy
 * and audit, and call the API with the caller's token instead.
 */
export async function runCloudTool(d: Deps, userId: string, input: Input, caller: Requester = { kind: 'user' }): Promise<RunResponse | ConfirmationResponse> {
  const parsed = parseCommand(input.command);
  const session = input.session_id && input.provider === undefined ? await recallSession(d.db, userId, input.session_id, d.now()) : null;
  const choice = await selectProviderInContext(d, userId, input.provider, parsed.ok ? parsed.argv[0] : undefined, session);
  const r = await runOn(d, userId, input, caller, choice.provider, choice.by === 'session' ? session?.accountId : undefined);
  // only a command that worked sets the session's context: a failed one says nothing about where the user works
  if (input.session_id && !('requires_confirmation' in r) && r.success) {
    await rememberSession(d.db, userId, input.session_id, { provider: r.provider, accountId: r.account_id }, d.config.commands.sessionTtlSeconds, d.now());
  }
  return { ...r, provider_selected_by: choice.by };
}

async function runOn(d: Deps, userId: string, input: Input, caller: Requester, provider: ProviderId, sessionAccount: string | undefined): Promise<RunResponse | ConfirmationResponse> {
  const plan = await classifyFor(provider, input.command, input.selected_project_id);

  if (input.mode === 'ask' && plan.cls !== 'read') {
    const detail = plan.cls === 'write' || plan.cls === 'destructive' ? '' : `: only read commands run in Ask mode, and this one is ${plan.cls} (${plan.reason})`;
    throw new ForbiddenError(`Write operations not allowed in Ask mode${detail}`, {
      code: 'write_not_allowed_in_ask_mode',
      field: 'mode',
      extra: { classification: plan.cls, reason: plan.reason },
    });
  }

  const cfg = d.config.commands;
  const runner = await agentRunner(provider);
  const connection = runner ? await runner.select(d, userId, input) : await selectConnection(d, userId, provider, input.selected_project_id, sessionAccount);
  const command = displayCommand(plan.argv);
  const needsConfirmation = NEEDS_CONFIRMATION.has(plan.cls);
  // An agent (MCP) may not confirm its own command: the person approves it first (confirmations.ts).
  const use = { userId, provider, argvHash: runHash({ provider, accountId: connection.accountId, argv: plan.argv, env: plan.scopeEnv }), id: input.confirmation_id ?? '', nowMs: d.now(), requireApproval: caller.kind === 'agent' };
  if (needsConfirmation && !input.confirmation_id) {
    const argv = redactArgv(plan.argv);
    const c = await createConfirmation(d.db, {
      userId,
      provider,
      argvHash: use.argvHash,
      classification: plan.cls,
      ttlSeconds: cfg.confirmationTtlSeconds,
      nowMs: use.nowMs,
      argv,
      command: displayCommand(argv),
      reason: plan.reason,
      accountId: connection.accountId,
      requestedBy: caller,
    });
    return { requires_confirmation: true, confirmation_id: c.id, provider, account_id: connection.accountId, command, argv, classification: plan.cls, reason: plan.reason, expires_at: c.expiresAt };
  }
  // Check before minting (clear errors, no wasted STS call); spend it only once credentials exist.
  if (needsConfirmation) await checkConfirmation(d.db, use);

  const timeoutMs = plan.cls === 'read' ? cfg.timeoutMs.read : cfg.timeoutMs.write;
  const started = Date.now();
  const ctx: RunContext = { d, userId, provider, connection, input, plan, needsConfirmation, started, use };
  if (plan.api) return runApiVerb(ctx, plan.api);
  if (runner) return runOnAgent(ctx, runner, timeoutMs);

  const creds = await childCredentials({ d, userId, connection, readOnly: input.mode === 'ask', binary: plan.argv[0] }, HOME_PLACEHOLDER, []);
  const env = Object.fromEntries(Object.entries({ ...creds.env, ...plan.scopeEnv }).filter(([k]) => !(EXECUTOR_OWNED_ENV as readonly string[]).includes(k)));
  if (needsConfirmation) await consumeConfirmation(d.db, { ...use, nowMs: d.now() });
  const req: ExecRequest = {
    version: EXECUTOR_CONTRACT_VERSION,
    runId: `run_${randomBytes(12).toString('base64url')}`,
    argv: plan.argv,
    env,
    files: creds.files.map((f) => ({ path: f.path, content: f.content, expandHome: true })),
    prepare: creds.prepare,
    timeoutMs: remaining(started, timeoutMs),
    killGraceMs: cfg.killGraceMs,
    // characters are returned; ANSI codes are removed later and UTF-8 takes up to 4 bytes each
    maxOutputBytes: cfg.maxOutputChars * 8,
  };
  let r: ExecResult;
  try {
    r = await execute(d, req);
  } catch (e) {
    await audit(ctx, { outcome: 'executor_unavailable' });
    throw e;
  }
  const program = plan.argv[0];
  if (r.status === 'unavailable') {
    await audit(ctx, { outcome: 'executor_unavailable', isolation: r.isolation });
    log.warn('cloud_tool executor refused the run', { provider, program, reason: r.reason });
    throw new AppError(503, 'executor_unavailable', `cloud_tool cannot run commands here: ${r.reason}`, { expose: true });
  }
  if (r.status === 'not_installed') {
    await audit(ctx, { outcome: 'cli_not_installed', isolation: r.isolation });
    throw new AppError(501, 'cli_not_installed', `${r.program} is not installed on this runtime`, { expose: true });
  }
  if (r.status === 'prepare_failed') {
    await audit(ctx, { outcome: 'prepare_failed', failedStep: r.what, exitCode: r.exitCode, timedOut: r.timedOut, isolation: r.isolation });
    // The step's own output can echo its arguments; it goes nowhere.
    log.warn('cloud_tool preparation step failed', { provider, step: r.what, exitCode: r.exitCode, timedOut: r.timedOut });
    throw new ProviderAuthError(`${r.what} failed for this ${provider} connection${r.timedOut ? ' (timed out)' : ''}; check the connection or reconnect`, {
      code: 'cli_login_failed',
      status: r.timedOut ? 504 : 401,
      expose: true,
    });
  }
  const code = returnCode(r);
  await audit(ctx, {
    outcome: 'completed',
    exitCode: code,
    timedOut: r.timedOut,
    durationMs: r.durationMs,
    outputSha256: r.stdout.sha256,
    stderrSha256: r.stderr.sha256,
    isolation: r.isolation,
    ...(r.survivors ? { survivorsKilled: r.survivors } : {}),
  });
  log.info('cloud_tool run', { provider, program, classification: plan.cls, mode: input.mode, returnCode: code, timedOut: r.timedOut, ms: r.durationMs, executorMs: r.executorMs, isolation: r.isolation, survivors: r.survivors });
  const shaped = shapeOutput(r, creds.secrets, cfg.maxOutputChars, r.timedOut ? `[command stopped: it ran longer than ${Math.round(timeoutMs / 1000)} s, the limit for ${plan.cls} commands]` : undefined);
  return {
    success: code === 0,
    provider,
    account_id: connection.accountId,
    command,
    return_code: code,
    output: shaped.output,
    stderr: shaped.stderr,
    classification: plan.cls,
    truncated: shaped.truncated,
    timed_out: r.timedOut,
    duration_ms: r.durationMs,
  };
}

/**
 * The class cloud_tool gives a command for a provider, and why, without running it: the CLI's
 * grammar and argument rules, or the provider's API verbs (`npm run classify`).
 */
export async function classifyCommand(provider: string, command: string): Promise<{ class: AnalysisClass; reason: string }> {
  if (!isProviderId(provider)) return analyzeCommand(provider, command);
  try {
    const plan = await classifyFor(provider, command, undefined);
    return { class: plan.cls, reason: plan.reason };
  } catch (e) {
    if (e instanceof BadRequestError) return { class: 'rejected', reason: e.message.replace(/^Command rejected: /, '') };
    throw e;
  }
}

/** The class and exact argv of a command, from the CLI's grammar or the provider's API verbs. */
async function classifyFor(provider: ProviderId, command: string, selected: string | undefined): Promise<Plan> {
  const set = await apiCommandSet(provider);
  if (set) {
    const parsed = parseCommand(command);
    if (!parsed.ok) throw new BadRequestError(`Command rejected: Rejected command syntax: ${parsed.reason}`, { code: 'command_rejected', field: 'command' });
    const verb = set.resolve(parsed.argv);
    if (!verb.ok) throw new BadRequestError(`Command rejected: ${verb.reason}`, { code: 'command_rejected', field: 'command' });
    return { cls: verb.verb.class, reason: verb.verb.reason, argv: parsed.argv, scopeEnv: {}, api: { set, verb: verb.verb } };
  }
  await loadCommandPolicies(provider);
  const analysis = analyzeCommand(provider, command);
  if (analysis.class === 'rejected' || !analysis.argv?.length) {
    throw new BadRequestError(`Command rejected: ${analysis.reason}`, { code: 'command_rejected', field: 'command' });
  }
  const scoped = applyScope(analysis.argv, selected);
  return { cls: analysis.class as CommandClass, reason: analysis.reason, argv: scoped.argv, scopeEnv: scoped.env };
}

interface RunContext {
  d: Deps;
  userId: string;
  provider: ProviderId;
  connection: Connection;
  input: Input;
  plan: Plan;
  needsConfirmation: boolean;
  started: number;
  use: { userId: string; provider: ProviderId; argvHash: string; id: string; nowMs: number };
}

/**
 * One audit item per run, whatever happened: argv with the values of secret-bearing arguments
 * redacted, class and why, who approved it (confirmations are bound to their user, so the
 * approver is the caller who sent the confirmation back) and the outcome, with the SHA-256 of
 * everything the command printed rather than the output itself.
 */
function audit(ctx: RunContext, outcome: Record<string, unknown>): Promise<void> {
  return writeAudit(ctx.d.db, {
    userId: ctx.userId,
    action: 'cloud_tool.run',
    provider: ctx.provider,
    accountId: ctx.connection.accountId,
    detail: {
      argv: redactArgv(ctx.plan.argv),
      classification: ctx.plan.cls,
      reason: ctx.plan.reason,
      mode: ctx.input.mode,
      approvedBy: ctx.needsConfirmation ? ctx.userId : null,
      ...(ctx.needsConfirmation ? { confirmationId: ctx.input.confirmation_id } : {}),
      exitCode: null,
      timedOut: false,
      durationMs: Date.now() - ctx.started,
      ...outcome,
    },
  });
}

/** An API verb (Tailscale): the caller's token, the provider's API, the same policy and audit. */
async function runApiVerb(ctx: RunContext, api: NonNullable<Plan['api']>): Promise<RunResponse> {
  const { d, userId, provider, connection, input, plan } = ctx;
  if (ctx.needsConfirmation) await consumeConfirmation(d.db, { ...ctx.use, nowMs: d.now() });
  const t0 = Date.now();
  let out: { ok: boolean; status: number; body: unknown };
  try {
    out = await api.set.run({ d, userId, connection, readOnly: input.mode === 'ask' }, api.verb);
  } catch (e) {
    await audit(ctx, { outcome: 'provider_error', error: e instanceof AppError ? e.code : 'error' });
    throw e;
  }
  const text = JSON.stringify(out.body ?? null);
  const code = out.ok ? 0 : 1;
  const durationMs = Date.now() - t0;
  await audit(ctx, { outcome: 'completed', exitCode: code, durationMs, httpStatus: out.status, outputSha256: sha256(text), isolation: 'api' });
  log.info('cloud_tool api verb', { provider, verb: api.verb.name, classification: plan.cls, mode: input.mode, status: out.status, ms: durationMs });
  return {
    success: out.ok,
    provider,
    account_id: connection.accountId,
    command: displayCommand(plan.argv),
    return_code: code,
    output: out.body ?? null,
    stderr: out.ok ? '' : `${api.set.displayName} API answered HTTP ${out.status}`,
    classification: plan.cls,
    truncated: false,
    timed_out: false,
    duration_ms: durationMs,
  };
}

/** An agent-run provider (Kubernetes): the final argv goes to the agent, with the same policy and audit. */
async function runOnAgent(ctx: RunContext, runner: AgentRunner, timeoutMs: number): Promise<RunResponse> {
  const { d, userId, provider, connection, input, plan } = ctx;
  if (ctx.needsConfirmation) await consumeConfirmation(d.db, { ...ctx.use, nowMs: d.now() });
  let r: Awaited<ReturnType<AgentRunner['run']>>;
  try {
    r = await runner.run(d, userId, connection, plan.argv, remaining(ctx.started, timeoutMs));
  } catch (e) {
    await audit(ctx, { outcome: 'agent_unavailable', error: e instanceof AppError ? e.code : 'error' });
    throw e;
  }
  const text = typeof r.output === 'string' ? r.output : JSON.stringify(r.output);
  await audit(ctx, { outcome: r.refused_by_agent ? 'refused_by_agent' : 'completed', exitCode: r.return_code, timedOut: r.timed_out, durationMs: r.duration_ms, outputSha256: sha256(text), stderrSha256: sha256(r.stderr), isolation: 'agent' });
  log.info('cloud_tool agent run', { provider, classification: plan.cls, mode: input.mode, returnCode: r.return_code, refusedByAgent: r.refused_by_agent, ms: r.duration_ms });
  return {
    success: r.success,
    provider,
    account_id: connection.accountId,
    command: displayCommand(plan.argv),
    return_code: r.return_code,
    output: r.output,
    stderr: r.stderr,
    classification: plan.cls,
    truncated: r.truncated,
    timed_out: r.timed_out,
    duration_ms: r.duration_ms,
  };
}

/** Preparation steps and the command share one budget: the class timeout. */
function remaining(started: number, timeoutMs: number): number {
  return Math.max(100, timeoutMs - (Date.now() - started));
}
