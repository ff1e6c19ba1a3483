import { section, setting, int, custom, urlTemplate } from '../../config/define.ts';

const template = urlTemplate('https://{stack}.grafana.net', '{stack}', 'aurora');

const hosts = custom((v) => (v ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));

export const grafanaSection = section(
  {
    GRAFANA_CLOUD_URL_TEMPLATE: setting(
      template,
      'API base of a Grafana Cloud stack, with {stack} replaced by the stack of a https://<stack>.grafana.net URL. Default: https://{stack}.grafana.net. A proxy in front of Grafana Cloud, or the local simulator. Self-hosted URLs are used as the user gives them.',
    ),
    GRAFANA_ALLOW_HTTP_HOSTS: setting(hosts, 'Comma-separated hosts (host:port) a self-hosted Grafana URL may reach over plain http or on this machine (loopback); every other URL must be https and not loopback, link-local or a metadata address. Default: none (the local simulator sets its own).'),
    GRAFANA_HTTP_TIMEOUT_MS: setting(int(8000, 50, 60000), 'Timeout of one Grafana API call in milliseconds (reads are retried on 429/5xx/timeouts).'),
    GRAFANA_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per retryable Grafana API call (1 = no retry).'),
  },
  (v) => ({ cloudUrlTemplate: v.GRAFANA_CLOUD_URL_TEMPLATE, allowHttpHosts: v.GRAFANA_ALLOW_HTTP_HOSTS, timeoutMs: v.GRAFANA_HTTP_TIMEOUT_MS, attempts: v.GRAFANA_HTTP_ATTEMPTS }),
);
