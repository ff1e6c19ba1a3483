/// <reference path="./.sst/platform/config.d.ts" />
export default $config({
  app(input) {
    return {
      name: "aurora-connectors",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
      providers: { aws: { version: "7.20.0" } },
    };
  },
  async run() {
    const t = new sst.aws.Dynamo("Table", { fields: { pk: "string", sk: "string" }, primaryIndex: { hashKey: "pk", rangeKey: "sk" } });
    return { table: t.name };
  },
});
