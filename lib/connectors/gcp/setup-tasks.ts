import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '../../db/dynamodb.ts';
import type { Db } from '../../db/client.ts';
import { epochSeconds, isConditionalCheckFailed, isExpired, nowIso } from '../../db/client.ts';
import { userPk } from '../../connections/repo.ts';

/**
 * The setup task record (kept with the connector, which starts the setup; the workflow in
 * lib/gcp-setup/ moves it along): one item per execution under the owner's partition
 * (`USER#<uid>` / `GCPTASK#<id>`), so reading another user's task is simply not finding it.
 * Steps of the parallel Maps record finished projects in a string set (idempotent under retries)
 * and the "(2/5 projects)" message and the percentage are computed when the record is read.
 */
export const TASK_STATES = ['PENDING', 'STARTED', 'PROGRESS', 'SUCCESS', 'FAILURE', 'NEEDS_SELECTION'] as const;
export type TaskState = (typeof TASK_STATES)[number];
const TERMINAL: TaskState[] = ['SUCCESS', 'FAILURE', 'NEEDS_SELECTION'];

export interface StepDef {
  label: string;
  from: number;
  to: number;
  perProject?: boolean;
  /** only part of a setup whose task record says so (`orgPolicy`); otherwise hidden from the numbering */
  optIn?: 'orgPolicy';
}

export const STEPS: StepDef[] = [
  { label: 'Validating projects and billing', from: 0, to: 10 },
  { label: 'Selecting the root project', from: 10, to: 15 },
  { label: 'Enabling required APIs', from: 15, to: 45, perProject: true },
  { label: 'Creating service accounts', from: 45, to: 55 },
  { label: 'Granting IAM roles', from: 55, to: 70, perProject: true },
  { label: 'Updating the domain-restricted sharing policy', from: 70, to: 72, perProject: true, optIn: 'orgPolicy' },
  { label: 'Verifying permission propagation', from: 72, to: 95, perProject: true },
  { label: 'Finalizing', from: 95, to: 100 },
];
/** Internal step numbers (the order the record moves through); the payload numbers only the steps the task runs. */
export const STEP = { projects: 1, root: 2, apis: 3, accounts: 4, roles: 5, orgPolicy: 6, verify: 7, finalize: 8 } as const;
const LAST_STEP = STEPS.length;

/** Steps a task shows: an opt-in step counts only when the setup that created the record runs it. */
function visibleSteps(t: Pick<TaskItem, 'orgPolicy'>): number[] {
  return STEPS.map((s, i) => (s.optIn === 'orgPolicy' && !t.orgPolicy ? 0 : i + 1)).filter((n) => n > 0);
}

const TASK_TTL_DAYS = 30;
const key = (userId: string, taskId: string) => ({ pk: userPk(userId), sk: `GCPTASK#${taskId}` });

export interface SetupResult {
  propagation_status: 'FULL' | 'PARTIAL';
  verified_projects: number;
  total_projects: number;
  /** present only when the org-policy opt-in ran: what was changed where (for the user's audit) */
  org_policy?: OrgPolicyOutcome;
}

export interface OrgPolicyOutcome {
  constraint: string;
  /** the project-level override set: `allowAll` on the constraint */
  change: string;
  updated: number;
  updated_projects: string[];
  failed: Array<{ project_id: string; reason: string }>;
}

export interface EligibleProject {
  project_id: string;
  name: string;
}

export interface TaskView {
  state: TaskState;
  status: string;
  complete: boolean;
  progress: number;
  step: number;
  total_steps: number;
  propagation?: { status: 'VERIFYING' | 'FULL' | 'PARTIAL'; verified_projects: number; total_projects: number };
  result?: SetupResult;
  error?: boolean;
  eligible_projects?: EligibleProject[];
}

export async function createTask(db: Db, input: { userId: string; accountId: string; selected?: string[] }, nowMs = Date.now()): Promise<string> {
  const taskId = randomUUID();
  await db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        ...key(input.userId, taskId),
        kind: 'gcp_setup_task',
        owner: input.userId,
        taskId,
        accountId: input.accountId,
        state: 'PENDING',
        step: 0,
        message: 'Setup queued',
        selected: input.selected?.length ? input.selected : undefined,
        createdAt: nowIso(),
        updatedAt: nowIso(),
        expiresAt: epochSeconds(nowMs) + TASK_TTL_DAYS * 86400,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return taskId;
}

async function updateTask(db: Db, userId: string, taskId: string, expr: { set: string[]; remove?: string[]; add?: string; condition: string; values: Record<string, unknown> }): Promise<boolean> {
  const update = `SET ${[...expr.set, 'updatedAt = :now'].join(', ')}${expr.add ? ` ADD ${expr.add}` : ''}${expr.remove?.length ? ` REMOVE ${expr.remove.join(', ')}` : ''}`;
  const condition = `attribute_exists(pk) AND ${expr.condition}`;
  // DynamoDB refuses names the expressions do not use
  const names = Object.fromEntries(Object.entries({ '#state': 'state', '#step': 'step' }).filter(([k]) => update.includes(k) || condition.includes(k)));
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key(userId, taskId),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...expr.values, ':now': nowIso() },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return false;
    throw e;
  }
}

const notTerminal = 'NOT #state IN (:t1, :t2, :t3)';
const terminalValues = { ':t1': TERMINAL[0], ':t2': TERMINAL[1], ':t3': TERMINAL[2] };

/** PENDING → STARTED once the execution is running (a no-op if a step already moved it on). */
export function markStarted(db: Db, userId: string, taskId: string): Promise<boolean> {
  return updateTask(db, userId, taskId, { set: ['#state = :started', 'message = :msg'], condition: '#state = :pending', values: { ':started': 'STARTED', ':pending': 'PENDING', ':msg': 'Setup started' } });
}

/**
 * Move the task forward to `step` (never back): the parallel iterations of one Map all call this,
 * the first one advances and clears the finished-project set, the others change nothing.
 */
export function startStep(db: Db, userId: string, taskId: string, step: number, projectCount = 0): Promise<boolean> {
  return updateTask(db, userId, taskId, {
    set: ['#state = :progress', '#step = :step', 'units = :units'],
    remove: ['done'],
    condition: `${notTerminal} AND #step < :step`,
    values: { ':progress': 'PROGRESS', ':step': step, ':units': projectCount, ...terminalValues },
  });
}

/** One project finished the current per-project step (idempotent: a set of project ids). */
export function markProjectDone(db: Db, userId: string, taskId: string, step: number, projectId: string): Promise<boolean> {
  return updateTask(db, userId, taskId, { set: [], add: 'done :p', condition: `${notTerminal} AND #step = :step`, values: { ':p': new Set([projectId]), ':step': step, ...terminalValues } });
}

export function markNeedsSelection(db: Db, userId: string, taskId: string, eligible: EligibleProject[], max: number): Promise<boolean> {
  return updateTask(db, userId, taskId, {
    set: ['#state = :s', 'message = :msg', 'eligible = :e'],
    condition: notTerminal,
    values: { ':s': 'NEEDS_SELECTION', ':msg': `${eligible.length} projects have billing enabled: choose up to ${max} to configure`, ':e': eligible, ...terminalValues },
  });
}

export function markSucceeded(db: Db, userId: string, taskId: string, result: SetupResult, message: string): Promise<boolean> {
  return updateTask(db, userId, taskId, { set: ['#state = :s', 'message = :msg', 'setupResult = :r', '#step = :last'], condition: notTerminal, values: { ':s': 'SUCCESS', ':msg': message, ':r': result, ':last': LAST_STEP, ...terminalValues } });
}

/** The first step found the org-policy opt-in on: the task shows that step from now on. */
export function markOrgPolicyPlanned(db: Db, userId: string, taskId: string): Promise<boolean> {
  return updateTask(db, userId, taskId, { set: ['orgPolicy = :on'], condition: notTerminal, values: { ':on': true, ...terminalValues } });
}

/** What the org-policy step changed, kept on the record until Finalize puts it into the result. */
export function recordOrgPolicyOutcome(db: Db, userId: string, taskId: string, outcome: OrgPolicyOutcome): Promise<boolean> {
  return updateTask(db, userId, taskId, { set: ['orgPolicyOutcome = :o'], condition: notTerminal, values: { ':o': outcome, ...terminalValues } });
}

export function markFailed(db: Db, userId: string, taskId: string, message: string): Promise<boolean> {
  return updateTask(db, userId, taskId, { set: ['#state = :s', 'message = :msg'], condition: notTerminal, values: { ':s': 'FAILURE', ':msg': message, ...terminalValues } });
}

export interface TaskItem {
  owner: string;
  taskId: string;
  accountId: string;
  state: TaskState;
  step: number;
  units?: number;
  done?: Set<string>;
  message?: string;
  setupResult?: SetupResult;
  eligible?: EligibleProject[];
  /** the setup runs the org-policy opt-in step */
  orgPolicy?: boolean;
  orgPolicyOutcome?: OrgPolicyOutcome;
}

export async function getTask(db: Db, userId: string, taskId: string, nowMs = Date.now()): Promise<TaskItem | null> {
  const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key(userId, taskId), ConsistentRead: true }));
  if (!r.Item || isExpired(r.Item as { expiresAt?: number }, nowMs) || r.Item.owner !== userId) return null;
  return r.Item as TaskItem;
}

/** The payload of GET /gcp/setup/status/{task_id}, computed from the record. */
export function toTaskView(t: TaskItem): TaskView {
  const shown = visibleSteps(t);
  const total = shown.length;
  // a hidden step's number maps to the last shown step before it
  const shownStep = t.step <= 0 ? t.step : shown.filter((n) => n <= t.step).length;
  const base = { total_steps: total, step: shownStep };
  const done = t.done?.size ?? 0;
  const units = t.units ?? 0;
  switch (t.state) {
    case 'PENDING':
    case 'STARTED':
      return { ...base, state: t.state, status: t.message ?? 'Setup queued', complete: false, progress: 0 };
    case 'PROGRESS': {
      const def = STEPS[t.step - 1] ?? STEPS[0];
      const share = def.perProject && units > 0 ? Math.min(1, done / units) : 0;
      const view: TaskView = {
        ...base,
        state: 'PROGRESS',
        status: def.perProject && units > 0 ? `${def.label} (${Math.min(done, units)}/${units} projects)` : def.label,
        complete: false,
        progress: Math.round(def.from + (def.to - def.from) * share),
      };
      if (t.step === STEP.verify) view.propagation = { status: 'VERIFYING', verified_projects: done, total_projects: units };
      return view;
    }
    case 'SUCCESS': {
      const r = t.setupResult!;
      return { ...base, step: total, state: 'SUCCESS', status: t.message ?? 'GCP setup complete', complete: true, progress: 100, result: r, propagation: { status: r.propagation_status, verified_projects: r.verified_projects, total_projects: r.total_projects } };
    }
    case 'FAILURE':
      return { ...base, state: 'FAILURE', status: t.message ?? 'GCP setup failed', complete: true, error: true, progress: STEPS[t.step - 1]?.from ?? 0 };
    case 'NEEDS_SELECTION':
      return { ...base, state: 'NEEDS_SELECTION', status: t.message ?? 'Choose the projects to configure', complete: true, progress: STEPS[0].to, eligible_projects: t.eligible ?? [] };
  }
}
