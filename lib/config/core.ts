import { section, setting, oneOf, str, optStr, url, optUrl, int, bool } from './define.ts';

export const coreSection = section(
  {
    AURORA_STAGE: setting(str('local'), 'Deployment stage name; "local" on a laptop. Set by the SST stacks when deployed.'),
    AUTH_MODE: setting(
      oneOf(['jwt', 'trusted-header']),
      'How the caller is identified: "jwt" (API Gateway JWT authorizer claims) or "trusted-header" (X-User-ID, only behind a trusted proxy; refused together with JWT_ISSUER). Default: jwt when deployed or when JWT_ISSUER is set, otherwise trusted-header.',
    ),
    JWT_ISSUER: setting(optStr(), 'Issuer URL of the JWT authorizer (deployed). When set, the api stack adds a JWT authorizer.'),
    JWT_AUDIENCE: setting(optStr(), 'Comma-separated audiences accepted by the JWT authorizer.'),
    TABLE_NAME: setting(optStr(), 'DynamoDB table name. Set by the stacks for functions with the table capability; locally "aurora-connectors".'),
    DYNAMODB_ENDPOINT: setting(optStr(), 'DynamoDB endpoint override (the local runtime points it at the embedded emulator).'),
    AWS_REGION: setting(str('us-east-1'), 'AWS region for DynamoDB, Secrets Manager, STS and Step Functions.'),
    FRONTURL: setting(optUrl(), 'Frontend page that OAuth callbacks redirect to. Default: <BACKEND_URL>/connectors, the Connectors page of the console the local runtime serves (deployed, stacks/web.ts points it at the deployed console).'),
    FRONTEND_ORIGIN: setting(optStr(), 'Origin allowed by CORS. Default: the origin of FRONTURL.'),
    BACKEND_URL: setting(url('http://localhost:5080'), 'Public base URL of this API, used to build OAuth redirect URIs.'),
    LOG_LEVEL: setting(oneOf(['debug', 'info', 'warn', 'error', 'silent'], 'info'), 'Minimum log level.'),
    MAX_BODY_BYTES: setting(int(65536, 1024, 10 * 1024 * 1024), 'Largest accepted request body in bytes (larger → 413).'),
    VALIDATE_RESPONSES: setting(bool(false), 'Validate every response against its route schema (on in tests and locally).'),
    AURORA_DATA_DIR: setting(str('.data'), 'Local runtime: where the embedded DynamoDB and the local secret store persist.'),
    PORT: setting(int(5080, 0, 65535), 'Local runtime: HTTP port of the local gateway.'),
    API_THROTTLE_BURST_LIMIT: setting(int(100, 1, 100000), 'sst deploy only: API Gateway burst limit per route.'),
    API_CUSTOM_DOMAIN: setting(optStr(), 'sst deploy only: custom domain of the HTTP API (a domain name). AUTH_MODE=trusted-header deploys only with one: the execute-api endpoint is then disabled so only the trusted proxy in front of the domain reaches the API.'),
    API_CUSTOM_DOMAIN_CERT_ARN: setting(optStr(), 'sst deploy only: ACM certificate ARN for API_CUSTOM_DOMAIN when its DNS is not a Route 53 zone SST can write to (no DNS records are created then).'),
    ALARM_EMAIL: setting(optStr(), 'sst deploy only: comma-separated e-mail addresses subscribed to the alarm topic (failed GCP setups, failed scheduled jobs); each confirms by e-mail.'),
    API_THROTTLE_RATE_LIMIT: setting(int(50, 1, 100000), 'sst deploy only: API Gateway rate limit per route (requests per second).'),
  },
  (v) => {
    const deployed = v.AURORA_STAGE !== 'local';
    return {
      stage: v.AURORA_STAGE,
      deployed,
      // an issuer means verified tokens: never fall back to a header anyone can send
      authMode: v.AUTH_MODE ?? (deployed || v.JWT_ISSUER ? 'jwt' : 'trusted-header'),
      jwtIssuer: v.JWT_ISSUER,
      jwtAudience: v.JWT_AUDIENCE?.split(',').map((s) => s.trim()).filter(Boolean) ?? [],
      tableName: v.TABLE_NAME,
      dynamoEndpoint: v.DYNAMODB_ENDPOINT,
      region: v.AWS_REGION,
      frontUrl: v.FRONTURL ?? `${v.BACKEND_URL}/connectors`,
      corsOrigin: v.FRONTEND_ORIGIN ?? new URL(v.FRONTURL ?? v.BACKEND_URL).origin,
      backendUrl: v.BACKEND_URL,
      logLevel: v.LOG_LEVEL,
      maxBodyBytes: v.MAX_BODY_BYTES,
      validateResponses: v.VALIDATE_RESPONSES,
      dataDir: v.AURORA_DATA_DIR,
      port: v.PORT,
    };
  },
);
