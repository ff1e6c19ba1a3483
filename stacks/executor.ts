/**
 * cloud_tool's executor (design §9): its own Lambda, from the container image of
 * executor/Dockerfile (the AWS Lambda Node.js 24 base image with the pinned cloud CLIs), built
 * with Docker at deploy time and pushed to a repository of its own. lib/stacks/plan/executor.ts
 * decides its name, limits, role and (empty) environment; this file applies the plan. Its role
 * trusts Lambda and may write its own log streams: no table, no secrets, no STS, no network
 * inside a VPC. Only cloudTool.run may invoke it (the `executor` capability).
 */
import path from "node:path";
import { planExecutor, EXECUTOR_TOKENS, tokenKeyOf } from "../lib/stacks/plan/executor.ts";
import { resolver, logRetention, type TokenValues } from "./functions.ts";

export function createExecutor(ctx: { values: TokenValues }) {
  const plan = planExecutor($app.name, $app.stage);
  const resolve = resolver(ctx.values);

  const repo = new aws.ecr.Repository(`${plan.name}Repo`, {
    forceDelete: $app.stage !== "production",
    imageScanningConfiguration: { scanOnPush: true },
    imageTagMutability: "MUTABLE",
  });
  const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repo.registryId });
  const image = new dockerbuild.Image(`${plan.name}Image`, {
    context: { location: path.join($cli.paths.root, plan.image.context) },
    dockerfile: { location: path.join($cli.paths.root, plan.image.dockerfile) },
    platforms: [plan.image.platform],
    // Lambda accepts Docker v2 manifests only
    buildOnPreview: false,
    exports: [{ image: { ociMediaTypes: false } }],
    push: true,
    tags: [$interpolate`${repo.repositoryUrl}:${$app.stage}`],
    registries: [{ address: repo.repositoryUrl, username: auth.userName, password: $util.secret(auth.password) }],
  });

  const logGroup = new aws.cloudwatch.LogGroup(`${plan.name}Logs`, {
    name: plan.logGroup,
    retentionInDays: logRetention() === "6 months" ? 180 : 30,
  });
  const role = new aws.iam.Role(`${plan.name}Role`, {
    assumeRolePolicy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  const policy = new aws.iam.RolePolicy(`${plan.name}Policy`, {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: plan.permissions.map((p, i) => ({
        Sid: `Executor${i}`,
        Effect: p.effect === "deny" ? "Deny" : "Allow",
        Action: p.actions,
        Resource: p.resources.map(resolve),
      })),
    }),
  });

  const fn = new aws.lambda.Function(
    plan.name,
    {
      name: plan.functionName,
      description: "cloud_tool executor: runs one cloud CLI command with the caller's short-lived credentials",
      packageType: "Image",
      imageUri: image.ref,
      role: role.arn,
      architectures: [plan.architecture],
      timeout: plan.timeout,
      memorySize: plan.memory,
      ephemeralStorage: { size: plan.ephemeralStorageMb },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      // deliberately no `environment`: the plan's is empty (checked by test/unit/executor-plan.test.ts)
      ...(Object.keys(plan.environment).length ? { environment: { variables: plan.environment } } : {}),
    },
    { dependsOn: [policy, logGroup] },
  );

  return {
    fn,
    values: { [tokenKeyOf(EXECUTOR_TOKENS.arn)]: fn.arn, [tokenKeyOf(EXECUTOR_TOKENS.functionName)]: fn.name } as TokenValues,
  };
}
