import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';
import { CONNECTION_STATUSES } from '../../connections/types.ts';

const accountQuery = /* @__PURE__ */ z.deferred(() => z.strictObject({ account_id: z.optional(z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'))) }));

const jsonObject = /* @__PURE__ */ z.deferred(() => z.record(z.string(), z.unknown()));

export const awsOnboardingRoute = /* @__PURE__ */ defineRoute({
  id: 'aws.onboarding',
  method: 'GET',
  paths: ['/aws/onboarding'],
  handler: 'functions/aws/onboarding.ts',
  auth: 'user',
  summary: "The caller's External ID (issued once by us), Aurora's AWS account, the role trust policy, a CloudFormation template and a quick-create link",
  request: { query: /* @__PURE__ */ z.deferred(() => z.strictObject({ access_level: z.optional(z.enum(['ReadOnly', 'PowerUser'])) })) },
  responses: {
    200: /* @__PURE__ */ z.deferred(() => z.object({
      external_id: z.string().check(z.minLength(32)),
      aurora_account_id: z.string().check(z.regex(/^\d{12}$/)),
      trust_policy: jsonObject,
      access_level: z.enum(['ReadOnly', 'PowerUser']),
      managed_policy_arn: z.string(),
      role_name: z.string(),
      cloudformation_template: jsonObject,
      cloudformation_template_url: z.optional(z.string()),
      quick_create_url: z.optional(z.string()),
    })),
  },
  errors: [503],
  capabilities: ['table', 'sts'],
});

export const awsCredentialsRoute = /* @__PURE__ */ defineRoute({
  id: 'aws.getCredentials',
  method: 'GET',
  paths: ['/aws/get-credentials'],
  handler: 'functions/aws/get-credentials.ts',
  auth: 'user',
  summary: 'The connection configuration (role ARNs, account, External ID, region); never keys',
  request: { query: accountQuery },
  responses: {
    200: /* @__PURE__ */ z.deferred(() => z.object({
      role_arn: z.string(),
      read_only_role_arn: z.nullable(z.string()),
      account_id: z.string(),
      external_id: z.nullable(z.string()),
      region: z.string(),
      status: z.enum(CONNECTION_STATUSES),
    })),
  },
  errors: [404],
  capabilities: ['table'],
});

/** AWS's own routes; connect (POST /aws/auth) and status are generic (lib/connectors/aws/connector.ts). */
export const awsRoutes = [awsOnboardingRoute, awsCredentialsRoute];
