import { defineStep } from '../../lib/gcp-setup/step.ts';
import { ENABLE_FAILED, startEnableStep } from '../../lib/gcp-setup/steps/enable-apis.ts';

export const handler = defineStep('StartEnable', ENABLE_FAILED, startEnableStep);
