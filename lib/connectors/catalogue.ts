import type { Deps } from '../deps.ts';
import { CONNECTORS } from './index.ts';
import { connectorPaths, type ConnectorDef } from './kit/define.ts';

/**
 * GET /api/connectors: what the console builds its cards and forms from, straight from the list.
 * A connector whose feature flag is off is listed with enabled: false (its routes answer 404).
 */
export function connectorCatalogue(d: Deps) {
  const list: readonly ConnectorDef[] = CONNECTORS;
  return {
    connectors: list.map((c) => {
      const paths = connectorPaths(c.id);
      return {
        id: c.id,
        name: c.name,
        kind: c.kind,
        auth_kind: c.authKind,
        enabled: d.config.features[c.id as keyof typeof d.config.features],
        fields: c.fields.map((f) => ({
          name: f.name,
          label: f.label,
          secret: f.secret,
          required: f.required,
          ...(f.pattern ? { pattern: f.pattern } : {}),
          ...(f.example ? { example: f.example } : {}),
          description: f.description,
          ...(f.maxLength ? { max_length: f.maxLength } : {}),
        })),
        ...(c.connect ? { connect: { method: c.connect.method, path: c.connect.path } } : {}),
        ...(c.oauth ? { oauth: { method: c.oauth.method, path: c.oauth.path, url_field: c.oauth.urlField } } : {}),
        ...(c.onboarding ? { onboarding: { method: c.onboarding.method, path: c.onboarding.path } } : {}),
        status_path: paths.status,
        disconnect_path: paths.disconnect,
        reconnect_path: paths.reconnect,
        account_id_label: c.account.label,
        clis: [...c.clis],
        legacy_paths: [...(c.legacy?.status ?? []), ...(c.legacy?.disconnect ? [c.legacy.disconnect.path] : []), ...(c.webhook?.setupPath ? [c.webhook.setupPath] : [])],
        ...(c.webhook ? { webhook: { delivery_path: c.webhook.path, setup_path: paths.webhook, ...(c.webhook.create ? { create_path: paths.webhook } : {}) } } : {}),
      };
    }),
  };
}
