/**
 * Pure planning for the SST stacks (stacks/*.ts), by concern: what each Lambda is called, which
 * handler it runs, which paths reach it, and exactly which permissions, links and environment its
 * capabilities justify. The stacks only apply these plans; test/unit/stacks.test.ts checks them.
 *
 * No SST, Pulumi or AWS imports here. A new stack's plan is a new file beside these, exported
 * below (and its component names in reserved.ts).
 */
export * from './types.ts';
export * from './tokens.ts';
export * from './names.ts';
export * from './settings.ts';
export * from './permissions.ts';
export * from './reserved.ts';
export * from './functions.ts';
export * from './jobs.ts';
export * from './workflow.ts';
export * from './api.ts';
export * from './web.ts';
export * from './executor.ts';
export * from './websocket.ts';
export * from './alerts.ts';
export * from './alarms.ts';
