import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)

// The Lambda client that invokes the executor, loaded with import() through this module rather than
// from the package (the reason: lib/alerts/eventbridge-client.ts).
export { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
