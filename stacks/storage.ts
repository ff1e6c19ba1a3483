/**
 * The one DynamoDB table: generic pk/sk keys, gsi1 for second access patterns, and an
 * `expiresAt` TTL attribute (the code still checks expiry on read: TTL deletion is lazy).
 * The component is named "Table", the name lib/config.ts looks for as SST_RESOURCE_Table. Its
 * stream carries new alerts to the alert bus (stacks/alerts.ts).
 */
import { TABLE_STREAM } from "../lib/stacks/plan/alerts.ts";

export function createStorage() {
  const production = $app.stage === "production";
  const table = new sst.aws.Dynamo("Table", {
    fields: { pk: "string", sk: "string", gsi1pk: "string", gsi1sk: "string" },
    primaryIndex: { hashKey: "pk", rangeKey: "sk" },
    globalIndexes: { gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk", projection: "all" } },
    ttl: "expiresAt",
    stream: TABLE_STREAM,
    deletionProtection: production,
    transform: {
      table: (args) => {
        args.billingMode = "PAY_PER_REQUEST";
        args.pointInTimeRecovery = { enabled: production };
      },
    },
  });
  return { table };
}
