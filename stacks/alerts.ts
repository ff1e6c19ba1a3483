/**
 * Alert publication (lib/stacks/plan/alerts.ts decides; this file applies): the alert bus, an
 * EventBridge bus of its own, and the consumer of the table's stream that puts each newly stored
 * alert on it, with what the mapping gives up on kept in a queue. Why publication leaves from the
 * stored item: lib/alerts/publish.ts.
 */
import {
  ALERT_BUS_COMPONENT,
  ALERT_PUBLISH_DLQ_COMPONENT,
  ALERT_STREAM_FILTER,
  ALERT_STREAM_MAPPING,
  ALERT_TOKENS,
  planAlertPublisher,
  tokenKey,
} from "../lib/stacks-plan.ts";
import { createFunction, type TokenValues } from "./functions.ts";
import type { SecretsStack } from "./secrets.ts";

export function createAlerts(ctx: { table: sst.aws.Dynamo; secrets: SecretsStack; values: TokenValues }) {
  const bus = new sst.aws.Bus(ALERT_BUS_COMPONENT);
  const dlq = new sst.aws.Queue(ALERT_PUBLISH_DLQ_COMPONENT, {
    transform: { queue: (args) => void (args.messageRetentionSeconds = 14 * 86400) },
  });
  const values: TokenValues = {
    ...ctx.values,
    [tokenKey(ALERT_TOKENS.busArn)]: bus.arn,
    [tokenKey(ALERT_TOKENS.busName)]: bus.name,
    [tokenKey(ALERT_TOKENS.streamArn)]: ctx.table.nodes.table.streamArn,
    [tokenKey(ALERT_TOKENS.dlqArn)]: dlq.arn,
  };
  const publisher = createFunction(planAlertPublisher($app.stage, ctx.secrets.settings), {
    values,
    linkables: ctx.secrets.linkables,
    description: "New alerts from the table's stream to the alert bus",
  });
  const subscription = ctx.table.subscribe("AlertStream", publisher.arn, {
    filters: [ALERT_STREAM_FILTER],
    transform: {
      eventSourceMapping: (args) => {
        Object.assign(args, ALERT_STREAM_MAPPING, { functionResponseTypes: [...ALERT_STREAM_MAPPING.functionResponseTypes] });
        args.destinationConfig = { onFailure: { destinationArn: dlq.arn } };
      },
    },
  });
  return { bus, dlq, publisher, subscription };
}
