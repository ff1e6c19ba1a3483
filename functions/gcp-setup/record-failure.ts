import { defineStep } from '../../lib/gcp-setup/step.ts';
import { recordFailureStep } from '../../lib/gcp-setup/steps/record-failure.ts';

export const handler = defineStep('RecordFailure', 'Could not record the setup failure', recordFailureStep);
