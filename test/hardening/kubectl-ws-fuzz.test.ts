import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { createClusterToken, openAgentSocket, wsUrl, type RawAgent } from '../helpers/kubectl.ts';

/**
 * The agents' WebSocket API under random and malformed messages: no route ever fails (no "Internal
 * server error" reply, no error-level log line), and the socket keeps working through all of it.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
let rt: TestRuntime;
let agent: RawAgent;

beforeAll(async () => {
  rt = await startTestRuntime();
  const t = await createClusterToken(rt, 'ws-fuzzer', { cluster_name: 'fuzz' });
  agent = await openAgentSocket(wsUrl(rt), t.token);
});
afterAll(async () => {
  agent?.close();
  await rt.close();
});

const weird = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 4 }), fc.constant('x'.repeat(5000)), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }));
const message = fc.oneof(
  fc.record({ type: fc.constantFrom('register', 'heartbeat', 'command_response', '$connect', '$disconnect', 'kubectl_command', 'x'), agent_version: weird, kubernetes_version: weird, command_id: weird, success: weird, output: weird, error: weird, return_code: weird, write_mode: weird, __proto__: weird }, { requiredKeys: ['type'] }).map((m) => JSON.stringify(m)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constantFrom('{"type":"register"', '{"type":', '[]', 'null', '{"type":"command_response","command_id":"kx-000000000000000000000000","success":true,"output":"","error":"","return_code":0}'),
);

describe('fuzzing the agents’ WebSocket routes', () => {
  it('answers every message without a route failure, and keeps the socket', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        n++;
        const from = agent.received.length;
        agent.ws.send(text);
        // the socket still works after it (routes run concurrently, so a late failure of the fuzz
        // message itself is caught by the error-level log check at the end)
        agent.send({ type: 'heartbeat' });
        const ack = await agent.type('heartbeat_ack', from).catch(() => undefined);
        const replies = agent.received.slice(from);
        expect(replies.filter((m) => m.message === 'Internal server error')).toEqual([]);
        expect(ack, `socket lost after ${text.slice(0, 200)}`).toBeDefined();
      }),
      { numRuns: RUNS, seed: 7, endOnFailure: true },
    );
    expect(agent.closed).toBeUndefined();
    expect(rt.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    console.log(`websocket fuzz: ${n} messages`);
  });
});
