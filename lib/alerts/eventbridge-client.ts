import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)

// The EventBridge client, loaded with import() through this module rather than from the package:
// an SDK client reached directly is an import() target that does not import lib/lazy-core.ts, and
// the credential chain it shares with the table client became a file of its own (docs/performance.md).
export { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
