import { section, setting, oneOf, str, optStr, int } from './define.ts';

/**
 * cloud_tool: where the cloud CLIs live, how long they may run and how much they may print.
 * The time budgets must fit inside the function's own limit (29 s for exec routes, because API
 * Gateway gives up at 30 s), with room for the kill grace period and clean-up.
 */
export const commandsSection = section(
  {
    CLOUD_TOOL_PATH: setting(
      str('/opt/bin:/usr/local/bin:/usr/bin:/bin'),
      'cloud_tool, local runtime: colon-separated directories holding the cloud CLIs (gcloud, gsutil, bq, kubectl, aws, az, scw, ovhcloud) and what they need (python, node). The local executor looks binaries up only there, gives the CLIs exactly this PATH and exposes these directories (and what their programs resolve to) read-only inside its sandbox; the service\'s own PATH is never used. Deployed, the CLIs are those of the executor image.',
    ),
    CLOUD_TOOL_EXECUTOR_FUNCTION: setting(optStr(), 'cloud_tool, deployed: name or ARN of the executor Lambda (executor/Dockerfile) that runs the CLIs; cloudTool.run invokes it synchronously. Set by the stacks.'),
    CLOUD_TOOL_EXECUTOR_SOCKET: setting(optStr(), 'cloud_tool, local runtime: unix socket of the executor process the runtime starts (executor/daemon.ts). Set by the local runtime.'),
    CLOUD_TOOL_UNISOLATED: setting(
      oneOf(['refuse', 'allow'], 'refuse'),
      'cloud_tool, local runtime on a machine without Linux namespaces or bubblewrap: "allow" runs the CLIs without a sandbox (the service says so at start); otherwise cloud_tool refuses to run them.',
    ),
    CLOUD_TOOL_BWRAP: setting(optStr(), 'cloud_tool, local runtime: path of bubblewrap, which builds the sandbox of each run. Default: bwrap in /usr/bin, /usr/local/bin or /bin.'),
    CLOUD_TOOL_WORK_DIR: setting(optStr(), 'cloud_tool, unisolated runs only: directory under which each run gets its fresh temporary HOME (mode 0700, removed after the run). Default: the system temp dir. Sandboxed runs get a tmpfs HOME.'),
    CLOUD_TOOL_TIMEOUT_READ_MS: setting(int(15000, 100, 28000), 'cloud_tool: time budget of a read command (milliseconds): credential minting, preparation and the run itself; then its whole process group is stopped.'),
    CLOUD_TOOL_TIMEOUT_WRITE_MS: setting(
      int(24000, 100, 28000),
      'cloud_tool: time budget of a write, destructive, sensitive or unknown command (milliseconds): credential minting, preparation such as `az login` and the run itself.',
    ),
    CLOUD_TOOL_KILL_GRACE_MS: setting(int(1500, 0, 10000), 'cloud_tool: after a timeout, how long the process group gets between SIGTERM and SIGKILL (milliseconds).'),
    CLOUD_TOOL_MAX_OUTPUT_CHARS: setting(int(50000, 1000, 1000000), 'cloud_tool: characters of output returned per stream; longer output is cut and ends with a truncation note.'),
    CLOUD_TOOL_CONFIRMATION_TTL_SECONDS: setting(int(300, 5, 3600), 'cloud_tool: how long a confirmation for a destructive, sensitive or unknown command stays valid (seconds).'),
    CLOUD_TOOL_SESSION_TTL_SECONDS: setting(
      int(3600, 60, 604800),
      'cloud_tool: how long a session_id remembers the provider and account its last successful command ran on, which a provider-less command of that session then prefers to the preference order (seconds).',
    ),
  },
  (v) => ({
    path: v.CLOUD_TOOL_PATH.split(':').filter((p) => p.startsWith('/')),
    executorFunction: v.CLOUD_TOOL_EXECUTOR_FUNCTION,
    executorSocket: v.CLOUD_TOOL_EXECUTOR_SOCKET,
    unisolated: v.CLOUD_TOOL_UNISOLATED,
    bwrap: v.CLOUD_TOOL_BWRAP,
    workDir: v.CLOUD_TOOL_WORK_DIR,
    timeoutMs: { read: v.CLOUD_TOOL_TIMEOUT_READ_MS, write: v.CLOUD_TOOL_TIMEOUT_WRITE_MS },
    killGraceMs: v.CLOUD_TOOL_KILL_GRACE_MS,
    maxOutputChars: v.CLOUD_TOOL_MAX_OUTPUT_CHARS,
    confirmationTtlSeconds: v.CLOUD_TOOL_CONFIRMATION_TTL_SECONDS,
    sessionTtlSeconds: v.CLOUD_TOOL_SESSION_TTL_SECONDS,
  }),
);
