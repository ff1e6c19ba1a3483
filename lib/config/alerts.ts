import { section, setting, int, optStr, optUrl } from './define.ts';

export const alertsSection = section(
  {
    ALERT_RETENTION_DAYS: setting(int(30, 1, 400), 'How long a received alert is kept (its table item expires then); a redelivery within this time is recognised as a duplicate.'),
    ALERT_BUS_NAME: setting(
      optStr(),
      'EventBridge bus that new alerts are published to, from the table\'s stream (deployed: set by the stacks on the alert publisher only). Unset: the in-process bus of the local runtime.',
    ),
    EVENTBRIDGE_ENDPOINT: setting(optUrl(), 'EventBridge endpoint override (a VPC endpoint; tests use a local fake).'),
  },
  (v) => ({ retentionDays: v.ALERT_RETENTION_DAYS, busName: v.ALERT_BUS_NAME, eventBridgeEndpoint: v.EVENTBRIDGE_ENDPOINT }),
);
