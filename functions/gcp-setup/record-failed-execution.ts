import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deps } from '../../lib/deps.ts';
import { consumeFailedExecutions } from '../../lib/gcp-setup/failed-executions.ts';

/** The failed-setup queue → tasks FAILURE (lib/gcp-setup/failed-executions.ts); planned in lib/stacks/plan/workflow.ts. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => consumeFailedExecutions(deps(), event.Records ?? []);
