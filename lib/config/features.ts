import { section, setting, bool } from './define.ts';

export const featuresSection = section(
  {
    FEATURE_FLAG_OVH_ENABLED: setting(bool(false), 'Enable the OVH connector; every /ovh_api route answers 404 while it is off.'),
  },
  (v) => ({ ovh: v.FEATURE_FLAG_OVH_ENABLED }),
);
