/**
 * The ASL placeholder convention, in one place: the local runner (lib/gcp-setup/local-runner.ts),
 * the step index and the deploy plan (lib/stacks/plan/workflow.ts) all read it from here. No
 * imports: the SST stacks load this file too.
 *
 * A Task names its Lambda with the placeholder "${Fn:<StepName>}" (PascalCase, no two capitals in
 * a row: "EnableApis", not "EnableAPIs"), either as its "Resource" or as
 * "Parameters.FunctionName" of arn:aws:states:::lambda:invoke. The step's handler is
 * functions/gcp-setup/<kebab-step>.ts, e.g. ${Fn:ListProjects} → functions/gcp-setup/list-projects.ts.
 * Deployed, each placeholder becomes the ARN of that step's function; locally, a stand-in ARN the
 * runner maps back to the same handler in-process.
 */
const PLACEHOLDER_RE = /\$\{Fn:([^}]*)\}/g;
const ANY_PLACEHOLDER_RE = /\$\{[^}]*\}/g;
const EXACT_PLACEHOLDER_RE = /^\$\{Fn:([^}]*)\}$/;
const STEP_RE = /^[A-Z][A-Za-z0-9]*$/;

/** A step name the convention accepts. */
export const isStepName = (step: string): boolean => STEP_RE.test(step) && !/[A-Z]{2}/.test(step);

/** "CreateServiceAccounts" → "create-service-accounts" */
export function kebab(step: string): string {
  return step.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The handler module of a step: "ListProjects" → "functions/gcp-setup/list-projects.ts". */
export function stepHandlerFile(step: string): string {
  return `functions/gcp-setup/${kebab(step)}.ts`;
}

/** The step a whole-string placeholder names ("${Fn:ListProjects}" → "ListProjects"), else undefined. */
export function placeholderStep(value: string | undefined): string | undefined {
  const m = EXACT_PLACEHOLDER_RE.exec(value ?? '');
  return m && isStepName(m[1]) ? m[1] : undefined;
}

function walkStrings(value: unknown, path: string, visit: (s: string, path: string) => string): unknown {
  if (typeof value === 'string') return visit(value, path);
  if (Array.isArray(value)) return value.map((v, i) => walkStrings(v, `${path}[${i}]`, visit));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walkStrings(v, `${path}.${k}`, visit)]));
  }
  return value;
}

/** The definition as an object; JSONPath only (the local runner cannot run JSONata). */
export function parseAsl(asl: unknown): Record<string, unknown> {
  const doc = typeof asl === 'string' ? (JSON.parse(asl) as unknown) : asl;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('The state machine definition must be a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.QueryLanguage !== undefined && d.QueryLanguage !== 'JSONPath') {
    throw new Error(`The state machine must use JSONPath (found QueryLanguage "${String(d.QueryLanguage)}"): the local runner cannot run JSONata`);
  }
  if (!d.StartAt || !d.States) throw new Error('The state machine definition needs StartAt and States');
  return d;
}

/** The step names the ASL refers to, sorted; throws on a placeholder outside the convention. */
export function aslPlaceholders(asl: unknown): string[] {
  const steps = new Set<string>();
  walkStrings(parseAsl(asl), '$', (s, path) => {
    for (const m of s.matchAll(ANY_PLACEHOLDER_RE)) {
      const fn = EXACT_PLACEHOLDER_RE.exec(m[0]);
      if (!fn) throw new Error(`Unknown placeholder ${m[0]} at ${path}: use \${Fn:<StepName>}`);
      if (!isStepName(fn[1])) throw new Error(`Bad step name "${fn[1]}" at ${path}: PascalCase, no two capitals in a row (EnableApis)`);
      steps.add(fn[1]);
    }
    return s;
  });
  return [...steps].sort();
}

/**
 * Step → the Task TimeoutSeconds the ASL gives it (the largest, if several Tasks run the step), so
 * the Lambda stops when Step Functions stops waiting for it.
 */
export function aslStepTimeouts(asl: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.Type === 'Task' && typeof o.TimeoutSeconds === 'number') {
      for (const m of JSON.stringify(o).matchAll(PLACEHOLDER_RE)) out[m[1]] = Math.max(out[m[1]] ?? 0, o.TimeoutSeconds);
    }
    Object.values(o).forEach(visit);
  };
  visit(parseAsl(asl));
  return out;
}

/** The definition with every ${Fn:Step} replaced by arnOf(Step); a step without an ARN, or any placeholder left, is an error. */
export function substitutePlaceholders<T = Record<string, unknown>>(asl: unknown, arnOf: (step: string) => string | undefined): T {
  const out = walkStrings(parseAsl(asl), '$', (s, path) =>
    s.replace(PLACEHOLDER_RE, (m, step: string) => {
      const arn = arnOf(step);
      if (!arn) throw new Error(`No function for ${m} at ${path}`);
      return arn;
    }),
  );
  const left = JSON.stringify(out).match(ANY_PLACEHOLDER_RE);
  if (left) throw new Error(`Placeholders left in the state machine definition: ${left.join(', ')}`);
  return out as T;
}

/** The ASL with every ${Fn:Step} replaced by arns[Step], as the JSON string Step Functions takes. */
export function substituteAsl(asl: unknown, arns: Record<string, string>): string {
  return JSON.stringify(substitutePlaceholders(asl, (step) => arns[step]), null, 2);
}
