import { defineStep } from '../../lib/gcp-setup/step.ts';
import { listProjectsStep } from '../../lib/gcp-setup/steps/list-projects.ts';

export const handler = defineStep('ListProjects', 'Could not list your GCP projects and their billing', listProjectsStep);
