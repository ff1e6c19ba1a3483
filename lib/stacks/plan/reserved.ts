/**
 * Component names the stacks create themselves, and the name prefixes of functions that are not
 * routes. A route (or anything else planned) may not take one. A new stack adds its names here.
 */
import { SCHEDULED_JOBS } from './jobs.ts';
import { FAILED_EXECUTIONS_CONSUMER, STEP_NAME_PREFIX } from './workflow.ts';
import { ALARM_TOPIC_COMPONENT } from './alarms.ts';
import { ROUTER_NAME, SITE_NAME } from './web.ts';
import { kubectlAgentApi } from '../../kubectl/ws-routes.ts';
import { ALERT_BUS_COMPONENT, ALERT_PUBLISH_DLQ_COMPONENT, ALERT_PUBLISHER } from './alerts.ts';

/** Components the stacks create themselves; no route function may take these names (nor a job's). */
export const RESERVED_NAMES = ['Table', 'Api', 'VaultAddr', 'VaultToken', 'GcpSetup', ROUTER_NAME, SITE_NAME, kubectlAgentApi.name, ALERT_BUS_COMPONENT, ALERT_PUBLISH_DLQ_COMPONENT, ALERT_PUBLISHER.name, FAILED_EXECUTIONS_CONSUMER.name, ALARM_TOPIC_COMPONENT] as const;
/** Families of functions named by prefix (workflow steps: STEP_NAME_PREFIX + step). */
export const RESERVED_PREFIXES: readonly string[] = [STEP_NAME_PREFIX];

export function isReservedName(name: string): boolean {
  return (RESERVED_NAMES as readonly string[]).includes(name) || SCHEDULED_JOBS.some((j) => j.name === name) || RESERVED_PREFIXES.some((p) => name.startsWith(p));
}

export function assertNotReserved(name: string, what: string): void {
  if (isReservedName(name)) throw new Error(`${what} would take the reserved function name "${name}"`);
}
