import { createHash } from 'node:crypto';

/** An IAM role ARN, taken apart. */
export interface RoleArn {
  arn: string;
  partition: string;
  accountId: string;
  /** the path between "role/" and the name, "/" when none */
  path: string;
  name: string;
}

/** AWS as data: ARN formats, STS name rules, the per-user External ID, and the messages users see. */
export const aws = {
  /** arn:<partition>:iam::<12 digits>:role/<optional/path/><name>; the commercial, China and GovCloud partitions */
  roleArnPattern: /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/){0,32})([\w+=,.@-]{1,64})$/,
  /** per-user setting holding the External ID we issued (lib/db/user-settings.ts) */
  externalIdSetting: 'aws-external-id',
  /** random bytes behind an External ID (hex-encoded: 48 characters) */
  externalIdBytes: 24,
  /** AssumeRole's own limits for ExternalId (we only ever send ours, but the client repeats it) */
  externalIdPattern: /^[\w+=,.@:/-]{2,1224}$/,
  regionPattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  sessionPrefix: 'aurora-',
  managedPolicy: (partition: string, level: 'ReadOnly' | 'PowerUser') => `arn:${partition}:iam::aws:policy/${level === 'PowerUser' ? 'PowerUserAccess' : 'ReadOnlyAccess'}`,
  messages: {
    identityUnavailable: "Unable to determine Aurora's AWS account ID",
    cannotAssume: 'Aurora cannot assume this role',
    notIssued: 'No External ID has been issued to you yet: call GET /aws/onboarding first, put the External ID it returns in the role trust policy, then connect',
    mismatch: 'external_id is not the External ID Aurora issued to you (GET /aws/onboarding returns it); Aurora never accepts an External ID chosen by the client',
    notConnected: 'AWS is not connected. Connect an IAM role with POST /aws/auth first.',
  },
} as const;

export function parseRoleArn(value: string): RoleArn | null {
  const m = aws.roleArnPattern.exec(value);
  if (!m || value.length > 2048) return null;
  return { arn: value, partition: m[1], accountId: m[2], path: `/${m[3]}`, name: m[4] };
}

/** STS allows [\w+=,.@-] in RoleSessionName and SourceIdentity, 2 to 64 characters. */
const STS_NAME_CHAR = /[^\w+=,.@-]/g;

/**
 * A user id as an STS name. Characters STS refuses become "-", and whenever anything was changed
 * or cut a short hash of the real id is appended, so two users never share a name (CloudTrail
 * shows SourceIdentity and the session name in the customer's account).
 */
export function stsName(userId: string, prefix = ''): string {
  const clean = userId.replace(STS_NAME_CHAR, '-');
  const room = 64 - prefix.length;
  if (clean === userId && clean.length <= room && prefix.length + clean.length >= 2) return prefix + clean;
  const hash = createHash('sha256').update(userId).digest('hex').slice(0, 8);
  return `${prefix}${clean.slice(0, room - hash.length - 1)}-${hash}`;
}

export const roleSessionName = (userId: string) => stsName(userId, aws.sessionPrefix);
export const sourceIdentity = (userId: string) => stsName(userId);
