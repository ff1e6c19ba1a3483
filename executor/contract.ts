import * as z from '../lib/zod.ts';

/**
 * The one contract between `cloudTool.run` (which decides what may run and mints the caller's
 * short-lived credentials) and the executor (which runs it and holds nothing else). The same JSON
 * travels over the local executor's unix socket and as the deployed executor Lambda's payload,
 * and both sides validate it. A change that an older peer would misread gets a new version.
 *
 * The executor chooses the run's HOME (a tmpfs inside the sandbox locally, a fresh directory
 * under /tmp deployed), so paths inside HOME are written with the `{HOME}` placeholder: it is
 * replaced in `env` values and in the content of files marked `expandHome`. PATH, HOME and TMPDIR
 * are the executor's own (its CLI directories and the run's HOME); a request cannot set them.
 */

export const EXECUTOR_CONTRACT_VERSION = 1;
export const HOME_PLACEHOLDER = '{HOME}';

/** Variables only the executor sets (the CLI directories, the run's HOME, its network plumbing). */
export const EXECUTOR_OWNED_ENV = ['PATH', 'HOME', 'TMPDIR', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'] as const;

const PROGRAM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const runId = /* @__PURE__ */ z.deferred(() => z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a run id')));
const argv = /* @__PURE__ */ z.deferred(() => z.array(z.string().check(z.maxLength(100_000))).check(
  z.minLength(1),
  z.maxLength(2000),
  z.refine((a) => PROGRAM.test(a[0]), 'argv[0] must be a bare program name'),
));
const envName = /* @__PURE__ */ z.deferred(() => z.string().check(
  z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  z.refine((n) => !(EXECUTOR_OWNED_ENV as readonly string[]).includes(n), 'is set by the executor'),
));
const homePath = /* @__PURE__ */ z.deferred(() => z.string().check(
  z.minLength(1),
  z.maxLength(200),
  z.refine((p) => !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === '.' || s === ''), 'must be a relative path inside HOME'),
));

export const execRequest = /* @__PURE__ */ z.deferred(() => z.strictObject({
  version: z.literal(EXECUTOR_CONTRACT_VERSION),
  runId,
  /** the command; argv[0] is looked up in the executor's CLI directories only */
  argv,
  /** the child's whole environment but PATH/HOME/TMPDIR: credentials and CLI settings */
  env: z.record(envName, z.string().check(z.maxLength(100_000))),
  /** written into HOME before anything runs (0600, parents 0700) */
  files: z.array(z.strictObject({ path: homePath, content: z.string().check(z.maxLength(1_000_000)), expandHome: z.optional(z.boolean()) })).check(z.maxLength(20)),
  /** run first, in order, in the same HOME and environment (az login); their output goes nowhere */
  prepare: z.array(z.strictObject({ argv, what: z.string().check(z.minLength(1), z.maxLength(80)) })).check(z.maxLength(4)),
  /** budget of the preparation steps and the command together */
  timeoutMs: z.int().check(z.gte(100), z.lte(900_000)),
  /** after the budget, how long the run gets between SIGTERM and SIGKILL */
  killGraceMs: z.int().check(z.gte(0), z.lte(10_000)),
  /** bytes kept per stream (the SHA-256 covers everything the CLI wrote) */
  maxOutputBytes: z.int().check(z.gte(1000), z.lte(16_000_000)),
}));
export type ExecRequest = z.output<typeof execRequest>;

export const streamResult = /* @__PURE__ */ z.deferred(() => z.strictObject({
  /** what was kept, decoded as UTF-8 */
  text: z.string(),
  /** bytes the CLI wrote, including any that were not kept */
  bytes: z.int().check(z.nonnegative()),
  overflow: z.boolean(),
  /** SHA-256 (hex) of every byte the CLI wrote to this stream */
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
}));
export type StreamResult = z.output<typeof streamResult>;

/** How this executor isolates runs: a namespace sandbox (local), its own Lambda (deployed), or nothing. */
export const ISOLATION = ['namespaces', 'lambda', 'none'] as const;

const common = {
  version: /* @__PURE__ */ z.deferred(() => z.literal(EXECUTOR_CONTRACT_VERSION)),
  runId,
  isolation: /* @__PURE__ */ z.deferred(() => z.enum(ISOLATION)),
  /** milliseconds from the request reaching the executor to its answer */
  executorMs: /* @__PURE__ */ z.deferred(() => z.int().check(z.nonnegative())),
};

export const execResult = /* @__PURE__ */ z.deferred(() => z.discriminatedUnion('status', [
  z.strictObject({
    ...common,
    status: z.literal('completed'),
    exitCode: z.nullable(z.int()),
    signal: z.nullable(z.string()),
    timedOut: z.boolean(),
    stdout: streamResult,
    stderr: streamResult,
    /** the command's own run time (spawn to exit), milliseconds */
    durationMs: z.int().check(z.nonnegative()),
    /** processes the run left behind that the executor killed afterwards */
    survivors: z.int().check(z.nonnegative()),
  }),
  z.strictObject({ ...common, status: z.literal('not_installed'), program: z.string() }),
  z.strictObject({ ...common, status: z.literal('prepare_failed'), what: z.string(), exitCode: z.nullable(z.int()), timedOut: z.boolean() }),
  /** the executor could not run anything (no isolation and none allowed, a broken sandbox) */
  z.strictObject({ ...common, status: z.literal('unavailable'), reason: z.string() }),
]));
export type ExecResult = z.output<typeof execResult>;
export type CompletedResult = Extract<ExecResult, { status: 'completed' }>;

/** The request's environment with `{HOME}` replaced, plus what the executor itself sets. */
export function childEnv(req: Pick<ExecRequest, 'env'>, own: { path: string; home: string; extra?: Record<string, string> }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.env)) env[k] = v.split(HOME_PLACEHOLDER).join(own.home);
  return { ...env, ...own.extra, PATH: own.path, HOME: own.home, TMPDIR: `${own.home}/tmp` };
}

export function fileContent(f: ExecRequest['files'][number], home: string): string {
  return f.expandHome ? f.content.split(HOME_PLACEHOLDER).join(home) : f.content;
}
