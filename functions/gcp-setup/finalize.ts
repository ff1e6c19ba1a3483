import { defineStep } from '../../lib/gcp-setup/step.ts';
import { finalizeStep } from '../../lib/gcp-setup/steps/finalize.ts';

export const handler = defineStep('Finalize', 'Could not record the GCP connection', finalizeStep);
