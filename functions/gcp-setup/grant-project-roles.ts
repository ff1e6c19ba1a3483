import { defineStep } from '../../lib/gcp-setup/step.ts';
import { grantRolesStep } from '../../lib/gcp-setup/steps/grant-roles.ts';

export const handler = defineStep('GrantProjectRoles', 'Could not grant IAM roles to the Aurora service accounts', grantRolesStep);
