/**
 * Where alarms go: one SNS topic of the stacks (stacks/alarms.ts), with e-mail subscriptions from
 * ALARM_EMAIL, and the alarms as data so their actions are tested (test/unit/stacks-deploy.test.ts).
 * Every alarm the stacks create names the topic in its alarm actions: an alarm nobody hears
 * about is not one.
 */
export const ALARM_TOPIC_COMPONENT = 'Alarms';
export const ALARM_TOKENS = { topicArn: '{{alarms.topicArn}}' } as const;

export interface AlarmPlan {
  /** component name */
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  /** values may hold {{tokens}} */
  dimensions: Record<string, string>;
  statistic: 'Sum' | 'Maximum';
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
  treatMissingData: 'notBreaching';
  /** the alarm topic, always */
  alarmActions: string[];
}

/** A metric that must stay at zero: any datapoint above it in a period alarms the topic. */
export function zeroAlarm(a: Pick<AlarmPlan, 'name' | 'description' | 'namespace' | 'metricName' | 'dimensions' | 'statistic'> & { periodSeconds?: number }): AlarmPlan {
  return { periodSeconds: 300, ...a, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching', alarmActions: [ALARM_TOKENS.topicArn] };
}

/** ALARM_EMAIL: comma-separated addresses subscribed to the topic (each confirms by e-mail). */
export function alarmSubscriptions(env: Record<string, string | undefined>): Array<{ protocol: 'email'; endpoint: string }> {
  const list = (env.ALARM_EMAIL ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of list) if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e)) throw new Error(`ALARM_EMAIL: "${e}" is not an e-mail address`);
  return list.map((endpoint) => ({ protocol: 'email' as const, endpoint }));
}
