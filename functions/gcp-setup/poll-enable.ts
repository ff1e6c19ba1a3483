import { defineStep } from '../../lib/gcp-setup/step.ts';
import { ENABLE_FAILED, pollEnableStep } from '../../lib/gcp-setup/steps/enable-apis.ts';

export const handler = defineStep('PollEnable', ENABLE_FAILED, pollEnableStep);
