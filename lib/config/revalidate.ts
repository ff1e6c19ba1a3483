import { section, setting, int } from './define.ts';

export const revalidateSection = section(
  {
    REVALIDATE_CONCURRENCY: setting(int(8, 1, 100), 'Scheduled re-validation: live checks running at once.'),
    REVALIDATE_FAILURE_THRESHOLD: setting(
      int(3, 1, 100),
      'Scheduled re-validation: consecutive provider faults (5xx, timeouts) before a connection is marked error. A refused credential is marked at once.',
    ),
    REVALIDATE_SCHEDULE: setting(int(360, 5, 10080), 'Scheduled re-validation: minutes between runs (the EventBridge rule).'),
  },
  (v) => ({ concurrency: v.REVALIDATE_CONCURRENCY, failureThreshold: v.REVALIDATE_FAILURE_THRESHOLD, everyMinutes: v.REVALIDATE_SCHEDULE }),
);
