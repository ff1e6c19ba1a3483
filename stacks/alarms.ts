/**
 * The alarm topic every alarm of the stacks notifies (lib/stacks/plan/alarms.ts decides; this file
 * applies), with the e-mail subscriptions of ALARM_EMAIL, and the helper that declares an alarm
 * from its plan.
 */
import { ALARM_TOKENS, ALARM_TOPIC_COMPONENT, alarmSubscriptions, tokenKey, type AlarmPlan } from "../lib/stacks-plan.ts";
import { resolver, type TokenValues } from "./functions.ts";

export function createAlarmTopic() {
  const subscriptions = alarmSubscriptions(process.env);
  const topic = new sst.aws.SnsTopic(ALARM_TOPIC_COMPONENT);
  subscriptions.forEach((s, i) => new aws.sns.TopicSubscription(`${ALARM_TOPIC_COMPONENT}Email${i}`, { topic: topic.arn, protocol: s.protocol, endpoint: s.endpoint }));
  return { topic, values: { [tokenKey(ALARM_TOKENS.topicArn)]: topic.arn } as TokenValues };
}

export function createAlarm(plan: AlarmPlan, values: TokenValues) {
  const resolve = resolver(values);
  return new aws.cloudwatch.MetricAlarm(plan.name, {
    alarmDescription: plan.description,
    namespace: plan.namespace,
    metricName: plan.metricName,
    dimensions: Object.fromEntries(Object.entries(plan.dimensions).map(([k, v]) => [k, resolve(v)])),
    statistic: plan.statistic,
    period: plan.periodSeconds,
    evaluationPeriods: plan.evaluationPeriods,
    threshold: plan.threshold,
    comparisonOperator: plan.comparisonOperator,
    treatMissingData: plan.treatMissingData,
    alarmActions: plan.alarmActions.map(resolve),
  });
}
