/// <reference path="./.sst/platform/config.d.ts" />

/**
 * aurora-connectors on AWS (design §1-§2). The stacks live in stacks/ and are imported inside
 * run() only; what each Lambda may touch is planned by lib/stacks-plan.ts from the route table.
 *
 * Typecheck without deploying: `bash scripts/sst-prepare.sh && npx tsc -p tsconfig.stacks.json`.
 * Deploy: `npx sst deploy --stage <stage>` with the settings described in stacks/secrets.ts and
 * stacks/api.ts in the environment.
 */
export default $config({
  app(input) {
    const production = input?.stage === "production";
    return {
      name: "aurora-connectors",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
      // pinned so `sst install` (scripts/sst-prepare.sh) resolves the same provider types every time;
      // docker-build builds the executor image (stacks/executor.ts) with Docker at deploy time
      providers: { aws: { version: "7.20.0" }, "docker-build": { version: "0.0.14" } },
    };
  },
  async run() {
    const { createStorage } = await import("./stacks/storage.ts");
    const { createSecrets } = await import("./stacks/secrets.ts");
    const { createWorkflow } = await import("./stacks/workflow.ts");
    const { createApi } = await import("./stacks/api.ts");
    const { createJobs } = await import("./stacks/jobs.ts");
    const { createConsoleRouter, createConsoleSite } = await import("./stacks/web.ts");
    const { createExecutor } = await import("./stacks/executor.ts");
    const { createWebSocket } = await import("./stacks/websocket.ts");
    const { createAlerts } = await import("./stacks/alerts.ts");
    const { createAlarmTopic } = await import("./stacks/alarms.ts");

    const { table } = createStorage();
    // the console's Router first: its URL is the FRONTURL and BACKEND_URL every function gets
    const web = await createConsoleRouter({ secrets: await createSecrets() });
    const secrets = web.secrets;
    const values = {
      "aws.region": aws.getRegionOutput().region,
      "aws.account": aws.getCallerIdentityOutput().accountId,
      "table.name": table.name,
      "table.arn": table.arn,
      ...web.values,
    };
    // every alarm of the stacks notifies this topic (ALARM_EMAIL subscribes addresses)
    const alarms = createAlarmTopic();
    Object.assign(values, alarms.values);
    const workflow = await createWorkflow({ secrets, values });
    // cloud_tool's executor: its own image and role; cloudTool.run may only invoke it
    const executor = createExecutor({ values });
    const { routes } = await import("./lib/http/routes.ts");
    const { planRoutes } = await import("./lib/stacks-plan.ts");
    const agents = await createWebSocket({ secrets, values, taken: planRoutes(routes, $app.stage, secrets.settings).map((p) => p.name) });
    const { api } = await createApi({ secrets, values: { ...values, ...executor.values, ...agents.values, "workflow.arn": workflow.stateMachine.arn }, corsOrigin: web.corsOrigin });
    createJobs({ secrets, values });
    // new alerts from the table's stream to the alert bus (webhook functions never call out)
    const alerts = createAlerts({ table, secrets, values });
    const consoleSite = createConsoleSite({ router: web.router, plan: web.plan, apiUrl: api.url, values });

    return {
      console: consoleSite.url,
      api: api.url,
      agents: agents.api.url,
      table: table.name,
      stateMachine: workflow.stateMachine.arn,
      failedSetupQueue: workflow.dlq.url,
      alarmTopic: alarms.topic.arn,
      cloudToolExecutor: executor.fn.name,
      alertBus: alerts.bus.name,
    };
  },
});
