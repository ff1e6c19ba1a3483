/**
 * Deploy plan of alert publication (lib/alerts/publish.ts says why it leaves from the stored item):
 * the alert bus (an EventBridge bus of its own), and the consumer of the table's DynamoDB stream
 * that announces each newly stored alert on it. Applied by stacks/alerts.ts; the table gets a
 * NEW_IMAGE stream for it (stacks/storage.ts).
 *
 * The consumer is no route: it touches neither the table's items nor the secret store, only the
 * stream it is mapped to and the bus. The webhook functions, for their part, get no permission on
 * the bus at all (their routes declare table and secrets only).
 */
import { NAME_RE, sstHandler } from './names.ts';
import { planCapabilities } from './permissions.ts';
import { DEFAULT_SETTINGS, type DeploySettings } from './settings.ts';
import type { FunctionPlan, PermissionPlan } from './types.ts';

export const ALERT_TOKENS = {
  busArn: '{{alertBus.arn}}',
  busName: '{{alertBus.name}}',
  streamArn: '{{table.streamArn}}',
  dlqArn: '{{alertPublishDlq.arn}}',
} as const;

/** The table's stream: the new image of each item, which the consumer's filter and the consumer read. */
export const TABLE_STREAM = 'new-image';

export const ALERT_BUS_COMPONENT = 'AlertBus';
/** Records the mapping could not deliver after its retries are sent here (ARN, stream position), so none is lost silently. */
export const ALERT_PUBLISH_DLQ_COMPONENT = 'AlertPublishFailures';

export const ALERT_PUBLISHER = {
  name: 'AlertPublisher',
  handler: 'functions/alerts/publish.ts',
  timeoutSeconds: 60,
  memoryMb: 256,
} as const;

/** Only new alerts reach the consumer: inserts of items of kind "alert" (a duplicate delivery is a refused write, never an insert). */
export const ALERT_STREAM_FILTER = { eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['alert'] } } } } as const;

/** The event source mapping: small batches, partial-batch answers, a bad record split out, a bounded number of retries, then the DLQ. */
export const ALERT_STREAM_MAPPING = {
  startingPosition: 'LATEST',
  batchSize: 25,
  maximumBatchingWindowInSeconds: 1,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 10,
  maximumRecordAgeInSeconds: 21600,
  functionResponseTypes: ['ReportBatchItemFailures'],
} as const;

/** What reading the stream takes (SST grants it only to functions it builds itself from args). */
export const STREAM_READ_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'] as const;

export function planAlertPublisher(stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan {
  if (!NAME_RE.test(ALERT_PUBLISHER.name)) throw new Error(`Bad function name "${ALERT_PUBLISHER.name}"`);
  const base = planCapabilities([], stage, settings);
  const permissions: PermissionPlan[] = [
    ...base.permissions,
    { actions: ['events:PutEvents'], resources: [ALERT_TOKENS.busArn] },
    { actions: [...STREAM_READ_ACTIONS], resources: [ALERT_TOKENS.streamArn] },
    // the mapping sends what it gave up on to the DLQ with the function's role
    { actions: ['sqs:SendMessage'], resources: [ALERT_TOKENS.dlqArn] },
  ];
  return {
    name: ALERT_PUBLISHER.name,
    handler: sstHandler(ALERT_PUBLISHER.handler),
    handlerFile: ALERT_PUBLISHER.handler,
    paths: [],
    routeKeys: [],
    capabilities: [],
    links: base.links,
    permissions,
    environment: { ...base.environment, ALERT_BUS_NAME: ALERT_TOKENS.busName },
    timeout: ALERT_PUBLISHER.timeoutSeconds,
    memory: ALERT_PUBLISHER.memoryMb,
  };
}
