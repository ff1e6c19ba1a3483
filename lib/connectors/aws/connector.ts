import { defineConnector } from '../kit/define.ts';
import { aws } from './definition.ts';
import { awsSection } from './settings.ts';

const roleArn = { pattern: aws.roleArnPattern.source, message: 'must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>', maxLength: 2048, example: 'arn:aws:iam::123456789012:role/AuroraRole' };

export const connector = defineConnector({
  id: 'aws',
  name: 'Amazon Web Services',
  kind: 'cloud',
  authKind: 'iam_role',
  settings: awsSection,
  clis: ['aws', 'kubectl'],
  // role assumption: the record keeps the role ARNs, the External ID is a per-user setting
  storesSecret: false,
  capabilities: ['sts'],
  account: { label: 'AWS account ID', pattern: '^\\d{12}$', message: 'must be a 12-digit AWS account id' },
  onboarding: { method: 'GET', path: '/aws/onboarding' },
  fields: [
    { name: 'role_arn', label: 'Role ARN', secret: false, required: true, ...roleArn, description: 'The role Aurora assumes, created with the trust policy from GET /aws/onboarding.' },
    { name: 'external_id', label: 'External ID', secret: false, required: true, pattern: aws.externalIdPattern.source, message: 'must be the External ID from GET /aws/onboarding', example: '3f2c8a0e9b7d4c1a6e5f0a2b8c9d7e6f5a4b3c2d1e0f9a8b', description: 'The External ID Aurora issued to you (GET /aws/onboarding); the role must require it.' },
    { name: 'read_only_role_arn', label: 'Read-only role ARN', secret: false, required: false, ...roleArn, example: 'arn:aws:iam::123456789012:role/AuroraReadOnly', description: 'A second role for Ask mode; without it Ask mode narrows the main role with ReadOnlyAccess.' },
    { name: 'region', label: 'Default region', secret: false, required: false, pattern: aws.regionPattern.source, message: 'must be an AWS region such as us-east-1', example: 'eu-west-1', description: 'The default region of commands (AURORA_AWS_DEFAULT_REGION when left empty).' },
  ],
  connect: {
    method: 'POST',
    path: '/aws/auth',
    id: 'aws.auth',
    summary: 'Connect an AWS account: assume the role with the issued External ID (and prove it cannot be assumed without), then save it',
    response: { status: { type: 'string', const: 'success' }, message: 'string', account_id: 'string', expiration: 'string' },
  },
  status: {
    fields: [
      { name: 'role_arn', from: 'metadata.role_arn', type: 'string' },
      { name: 'account_id', from: 'account_id', type: 'string' },
    ],
    onFault: 'error',
    notConnected: 'AWS is not connected',
  },
  legacy: { status: ['/aws/status'] },
});
