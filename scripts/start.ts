/**
 * npm start [-- --port 5080] [--data-dir .data] [--simulate]
 * Serves every route of the table on http://localhost:<port> with embedded defaults.
 */
import { parseArgs } from 'node:util';
import { config } from '../lib/config.ts';
import { log } from '../lib/log.ts';
import { startLocalRuntime, type LocalRuntime } from '../lib/local/runtime.ts';
import { LocalRuntimeError } from '../lib/local/data-dir.ts';
import { ConfigError } from '../lib/errors.ts';

const started = Date.now();
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    simulate: { type: 'boolean', default: false },
  },
});

// Command-line options win over the environment; both end up in the settings config.ts reads.
if (values.port) process.env.PORT = values.port;
if (values['data-dir']) process.env.AURORA_DATA_DIR = values['data-dir'];

// a setting the user got wrong is one line saying which, not a stack
const cfg = (() => {
  try {
    return config();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`aurora-connectors: ${e.message}\n`);
    process.exit(1);
  }
})();
// Ctrl-C at any moment, during startup too, stops what has started and exits 0.
let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  const rt = await starting.catch(() => undefined);
  await rt?.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const starting = startLocalRuntime({ port: cfg.core.port, dataDir: cfg.core.dataDir, simulate: values.simulate });
const runtime: LocalRuntime = await starting.catch((e: unknown) => {
  // what the user can fix (a busy port, a data dir another runtime holds) is one line, not a stack
  if (!(e instanceof LocalRuntimeError)) throw e;
  process.stderr.write(`aurora-connectors: ${e.message}\n`);
  process.exit(1);
});
if (!stopping) {
  log.info('aurora-connectors ready', {
    url: `http://localhost:${runtime.gateway.port}`,
    dataDir: cfg.core.dataDir,
    simulate: values.simulate,
    simulators: runtime.simulators.map((s) => s.name),
    startupMs: Date.now() - started,
  });
  for (const s of runtime.simulators) if (s.hint) log.info(s.hint({ url: `http://localhost:${runtime.gateway.port}` }));
}
