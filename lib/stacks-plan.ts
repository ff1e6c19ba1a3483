/** The deploy plans, by concern, live in lib/stacks/plan/; this path stays for the stacks that import it. */
export * from './stacks/plan/index.ts';
