import { defineStep } from '../../lib/gcp-setup/step.ts';
import { configureOrgPolicyStep } from '../../lib/gcp-setup/steps/org-policy.ts';

export const handler = defineStep('ConfigureOrgPolicy', 'Could not update the domain-restricted sharing policy', configureOrgPolicyStep);
