import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/gcp-setup/record-failed-execution.ts';
import { callback, consent, pollSetup, startGcpLogin } from '../../lib/connectors/gcp/simulator-flow.ts';
import type { GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import { localExecution } from '../../lib/gcp-setup/local-runner.ts';
import type { TestRuntime } from '../helpers/runtime.ts';
import { useGcpRuntime } from '../helpers/gcp.ts';

/**
 * An execution that ends without reaching RecordFailure (here: aborted, as Step Functions' own
 * timeout or an operator would) leaves its task PROGRESS; the failed-execution consumer, fed the
 * EventBridge event through the failed-setup queue, makes it FAILURE with a human message
 * (issue 16). The event is the one Step Functions sends; the consumer runs as its Lambda would.
 */
let rt: TestRuntime;
let sim: GoogleSimulator;
const gcp = useGcpRuntime();
beforeAll(() => ({ rt, sim } = gcp));

/** A sample "Step Functions Execution Status Change" event, as EventBridge delivers it to the queue. */
function statusChange(taskId: string, input: Record<string, unknown>, status: 'FAILED' | 'TIMED_OUT' | 'ABORTED', extra: { error?: string; cause?: string } = {}) {
  return {
    version: '0',
    id: `evt-${taskId}`,
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: '2026-12-02T08:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:states:eu-west-1:123456789012:execution:aurora-connectors-prod-gcp-setup:${taskId}`],
    detail: {
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:aurora-connectors-prod-gcp-setup:${taskId}`,
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:aurora-connectors-prod-gcp-setup',
      name: taskId,
      status,
      startDate: 1796198400000,
      stopDate: 1796202000000,
      input: JSON.stringify(input),
      inputDetails: { included: true },
      output: null,
      error: extra.error ?? null,
      cause: extra.cause ?? null,
    },
  };
}

const sqs = (...bodies: unknown[]): SQSEvent =>
  ({ Records: bodies.map((b, i) => ({ messageId: `m${i}`, receiptHandle: `r${i}`, body: typeof b === 'string' ? b : JSON.stringify(b), attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:aurora-connectors-prod-gcp-setup-failed', awsRegion: 'eu-west-1' })) }) as SQSEvent;

/** Log in and let the setup start, then stop the execution while it is PROGRESS. */
async function stuckSetup(userId: string): Promise<{ taskId: string; input: Record<string, unknown> }> {
  // The first API enable is held unanswered, so the execution is running, in PROGRESS, when it is
  // stopped, however fast or slow the machine.
  const enabling = sim.hold({ path: /services:batchEnable$/ });
  const cb = await callback(rt.url, await consent(await startGcpLogin(rt.url, userId)));
  const taskId = new URL(cb.location!).searchParams.get('task_id')!;
  await enabling.reached;
  const exec = localExecution(taskId)!;
  exec.abort();
  await exec.done;
  // the held call fails for good (403), so the stopped step ends without writing anything more
  enabling.release(403);
  expect(exec.status).toBe('ABORTED');
  const stuck = await rt.request('GET', `/gcp/setup/status/${taskId}`, { user: userId });
  expect(stuck.body).toMatchObject({ state: 'PROGRESS', complete: false });
  return { taskId, input: { user_id: userId, task_id: taskId, account_id: 'sim-user@example.com', selected_project_ids: [] } };
}

describe('the failed-execution consumer', () => {
  it('an aborted execution: the task becomes FAILURE with a human message, the connection error', async () => {
    const { taskId, input } = await stuckSetup('stuck-user');
    const res = await handler(sqs(statusChange(taskId, input, 'ABORTED')));
    expect(res).toEqual({ batchItemFailures: [] });
    const status = await rt.request('GET', `/gcp/setup/status/${taskId}`, { user: 'stuck-user' });
    expect(status.body).toMatchObject({ state: 'FAILURE', complete: true, error: true, status: 'GCP setup was stopped before it finished. Please try connecting again.' });
    const conns = await rt.request('GET', '/api/user_connections', { user: 'stuck-user' });
    expect(conns.body[0]).toMatchObject({ provider: 'gcp', status: 'error', status_reason: 'GCP setup was stopped before it finished. Please try connecting again.' });
    // a redelivery changes nothing
    expect(await handler(sqs(statusChange(taskId, input, 'TIMED_OUT')))).toEqual({ batchItemFailures: [] });
    expect((await rt.request('GET', `/gcp/setup/status/${taskId}`, { user: 'stuck-user' })).body.status).toBe('GCP setup was stopped before it finished. Please try connecting again.');
  });

  it('timed out and States.Runtime failures read as such; a step error keeps its own message', async () => {
    const timedOut = await stuckSetup('timeout-user');
    await handler(sqs(statusChange(timedOut.taskId, timedOut.input, 'TIMED_OUT')));
    expect((await rt.request('GET', `/gcp/setup/status/${timedOut.taskId}`, { user: 'timeout-user' })).body).toMatchObject({ state: 'FAILURE', status: 'GCP setup took too long and was stopped. Please try connecting again.' });

    const runtime = await stuckSetup('runtime-user');
    await handler(sqs(statusChange(runtime.taskId, runtime.input, 'FAILED', { error: 'States.Runtime', cause: "An error occurred while executing the state 'EnableApis'. The JSONPath '$.projects.project_ids' could not be found in the input '{\"user_id\":\"runtime-user\"}'" })));
    const r = (await rt.request('GET', `/gcp/setup/status/${runtime.taskId}`, { user: 'runtime-user' })).body;
    expect(r).toMatchObject({ state: 'FAILURE', status: 'GCP setup failed. Please try connecting again.' });
    // the execution's own error text (paths, input) never reaches the user
    expect(JSON.stringify(r)).not.toContain('JSONPath');

    const step = await stuckSetup('step-user');
    await handler(sqs(statusChange(step.taskId, step.input, 'FAILED', { error: 'Gcp.Failed', cause: JSON.stringify({ errorType: 'Gcp.Failed', errorMessage: 'Could not record the setup failure' }) })));
    expect((await rt.request('GET', `/gcp/setup/status/${step.taskId}`, { user: 'step-user' })).body).toMatchObject({ state: 'FAILURE', status: 'Could not record the setup failure' });
  });

  it('never overwrites a finished setup, and drops what it cannot read or does not know without failing the batch', async () => {
    const cb = await callback(rt.url, await consent(await startGcpLogin(rt.url, 'done-user')));
    const taskId = new URL(cb.location!).searchParams.get('task_id')!;
    const statuses = await pollSetup(rt.url, 'done-user', taskId, { intervalMs: 2 });
    expect(statuses.at(-1)).toMatchObject({ state: 'SUCCESS' });
    const input = { user_id: 'done-user', task_id: taskId, account_id: 'sim-user@example.com', selected_project_ids: [] };
    const res = await handler(
      sqs(
        statusChange(taskId, input, 'FAILED', { error: 'States.Timeout' }),
        'not json',
        statusChange('00000000-0000-4000-8000-000000000000', { ...input, task_id: '00000000-0000-4000-8000-000000000000' }, 'FAILED'),
        // an execution name that is not the input's task: another user's task is never touched
        statusChange(taskId, { ...input, user_id: 'intruder', task_id: 'other' }, 'ABORTED'),
        { ...statusChange(taskId, input, 'FAILED'), source: 'aws.events' },
      ),
    );
    expect(res).toEqual({ batchItemFailures: [] });
    expect((await rt.request('GET', `/gcp/setup/status/${taskId}`, { user: 'done-user' })).body).toMatchObject({ state: 'SUCCESS' });
    expect(rt.logs.filter((l) => l.includes('failed setup execution')).length).toBeGreaterThanOrEqual(5);
  });
});
