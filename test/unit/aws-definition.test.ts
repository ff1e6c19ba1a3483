import { describe, expect, it } from 'vitest';
import { parseRoleArn, roleSessionName, sourceIdentity, stsName } from '../../lib/connectors/aws/definition.ts';
import { cloudFormationTemplate, quickCreateUrl, trustPolicy } from '../../lib/connectors/aws/onboarding.ts';
import { QueryError } from '../../lib/connectors/aws/query.ts';
import { classifyStsError } from '../../lib/connectors/aws/sts.ts';

const STS_NAME = /^[\w+=,.@-]{2,64}$/;

describe('parseRoleArn', () => {
  it('takes role ARNs apart, with paths and in every partition', () => {
    expect(parseRoleArn('arn:aws:iam::123456789012:role/AuroraRole')).toEqual({ arn: 'arn:aws:iam::123456789012:role/AuroraRole', partition: 'aws', accountId: '123456789012', path: '/', name: 'AuroraRole' });
    expect(parseRoleArn('arn:aws-us-gov:iam::123456789012:role/team/ops/Aurora+Role=1,a.b@c-d')).toMatchObject({ partition: 'aws-us-gov', path: '/team/ops/', name: 'Aurora+Role=1,a.b@c-d' });
    expect(parseRoleArn('arn:aws-cn:iam::123456789012:role/R')?.partition).toBe('aws-cn');
  });
  it.each([
    'arn:aws:iam::12345678901:role/R',
    'arn:aws:iam::1234567890123:role/R',
    'arn:aws:iam::123456789012:user/R',
    'arn:aws:iam::123456789012:role/',
    'arn:aws:iam::123456789012:role/has space',
    'arn:aws:iam:us-east-1:123456789012:role/R',
    'arn:azure:iam::123456789012:role/R',
    'arn:aws:iam::123456789012:role/' + 'x'.repeat(65),
    ' arn:aws:iam::123456789012:role/R',
  ])('refuses %s', (v) => {
    expect(parseRoleArn(v)).toBeNull();
  });
});

describe('STS names from user ids', () => {
  it('keeps ids STS accepts as they are', () => {
    expect(sourceIdentity('user-123@example.com')).toBe('user-123@example.com');
    expect(roleSessionName('user-123')).toBe('aurora-user-123');
  });
  it('replaces refused characters and adds a hash so distinct users stay distinct', () => {
    const a = sourceIdentity('auth0|abc');
    const b = sourceIdentity('auth0-abc');
    expect(a).toMatch(/^auth0-abc-[0-9a-f]{8}$/);
    expect(b).toBe('auth0-abc');
    expect(a).not.toBe(b);
  });
  it('always yields 2 to 64 allowed characters', () => {
    for (const id of ['a', 'x'.repeat(200), 'google-oauth2|1234567890:abc', 'ü', 'a b']) {
      expect(sourceIdentity(id)).toMatch(STS_NAME);
      expect(roleSessionName(id)).toMatch(STS_NAME);
      expect(roleSessionName(id).startsWith('aurora-')).toBe(true);
    }
    expect(stsName('x'.repeat(200))).not.toBe(stsName('x'.repeat(201)));
  });
});

describe('onboarding documents', () => {
  const ext = 'f'.repeat(48);
  it('trust policy: our account root, AssumeRole + SetSourceIdentity, only with the External ID', () => {
    const p = trustPolicy('aws-cn', '999999999999', ext);
    expect(p.Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws-cn:iam::999999999999:root' },
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      Condition: { StringEquals: { 'sts:ExternalId': ext } },
    });
  });
  it('template: parameters default to this user, policy by access level, a read-only role for Ask mode', () => {
    const t = cloudFormationTemplate({ auroraAccountId: '999999999999', externalId: ext, accessLevel: 'PowerUser', roleName: 'AuroraRole', sessionSeconds: 3600 });
    expect(t.Parameters.ExternalId.Default).toBe(ext);
    expect(t.Parameters.AuroraAccountId.Default).toBe('999999999999');
    expect(t.Parameters.AccessLevel.Default).toBe('PowerUser');
    expect(JSON.stringify(t.Resources.AuroraRole.Properties.ManagedPolicyArns)).toContain('PowerUserAccess');
    expect(JSON.stringify(t.Resources.AuroraReadOnlyRole.Properties.ManagedPolicyArns)).not.toContain('PowerUser');
    for (const r of [t.Resources.AuroraRole, t.Resources.AuroraReadOnlyRole]) {
      expect(r.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } });
    }
    expect(Object.keys(t.Outputs)).toEqual(['RoleArn', 'ReadOnlyRoleArn']);
  });
  it('quick-create link: the console page with the template URL and every parameter', () => {
    const u = quickCreateUrl({ consoleUrl: 'https://console.aws.amazon.com', region: 'eu-west-1', templateUrl: 'https://bucket.s3.amazonaws.com/aurora-role.json', auroraAccountId: '999999999999', externalId: ext, accessLevel: 'ReadOnly', roleName: 'AuroraRole' });
    const [base, fragment] = u.split('#');
    expect(base).toBe('https://console.aws.amazon.com/cloudformation/home?region=eu-west-1');
    const [path, query] = fragment.split('?');
    expect(path).toBe('/stacks/quickcreate');
    const q = new URLSearchParams(query);
    expect(Object.fromEntries(q)).toEqual({
      templateURL: 'https://bucket.s3.amazonaws.com/aurora-role.json',
      stackName: 'AuroraAccess',
      param_AuroraAccountId: '999999999999',
      param_ExternalId: ext,
      param_AccessLevel: 'ReadOnly',
      param_RoleName: 'AuroraRole',
    });
  });
});

describe('classifyStsError', () => {
  const err = (name: string, status?: number, message = '') => new QueryError(name, message, status);
  it.each([
    [err('AccessDenied', 403), 'denied'],
    [err('InvalidClientTokenId', 403), 'own_identity'],
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'own_identity'],
    [err('ExpiredToken', 400), 'own_identity'],
    [err('ValidationError', 400), 'invalid'],
    [err('ServiceUnavailable', 503), 'unavailable'],
    [err('Throttling', 400), 'unavailable'],
    [err('TimeoutError'), 'unavailable'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'unavailable'],
  ])('%s → %s', (e, kind) => {
    expect(classifyStsError(e).kind).toBe(kind);
  });
  it('names a timeout as such', () => {
    expect(classifyStsError(err('TimeoutError')).describe()).toBe('Timeout');
    expect(classifyStsError(err('ServiceUnavailable', 503)).describe()).toBe('ServiceUnavailable, HTTP 503');
  });
});
