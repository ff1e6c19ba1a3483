/**
 * Grafana as data: the service-account token format, how a Grafana URL is read (a Grafana Cloud
 * stack, `https://<stack>.grafana.net`, or a self-hosted instance), the API paths we call, the
 * HMAC headers its webhook contact point signs with, and the messages users see.
 */
export const grafana = {
  /** service-account tokens: glsa_, 32 alphanumerics, _, an 8-hex checksum */
  tokenPattern: /^glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}$/,
  /** a Grafana Cloud stack's address */
  cloudHost: /^([a-z0-9][a-z0-9-]{0,62})\.grafana\.net$/,
  paths: {
    org: '/api/org',
    health: '/api/health',
    contactPoints: '/api/v1/provisioning/contact-points',
    contactPoint: (uid: string) => `/api/v1/provisioning/contact-points/${encodeURIComponent(uid)}`,
  },
  /**
   * The webhook contact point's HMAC signature (Grafana 11.6+, `hmacConfig`): the signature header
   * holds hex HMAC-SHA256 of "<timestamp>:<body>" with the timestamp (Unix seconds) in its own header.
   */
  signatureHeader: 'X-Grafana-Alerting-Signature',
  timestampHeader: 'X-Grafana-Alerting-Timestamp',
  messages: {
    connected: 'Grafana connected successfully',
    disconnected: 'Grafana disconnected successfully',
    badUrl: 'base_url must be the https address of a Grafana Cloud stack (https://<stack>.grafana.net) or of a self-hosted Grafana, without credentials, query or fragment',
    plainHttp: (host: string) => `base_url must use https (${host} is not in GRAFANA_ALLOW_HTTP_HOSTS)`,
    localHost: (host: string) => `base_url must not name this machine or a cloud metadata address (${host})`,
    tokenRejected: (where: string) => `Grafana at ${where} rejected the service-account token: check it, and that its service account is enabled`,
    notGrafana: (where: string) => `${where} did not answer like Grafana's HTTP API: check base_url`,
    contactPointForbidden: "The service account may not manage contact points (its role needs alert.notifications:write, e.g. Editor); configure the contact point by hand as GET /api/connectors/grafana/webhook shows",
  },
} as const;

export interface GrafanaLocation {
  /** what users see and we keep: https://stack.grafana.net, https://grafana.example.com/sub */
  url: string;
  /** host and path, the first part of the account id */
  name: string;
  /** the stack, for a Grafana Cloud URL (its API base comes from GRAFANA_CLOUD_URL_TEMPLATE) */
  stack?: string;
}

/** A Grafana URL as users paste it (with or without https://, a trailing slash, a page path of a Cloud stack), or null. */
export function locationOf(input: string): GrafanaLocation | null {
  let v = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) v = `https://${v}`;
  if (!URL.canParse(v)) return null;
  const u = new URL(v);
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.hostname === '') return null;
  // a Cloud stack is its host: the address of any of its pages (?orgId=1 included) names it
  const stack = grafana.cloudHost.exec(u.hostname)?.[1];
  if (stack) return { url: `https://${u.hostname}`, name: u.hostname, stack };
  if (u.search || u.hash) return null;
  const path = u.pathname.replace(/\/+$/, '');
  return { url: `${u.protocol}//${u.host}${path}`, name: `${u.host}${path}` };
}
