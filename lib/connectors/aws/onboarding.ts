/**
 * What a customer needs to create the role Aurora assumes: the trust policy, a CloudFormation
 * template that creates it, and a console quick-create link. Pure functions of Aurora's account,
 * the user's External ID and a few settings.
 */
export type AccessLevel = 'ReadOnly' | 'PowerUser';

/**
 * Trust policy of the customer role. sts:SetSourceIdentity is needed because every AssumeRole we
 * make carries SourceIdentity = the Aurora user (so CloudTrail in the customer's account shows who
 * acted); without it AWS denies the call.
 */
export function trustPolicy(partition: string, auroraAccountId: string, externalId: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${auroraAccountId}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  };
}

/**
 * The customer-side template: the main role (ReadOnlyAccess or PowerUserAccess) and, unless turned
 * off, a read-only role for Ask mode. The defaults are this user's values, so the template deploys
 * as it is; the quick-create link passes the same values as parameters.
 */
export function cloudFormationTemplate(opts: { auroraAccountId: string; externalId: string; accessLevel: AccessLevel; roleName: string; sessionSeconds: number }) {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuroraAccountId}:root' } },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
      },
    ],
  };
  const maxSession = Math.max(3600, opts.sessionSeconds);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'IAM role that lets Aurora act in this account through STS AssumeRole with an External ID',
    Parameters: {
      AuroraAccountId: { Type: 'String', AllowedPattern: '^\\d{12}$', Default: opts.auroraAccountId, Description: "Aurora's AWS account (the only principal the role trusts)" },
      ExternalId: { Type: 'String', MinLength: 32, MaxLength: 1224, Default: opts.externalId, Description: 'The External ID Aurora issued to you; AssumeRole without it is refused' },
      AccessLevel: { Type: 'String', AllowedValues: ['ReadOnly', 'PowerUser'], Default: opts.accessLevel, Description: 'Managed policy of the main role: ReadOnlyAccess or PowerUserAccess' },
      RoleName: { Type: 'String', Default: opts.roleName, AllowedPattern: '^[\\w+=,.@-]{1,56}$' },
      CreateReadOnlyRole: { Type: 'String', AllowedValues: ['true', 'false'], Default: 'true', Description: 'Also create <RoleName>ReadOnly for Ask mode' },
    },
    Conditions: {
      IsPowerUser: { 'Fn::Equals': [{ Ref: 'AccessLevel' }, 'PowerUser'] },
      WithReadOnlyRole: { 'Fn::Equals': [{ Ref: 'CreateReadOnlyRole' }, 'true'] },
    },
    Resources: {
      AuroraRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { Ref: 'RoleName' },
          MaxSessionDuration: maxSession,
          AssumeRolePolicyDocument: trust,
          ManagedPolicyArns: [
            { 'Fn::If': ['IsPowerUser', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess' }] },
          ],
        },
      },
      AuroraReadOnlyRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'WithReadOnlyRole',
        Properties: {
          RoleName: { 'Fn::Sub': '${RoleName}ReadOnly' },
          MaxSessionDuration: maxSession,
          AssumeRolePolicyDocument: trust,
          ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess' }],
        },
      },
    },
    Outputs: {
      RoleArn: { Description: 'role_arn for POST /aws/auth', Value: { 'Fn::GetAtt': ['AuroraRole', 'Arn'] } },
      ReadOnlyRoleArn: { Condition: 'WithReadOnlyRole', Description: 'read_only_role_arn for POST /aws/auth', Value: { 'Fn::GetAtt': ['AuroraReadOnlyRole', 'Arn'] } },
    },
  };
}

/** Console link that opens CloudFormation's quick-create page with every parameter filled in. */
export function quickCreateUrl(opts: { consoleUrl: string; region: string; templateUrl: string; auroraAccountId: string; externalId: string; accessLevel: AccessLevel; roleName: string }): string {
  const q = new URLSearchParams({
    templateURL: opts.templateUrl,
    stackName: 'AuroraAccess',
    param_AuroraAccountId: opts.auroraAccountId,
    param_ExternalId: opts.externalId,
    param_AccessLevel: opts.accessLevel,
    param_RoleName: opts.roleName,
  });
  return `${opts.consoleUrl}/cloudformation/home?region=${encodeURIComponent(opts.region)}#/stacks/quickcreate?${q}`;
}

