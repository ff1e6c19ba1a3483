import { connector as gcp } from './gcp/connector.ts';
import { connector as aws } from './aws/connector.ts';
import { connector as azure } from './azure/connector.ts';
import { connector as scaleway } from './scaleway/connector.ts';
import { connector as tailscale } from './tailscale/connector.ts';
import { connector as ovh } from './ovh/connector.ts';
import { connector as kubernetes } from './kubernetes/connector.ts';
import { connector as datadog } from './datadog/connector.ts';
import { connector as pagerduty } from './pagerduty/connector.ts';
import { connector as confluence } from './confluence/connector.ts';
import { connector as github } from './github/connector.ts';
import { connector as slack } from './slack/connector.ts';
import { connector as grafana } from './grafana/connector.ts';
import { connector as netdata } from './netdata/connector.ts';

/**
 * THE list of connectors: add a connector's folder, one line here, then `npm run gen` (which writes
 * lib/connectors/generated/ and the per-connector entry points under functions/connectors/).
 * Everything else derives from this list: the provider ids and their zod enum, the settings, the
 * CLI table, the route table, the catalogue (GET /api/connectors), the simulators, the README tables.
 */
export const CONNECTORS = [gcp, aws, azure, scaleway, tailscale, ovh, kubernetes, datadog, pagerduty, confluence, github, slack, grafana, netdata] as const;

export type Connector = (typeof CONNECTORS)[number];
