import definitionJson from './state-machine.asl.json' with { type: 'json' };
import { placeholderStep, substitutePlaceholders } from './asl-placeholders.ts';

export { kebab, stepHandlerFile } from './asl-placeholders.ts';

/**
 * The setup state machine, one JSONPath ASL document deployed as-is. Task resources are
 * placeholders `${Fn:<StepName>}` (the convention: lib/gcp-setup/asl-placeholders.ts);
 * stacks/workflow.ts puts each step function's ARN there, and the local runner maps each Task to
 * the same step handler in-process.
 */
export type AslDefinition = { StartAt: string; States: Record<string, AslState>; [k: string]: unknown };
export interface AslState {
  Type: string;
  Resource?: string;
  Retry?: unknown[];
  ItemProcessor?: { States: Record<string, AslState> };
  Iterator?: { States: Record<string, AslState> };
  [k: string]: unknown;
}

export function setupDefinition(): AslDefinition {
  return structuredClone(definitionJson) as unknown as AslDefinition;
}

/** Every state, nested ones (Map item processors) included, with its name. */
export function allStates(def: AslDefinition): Array<[string, AslState]> {
  const out: Array<[string, AslState]> = [];
  const walk = (states: Record<string, AslState>) => {
    for (const [name, s] of Object.entries(states)) {
      out.push([name, s]);
      const inner = s.ItemProcessor ?? s.Iterator;
      if (inner) walk(inner.States);
    }
  };
  walk(def.States);
  return out;
}

/** Task state name → step name of its `${Fn:<StepName>}` resource. */
export function taskSteps(def: AslDefinition): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, s] of allStates(def)) {
    if (s.Type !== 'Task') continue;
    const step = placeholderStep(s.Resource);
    if (!step) throw new Error(`Task state ${name} must use a \${Fn:<StepName>} resource placeholder`);
    out.set(name, step);
  }
  return out;
}

/** The definition with every placeholder replaced (the deployed ARNs, or local stand-ins). */
export function withResources(def: AslDefinition, arnOf: (step: string) => string): AslDefinition {
  return substitutePlaceholders<AslDefinition>(def, arnOf);
}
