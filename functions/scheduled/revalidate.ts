import type { ScheduledEvent } from 'aws-lambda';
import { deps } from '../../lib/deps.ts';
import { withLogContext } from '../../lib/log.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';

/** EventBridge schedule → re-validate every active connection (stacks/jobs.ts schedules it). */
export const handler = async (event: ScheduledEvent) => withLogContext({ job: 'revalidate', eventId: event?.id }, () => revalidateAll(deps()));
