import { BadRequestError } from '../../errors.ts';
import type { Verify } from '../kit/behaviour.ts';
import { issuedExternalId, sameExternalId, verifyRole } from './adapter.ts';
import { aws, parseRoleArn } from './definition.ts';

/**
 * POST /aws/auth: the External ID must be the one we issued; each role must be assumable with it
 * and not without it; then the account is saved (one connection per account, no secret: the
 * record keeps the role ARNs and region, the External ID stays the per-user setting).
 */
export const verify: Verify = async (d, userId, input) => {
  const role = parseRoleArn(input.role_arn!);
  if (!role) throw new BadRequestError('role_arn must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>', { code: 'validation_error', field: 'role_arn' });
  const readOnly = input.read_only_role_arn ? parseRoleArn(input.read_only_role_arn) : null;
  if (input.read_only_role_arn && !readOnly) {
    throw new BadRequestError('read_only_role_arn must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>', { code: 'validation_error', field: 'read_only_role_arn' });
  }
  if (readOnly && readOnly.accountId !== role.accountId) {
    throw new BadRequestError(`read_only_role_arn must be in the same account as role_arn (${role.accountId})`, { code: 'account_mismatch', field: 'read_only_role_arn' });
  }
  const issued = await issuedExternalId(d, userId);
  if (!issued) throw new BadRequestError(aws.messages.notIssued, { code: 'external_id_not_issued', field: 'external_id' });
  if (!sameExternalId(issued, input.external_id!)) throw new BadRequestError(aws.messages.mismatch, { code: 'external_id_mismatch', field: 'external_id' });

  const main = await verifyRole(d, userId, role, issued, 'role_arn');
  if (readOnly && readOnly.arn !== role.arn) await verifyRole(d, userId, readOnly, issued, 'read_only_role_arn');

  return {
    accountId: role.accountId,
    accountName: `AWS ${role.accountId} (${role.name})`,
    metadata: { role_arn: role.arn, read_only_role_arn: readOnly?.arn ?? null, region: input.region ?? d.config.aws.defaultRegion, partition: role.partition, connected_at: new Date(d.now()).toISOString() },
    response: { status: 'success', message: `Connected AWS account ${role.accountId} through ${role.name}`, account_id: role.accountId, expiration: main.expiration },
  };
};
