import { defineStep } from '../../lib/gcp-setup/step.ts';
import { createServiceAccountsStep } from '../../lib/gcp-setup/steps/service-accounts.ts';

export const handler = defineStep('CreateServiceAccounts', 'Aurora service account setup had errors', createServiceAccountsStep);
