import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)

// The Step Functions client, loaded with import() through this module rather than from the
// package (the reason: lib/alerts/eventbridge-client.ts).
export { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
