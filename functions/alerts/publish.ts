import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '../../lib/deps.ts';
import { publishStreamBatch } from '../../lib/alerts/publish.ts';

/** The table's stream → the alert bus (lib/alerts/publish.ts); planned in lib/stacks/plan/alerts.ts. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => publishStreamBatch(deps(), event.Records ?? []);
