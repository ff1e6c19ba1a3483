import type * as z from 'zod';
import type { Deps } from '../deps.ts';
import { AppError, BadRequestError, ForbiddenError, ProviderAuthError } from '../errors.ts';
import { writeAudit } from '../connections/repo.ts';
import { log } from '../log.ts';
import { analyzeCommand } from './classify.ts';
import { parseCommand } from './parse.ts';
import { cancelConfirmation, checkConfirmation, consumeConfirmation, createConfirmation, runHash } from './confirmations.ts';
import { childCredentials } from './credentials.ts';
import { findBinary, returnCode, runProcess, withTempHome, writeHomeFile, type RunResult } from './execute.ts';
import { displayCommand, redactArgv, shapeOutput } from './output.ts';
import { applyScope } from './scope.ts';
import { selectConnection, selectProvider } from './select-provider.ts';
import type { cloudToolBody, confirmationResponse, runResponse, COMMAND_CLASSES } from './schemas.ts';

type Input = z.output<typeof cloudToolBody>;
type RunResponse = z.output<typeof runResponse>;
type ConfirmationResponse = z.output<typeof confirmationResponse>;
type CommandClass = (typeof COMMAND_CLASSES)[number];

/** Classes that run only after the user confirmed this exact command. */
const NEEDS_CONFIRMATION: ReadonlySet<CommandClass> = new Set(['destructive', 'sensitive', 'unknown']);

/**
 * POST /api/cloud_tool. Pipeline (design §9): provider → parse and classify (the classifier also
 * checks the program belongs to the provider) → policy (Ask: read only; Agent: read and write run,
 * the rest needs a confirmation bound to this exact run) → connection and project scope → the
 * user's short-lived credentials in a fresh HOME → spawn without a shell, timeout, output cap →
 * audit → result.
 */
export async function runCloudTool(d: Deps, userId: string, input: Input): Promise<RunResponse | ConfirmationResponse> {
  const parsed = parseCommand(input.command);
  const provider = await selectProvider(d, userId, input.provider, parsed.ok ? parsed.argv[0] : undefined);

  const analysis = analyzeCommand(provider, input.command);
  if (analysis.class === 'rejected' || !analysis.argv?.length) {
    throw new BadRequestError(`Command rejected: ${analysis.reason}`, { code: 'command_rejected', field: 'command' });
  }
  const cls = analysis.class as CommandClass;
  if (input.mode === 'ask' && cls !== 'read') {
    const detail = cls === 'write' || cls === 'destructive' ? '' : `: only read commands run in Ask mode, and this one is ${cls} (${analysis.reason})`;
    throw new ForbiddenError(`Write operations not allowed in Ask mode${detail}`, {
      code: 'write_not_allowed_in_ask_mode',
      field: 'mode',
      extra: { classification: cls, reason: analysis.reason },
    });
  }

  const cfg = d.config.commands;
  const connection = await selectConnection(d, userId, provider, input.selected_project_id);
  const scoped = applyScope(analysis.argv, input.selected_project_id);
  const program = scoped.argv[0];
  const file = findBinary(program, cfg.path);
  if (!file) throw new AppError(501, 'cli_not_installed', `${program} is not installed on this runtime`, { expose: true });

  const command = displayCommand(scoped.argv);
  const needsConfirmation = NEEDS_CONFIRMATION.has(cls);
  const use = { userId, provider, argvHash: runHash({ provider, accountId: connection.accountId, argv: scoped.argv, env: scoped.env }), id: input.confirmation_id ?? '', nowMs: d.now() };
  if (needsConfirmation && !input.confirmation_id) {
    const c = await createConfirmation(d.db, { userId, provider, argvHash: use.argvHash, classification: cls, ttlSeconds: cfg.confirmationTtlSeconds, nowMs: use.nowMs });
    return { requires_confirmation: true, confirmation_id: c.id, provider, account_id: connection.accountId, command, classification: cls, reason: analysis.reason, expires_at: c.expiresAt };
  }
  // Check before minting (clear errors, no wasted STS call); spend it only once credentials exist.
  if (needsConfirmation) await checkConfirmation(d.db, use);

  const timeoutMs = cls === 'read' ? cfg.timeoutMs.read : cfg.timeoutMs.write;
  const started = Date.now();
  return withTempHome(cfg.workDir, async (home) => {
    const creds = await childCredentials({ d, userId, connection, readOnly: input.mode === 'ask', binary: program }, home, cfg.path);
    for (const f of creds.files) await writeHomeFile(home, f.path, f.content);
    const env = { ...creds.env, ...scoped.env };
    if (needsConfirmation) await consumeConfirmation(d.db, { ...use, nowMs: d.now() });

    const audit = (r: RunResult | null, extra: Record<string, unknown> = {}) =>
      writeAudit(d.db, {
        userId,
        action: 'cloud_tool.run',
        provider,
        accountId: connection.accountId,
        detail: {
          argv: redactArgv(scoped.argv),
          classification: cls,
          mode: input.mode,
          exitCode: r ? returnCode(r) : null,
          timedOut: r?.timedOut ?? false,
          durationMs: Date.now() - started,
          ...(needsConfirmation ? { confirmationId: input.confirmation_id } : {}),
          ...extra,
        },
      });

    for (const step of creds.prepare) {
      const stepFile = findBinary(step.argv[0], cfg.path);
      if (!stepFile) throw new AppError(501, 'cli_not_installed', `${step.argv[0]} is not installed on this runtime`, { expose: true });
      const r = await runProcess({ file: stepFile, args: step.argv.slice(1), env, cwd: home, timeoutMs: remaining(started, timeoutMs), killGraceMs: cfg.killGraceMs, maxChars: 2000 });
      if (r.timedOut || r.exitCode !== 0) {
        await audit(r, { failedStep: step.what });
        // The step's own output can echo its arguments; it goes nowhere.
        log.warn('cloud_tool preparation step failed', { provider, step: step.what, returnCode: returnCode(r), timedOut: r.timedOut });
        throw new ProviderAuthError(`${step.what} failed for this ${provider} connection${r.timedOut ? ' (timed out)' : ''}; check the connection or reconnect`, {
          code: 'cli_login_failed',
          status: r.timedOut ? 504 : 401,
          expose: true,
        });
      }
    }

    const r = await runProcess({ file, args: scoped.argv.slice(1), env, cwd: home, timeoutMs: remaining(started, timeoutMs), killGraceMs: cfg.killGraceMs, maxChars: cfg.maxOutputChars });
    if (r.spawnError) {
      await audit(r, { spawnError: r.spawnError });
      throw new AppError(501, 'cli_not_installed', `${program} could not be started on this runtime (${r.spawnError})`, { expose: true });
    }
    await audit(r);
    const code = returnCode(r);
    log.info('cloud_tool run', { provider, program, classification: cls, mode: input.mode, returnCode: code, timedOut: r.timedOut, ms: r.durationMs });
    const shaped = shapeOutput(r, creds.secrets, cfg.maxOutputChars, r.timedOut ? `[command stopped: it ran longer than ${Math.round(timeoutMs / 1000)} s, the limit for ${cls} commands]` : undefined);
    return {
      success: code === 0,
      provider,
      account_id: connection.accountId,
      command,
      return_code: code,
      output: shaped.output,
      stderr: shaped.stderr,
      classification: cls,
      truncated: shaped.truncated,
      timed_out: r.timedOut,
      duration_ms: r.durationMs,
    };
  });
}

export async function cancelCloudToolConfirmation(d: Deps, userId: string, id: string): Promise<void> {
  await cancelConfirmation(d.db, userId, id, d.now());
}

/** Preparation steps and the command share one budget: the class timeout. */
function remaining(started: number, timeoutMs: number): number {
  return Math.max(100, timeoutMs - (Date.now() - started));
}
