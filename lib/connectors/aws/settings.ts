import { section, setting, oneOf, str, optStr, optUrl, url, int } from '../../config/define.ts';

/**
 * AWS connector. Names avoid the AWS_ prefix: Lambda reserves it and the stacks never forward such
 * settings to functions. Aurora's own credentials come from the AWS SDK default credential chain
 * (the function's role on Lambda; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a web identity
 * elsewhere), which the SDK reads itself.
 */
export const awsSection = section(
  {
    AURORA_AWS_STS_ENDPOINT: setting(optUrl(), 'STS endpoint override (a VPC endpoint, a sovereign partition, or the local simulator). Default: the regional STS endpoint of AURORA_AWS_STS_REGION.'),
    AURORA_AWS_CLI_ENDPOINT_URL: setting(
      optUrl(),
      'cloud_tool: endpoint the aws CLI sends every service to (AWS_ENDPOINT_URL): a gateway of VPC endpoints, or the local simulator (set by --simulate). Default: each service\'s regional endpoint.',
    ),
    AURORA_AWS_STS_REGION: setting(optStr(), 'Region of the STS endpoint used for AssumeRole and GetCallerIdentity. Default: AWS_REGION.'),
    AURORA_AWS_STS_TIMEOUT_MS: setting(int(5000, 50, 60000), 'Timeout of one STS request in milliseconds (timeouts, throttling and 5xx are retried, AURORA_AWS_STS_MAX_ATTEMPTS in all).'),
    AURORA_AWS_STS_MAX_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per STS call, first one included (1 = no retry).'),
    AURORA_AWS_SESSION_SECONDS: setting(int(3600, 900, 43200), 'DurationSeconds of the role sessions Aurora starts (validation and short-lived command credentials).'),
    AURORA_AWS_DEFAULT_REGION: setting(str('us-east-1'), 'Region recorded for a connected account when POST /aws/auth names none (the default region of its commands).'),
    AURORA_AWS_ROLE_NAME: setting(str('AuroraRole'), 'Name suggested for the customer role in the onboarding CloudFormation template.'),
    AURORA_AWS_ACCESS_LEVEL: setting(oneOf(['ReadOnly', 'PowerUser'], 'ReadOnly'), 'Managed policy the onboarding template attaches to the customer role unless the request asks otherwise: ReadOnly (ReadOnlyAccess) or PowerUser (PowerUserAccess).'),
    AURORA_AWS_CFN_TEMPLATE_URL: setting(
      optUrl(),
      'HTTPS (S3) URL where the onboarding CloudFormation template is published. When set, GET /aws/onboarding also returns it and a console quick-create link; the template is always returned inline.',
    ),
    AURORA_AWS_CONSOLE_URL: setting(url('https://console.aws.amazon.com'), 'AWS console base URL for the quick-create link (another partition has another console).'),
  },
  (v) => ({
    stsEndpoint: v.AURORA_AWS_STS_ENDPOINT,
    stsRegion: v.AURORA_AWS_STS_REGION,
    cliEndpointUrl: v.AURORA_AWS_CLI_ENDPOINT_URL,
    stsTimeoutMs: v.AURORA_AWS_STS_TIMEOUT_MS,
    stsMaxAttempts: v.AURORA_AWS_STS_MAX_ATTEMPTS,
    sessionSeconds: v.AURORA_AWS_SESSION_SECONDS,
    defaultRegion: v.AURORA_AWS_DEFAULT_REGION,
    roleName: v.AURORA_AWS_ROLE_NAME,
    accessLevel: v.AURORA_AWS_ACCESS_LEVEL,
    templateUrl: v.AURORA_AWS_CFN_TEMPLATE_URL,
    consoleUrl: v.AURORA_AWS_CONSOLE_URL,
  }),
);
