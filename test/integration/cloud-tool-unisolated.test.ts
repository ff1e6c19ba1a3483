import { dirname, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { listAudit } from '../../lib/connections/repo.ts';
import { SCALEWAY_FIXTURES as SCW } from '../../lib/connectors/scaleway/simulator.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * A machine where the executor cannot build its sandbox (here: bubblewrap pointed at a path where
 * there is none). The runtime says so in one line at start, and cloud_tool refuses to run CLIs,
 * unless CLOUD_TOOL_UNISOLATED=allow says to run them anyway, which the runtime also says.
 */

const FAKE = resolve('test/fixtures/fake-cli');
let rt: TestRuntime | undefined;

afterEach(async () => {
  await rt?.close();
  rt = undefined;
  delete process.env.CLOUD_TOOL_UNISOLATED;
  delete process.env.CLOUD_TOOL_BWRAP;
});

async function start(env: Record<string, string>) {
  rt = await startTestRuntime({ simulate: true, env: { CLOUD_TOOL_PATH: `${FAKE}:${dirname(process.execPath)}`, CLOUD_TOOL_BWRAP: '/nonexistent/bwrap', ...env } });
  expect((await rt.request('POST', '/scaleway_api/scaleway/connect', { user: 'una', body: { access_key: SCW.validKey.accessKey, secret_key: SCW.validKey.secretKey } })).status).toBe(200);
  return rt;
}

const warnings = (t: TestRuntime) => t.logs.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'warn' && l.msg.startsWith('cloud_tool'));

describe('no isolation on this machine', () => {
  it('says so in one line at start, and refuses to run CLIs', async () => {
    const t = await start({});
    expect(t.runtime.executor.isolation).toBe('refused');
    expect(warnings(t).map((w) => w.msg)).toEqual(['cloud_tool will not run CLIs: no isolation on this machine (bubblewrap is not at /nonexistent/bwrap); set CLOUD_TOOL_UNISOLATED=allow to run them anyway']);
    const r = await t.request('POST', '/api/cloud_tool', { user: 'una', body: { provider: 'scaleway', command: 'scw instance server list' } });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('executor_unavailable');
    expect(r.body.error.message).toMatch(/no isolation on this machine .*CLOUD_TOOL_UNISOLATED=allow/);
    const audit = (await listAudit(deps().db, 'una')).filter((a) => a.action === 'cloud_tool.run');
    expect(audit.map((a) => a.detail!.outcome)).toEqual(['executor_unavailable']);
  });

  it('CLOUD_TOOL_UNISOLATED=allow runs them without a sandbox, and says so', async () => {
    const t = await start({ CLOUD_TOOL_UNISOLATED: 'allow' });
    expect(t.runtime.executor.isolation).toBe('none');
    expect(warnings(t).map((w) => w.msg)).toEqual(['cloud_tool runs CLIs WITHOUT isolation (CLOUD_TOOL_UNISOLATED=allow): bubblewrap is not at /nonexistent/bwrap']);
    const r = await t.request('POST', '/api/cloud_tool', { user: 'una', body: { provider: 'scaleway', command: 'scw instance server list' } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.output.fake).toBe(true);
    const audit = (await listAudit(deps().db, 'una')).filter((a) => a.action === 'cloud_tool.run').pop()!;
    expect(audit.detail).toMatchObject({ outcome: 'completed', isolation: 'none' });
  });
});
