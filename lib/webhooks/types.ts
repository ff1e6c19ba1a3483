import type { Deps } from '../deps.ts';
import type { Connection } from '../connections/types.ts';
import type { NormalisedEvent } from '../alerts/types.ts';
import type { SecretValue } from '../secret-value.ts';
import type { Registration } from './registry.ts';

/**
 * What a connector's webhook.ts exports as `webhook` (its data, the delivery path and the rest, is
 * `webhook` in its connector.ts). lib/webhooks/ does the rest once: the per-connection id and
 * signing secret, the lookup, the replay window, deduplication, storage and publication.
 */

/** A delivery as it arrived: header names lower-case, the body exactly as sent (signatures cover it). */
export interface Delivery {
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: string;
  query: Readonly<Record<string, string | undefined>>;
}

/**
 * Whether a delivery proves it comes from the tool, computed in constant time against the
 * connection's secret (lib/webhooks/signatures.ts). `sentAt`: when the tool says it sent it
 * (milliseconds), checked against the replay window; `undated` only for a kind of delivery the tool
 * sends without any time at all (the duplicate check still holds for the retention period).
 */
export type Verification = { ok: true; sentAt: number | 'undated' } | { ok: false; reason: string };

export interface WebhookTarget {
  /** the delivery URL of this connection (WEBHOOK_BASE_URL + the connector's path with the id) */
  url: string;
  webhookId: string;
  /** the signing secret the tool must hold */
  secret: SecretValue<string>;
  /** what the tool's API created before (bring it up to date rather than add another) */
  remote?: { id: string; name?: string };
}

/** What the user configures in the tool (GET /api/connectors/<id>/webhook): beside the URL and secret the framework adds. */
export interface SetupGuide {
  /** headers the tool must send; a value may be the secret itself (secret-header schemes) */
  headers: Record<string, string>;
  /** tool-specific settings to enter (a payload template, the HMAC header names) */
  settings: Record<string, unknown>;
  /** the steps in the tool's own console */
  steps: string[];
}

/** What the tool's API created (kept to remove it at disconnect); `secret` when the tool chose the signing secret itself. */
export interface CreatedWebhook {
  remoteId: string;
  remoteName?: string;
  secret?: SecretValue<string>;
  /** what to tell the user to do next (route monitors to it) */
  steps: string[];
}

export interface WebhookHooks {
  /** pure: the delivery against the connection's secret */
  verify(delivery: Delivery, secret: SecretValue<string>): Verification;
  /** the events of a verified delivery; a body that does not fit throws a 4xx (BadRequestError) */
  normalise(delivery: Delivery): NormalisedEvent[];
  setup(target: WebhookTarget): SetupGuide;
  /** create the webhook in the tool with the user's credentials (connector data `webhook.create`) */
  create?(d: Deps, conn: Connection, target: WebhookTarget): Promise<CreatedWebhook>;
  /** remove what `create` made, at disconnect (best effort: the tool may have removed it already) */
  remove?(d: Deps, conn: Connection, registration: Registration): Promise<void>;
  /** a GET handshake on the delivery path (connector data `webhook.challenge`): its answer, or null when the request is not one */
  challenge?(delivery: Delivery, secret: SecretValue<string>): { status: number; body: unknown } | null;
}
