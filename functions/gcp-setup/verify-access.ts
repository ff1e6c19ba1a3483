import { defineStep } from '../../lib/gcp-setup/step.ts';
import { verifyAccessStep } from '../../lib/gcp-setup/steps/verify.ts';

export const handler = defineStep('VerifyAccess', 'Could not verify the Aurora service accounts', verifyAccessStep);
