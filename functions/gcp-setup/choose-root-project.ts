import { defineStep } from '../../lib/gcp-setup/step.ts';
import { chooseRootStep } from '../../lib/gcp-setup/steps/choose-root.ts';

export const handler = defineStep('ChooseRootProject', 'Could not choose a root project', chooseRootStep);
