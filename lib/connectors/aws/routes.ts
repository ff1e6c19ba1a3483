import * as z from 'zod';
import { defineRoute } from '../../http/define-route.ts';
import { CONNECTION_STATUSES } from '../../connections/types.ts';
import { aws } from './definition.ts';

const roleArn = z.string().max(2048).regex(aws.roleArnPattern, 'must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>');
const accountQuery = z.strictObject({ account_id: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional() });

export const awsAuthBody = z.strictObject({
  role_arn: roleArn,
  external_id: z.string().regex(aws.externalIdPattern, 'must be the External ID from GET /aws/onboarding'),
  read_only_role_arn: roleArn.optional(),
  region: z.string().regex(aws.regionPattern, 'must be an AWS region such as us-east-1').optional(),
});

const jsonObject = z.record(z.string(), z.unknown());

export const awsOnboardingRoute = defineRoute({
  id: 'aws.onboarding',
  method: 'GET',
  paths: ['/aws/onboarding'],
  handler: 'functions/aws/onboarding.ts',
  auth: 'user',
  summary: "The caller's External ID (issued once by us), Aurora's AWS account, the role trust policy, a CloudFormation template and a quick-create link",
  request: { query: z.strictObject({ access_level: z.enum(['ReadOnly', 'PowerUser']).optional() }) },
  responses: {
    200: z.object({
      external_id: z.string().min(32),
      aurora_account_id: z.string().regex(/^\d{12}$/),
      trust_policy: jsonObject,
      access_level: z.enum(['ReadOnly', 'PowerUser']),
      managed_policy_arn: z.string(),
      role_name: z.string(),
      cloudformation_template: jsonObject,
      cloudformation_template_url: z.string().optional(),
      quick_create_url: z.string().optional(),
    }),
  },
  errors: [503],
  capabilities: ['table', 'sts'],
});

export const awsAuthRoute = defineRoute({
  id: 'aws.auth',
  method: 'POST',
  paths: ['/aws/auth'],
  handler: 'functions/aws/auth.ts',
  auth: 'user',
  summary: 'Connect an AWS account: assume the role with the issued External ID (and prove it cannot be assumed without), then save it',
  request: { body: awsAuthBody },
  responses: {
    200: z.object({ status: z.literal('success'), message: z.string(), account_id: z.string(), expiration: z.string() }),
  },
  errors: [400, 401, 503],
  capabilities: ['table', 'sts'],
  timeoutSeconds: 29,
});

export const awsStatusRoute = defineRoute({
  id: 'aws.status',
  method: 'GET',
  paths: ['/aws/status'],
  handler: 'functions/aws/status.ts',
  auth: 'user',
  summary: 'Live AssumeRole check of the most recently connected AWS account (or ?account_id=); a refusal or an outage marks it error, credentials kept',
  request: { query: accountQuery },
  responses: {
    200: z.object({
      connected: z.boolean(),
      provider: z.literal('aws'),
      role_arn: z.string().optional(),
      account_id: z.string().optional(),
      status: z.enum(CONNECTION_STATUSES).optional(),
      reason: z.string().optional(),
    }),
  },
  errors: [404],
  capabilities: ['table', 'sts'],
  timeoutSeconds: 29,
});

export const awsCredentialsRoute = defineRoute({
  id: 'aws.getCredentials',
  method: 'GET',
  paths: ['/aws/get-credentials'],
  handler: 'functions/aws/get-credentials.ts',
  auth: 'user',
  summary: 'The connection configuration (role ARNs, account, External ID, region); never keys',
  request: { query: accountQuery },
  responses: {
    200: z.object({
      role_arn: z.string(),
      read_only_role_arn: z.string().nullable(),
      account_id: z.string(),
      external_id: z.string().nullable(),
      region: z.string(),
      status: z.enum(CONNECTION_STATUSES),
    }),
  },
  errors: [404],
  capabilities: ['table'],
});

export const awsRoutes = [awsOnboardingRoute, awsAuthRoute, awsStatusRoute, awsCredentialsRoute];
