import { httpHandler, ok } from '../../lib/http/handler.ts';
import { slackEventsRoute } from '../../lib/connectors/slack/routes.ts';
import { receiveSlackEvent } from '../../lib/connectors/slack/events.ts';
import { PayloadTooLargeError } from '../../lib/errors.ts';

export const handler = httpHandler(slackEventsRoute, async ({ event }, d) => {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  // the signature covers the exact bytes Slack sent, so the body is read raw, capped like a webhook's
  if (Buffer.byteLength(body, 'utf8') > d.config.webhooks.maxBodyBytes) throw new PayloadTooLargeError(d.config.webhooks.maxBodyBytes);
  return ok(await receiveSlackEvent(d, event.headers ?? {}, body));
});
