import type { Api } from './api.ts';

/** GET /api/connectors: the connector catalogue, the console's only source for cards and forms. */
export interface ConnectorField {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
  pattern?: string;
  example?: string;
  description: string;
}

export interface Connector {
  id: string;
  name: string;
  kind: 'cloud' | 'tool' | 'cluster';
  auth_kind: string;
  enabled: boolean;
  fields: ConnectorField[];
  connect?: { method: string; path: string };
  oauth?: { method: string; path: string; url_field: string };
  /** what to read before the form makes sense (AWS: the External ID issued to the user) */
  onboarding?: { method: string; path: string };
  status_path: string;
  disconnect_path: string;
  reconnect_path: string;
  account_id_label: string;
}

/** GET /api/user_connections */
export interface Account {
  provider: string;
  account_id: string;
  account_name: string;
  status: 'connected' | 'not_connected' | 'pending' | 'error';
  status_reason?: string;
  created_at: string;
  updated_at: string;
}

/** What a status_path answers (connector-specific fields aside). */
export interface ConnectorStatus {
  connected: boolean;
  provider?: string;
  status?: string;
  reason?: string;
}

export const KIND_HEADINGS: Record<Connector['kind'], string> = { cloud: 'Clouds', tool: 'Tools', cluster: 'Kubernetes' };
export const KIND_ORDER: Connector['kind'][] = ['cloud', 'tool', 'cluster'];

const cache = new WeakMap<Api, Promise<Connector[]>>();

/** The enabled connectors; fetched once per signed-in user (the catalogue does not change while the page runs). */
export function loadCatalogue(api: Api): Promise<Connector[]> {
  let p = cache.get(api);
  if (!p) {
    p = api.get<{ connectors: Connector[] }>('/api/connectors').then((r) => r.connectors.filter((c) => c.enabled));
    p.catch(() => cache.delete(api));
    cache.set(api, p);
  }
  return p;
}

/** A catalogue path with its {id} filled in (paths may come resolved or as templates). */
export function pathFor(path: string, c: Connector): string {
  return path.replace(/\{(id|provider|connector)\}/g, encodeURIComponent(c.id));
}

/** Client-side check of one field before anything is sent; null when it is fine. */
export function fieldProblem(f: ConnectorField, value: string): string | null {
  if (!value) return f.required ? `${f.label} is required.` : null;
  if (f.pattern) {
    // anchored like an HTML pattern attribute; a pattern this browser cannot compile is left to the server
    let re: RegExp | null = null;
    try {
      re = new RegExp(`^(?:${f.pattern})$`);
    } catch {
      re = null;
    }
    if (re && !re.test(value)) return `${f.label} does not have the expected format${f.example && !f.secret ? `, for example ${f.example}` : ''}.`;
  }
  return null;
}
