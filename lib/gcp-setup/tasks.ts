// The task record lives with the GCP connector, which starts each setup (lib/connectors/gcp/setup.ts);
// the steps of the workflow read and move it through this name.
export * from '../connectors/gcp/setup-tasks.ts';
