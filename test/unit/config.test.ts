import { describe, expect, it } from 'vitest';
import { load } from '../../lib/config.ts';

describe('config', () => {
  it('uses embedded defaults with an empty environment', () => {
    const c = load({});
    expect(c.core.authMode).toBe('trusted-header');
    expect(c.core.tableName).toBe('aurora-connectors');
    expect(c.secrets.backend).toBe('local');
    expect(c.core.frontUrl).toBe('http://localhost:5080/connectors');
    expect(c.core.corsOrigin).toBe('http://localhost:5080');
  });
  it('defaults to jwt identity when deployed', () => {
    expect(load({ AURORA_STAGE: 'prod' }).core.authMode).toBe('jwt');
    expect(load({ AURORA_STAGE: 'prod', AUTH_MODE: 'trusted-header' }).core.authMode).toBe('trusted-header');
  });
  it('refuses trusted-header identity beside a JWT issuer, and an issuer alone means jwt', () => {
    expect(() => load({ AUTH_MODE: 'trusted-header', JWT_ISSUER: 'https://issuer.example' })).toThrow(/AUTH_MODE=trusted-header cannot be combined with JWT_ISSUER/);
    expect(() => load({ AURORA_STAGE: 'prod', AUTH_MODE: 'trusted-header', JWT_ISSUER: 'https://issuer.example' })).toThrow(/JWT_ISSUER/);
    expect(load({ JWT_ISSUER: 'https://issuer.example' }).core.authMode).toBe('jwt');
  });
  it('reads the table name from TABLE_NAME only: SST 4 sets no SST_RESOURCE_<Name> for it', () => {
    expect(load({ TABLE_NAME: 'app-prod-Table' }).core.tableName).toBe('app-prod-Table');
    expect(load({ SST_RESOURCE_Table: JSON.stringify({ name: 'app-prod-Table' }) }).core.tableName).toBe('aurora-connectors');
  });
  it('names the setting that is invalid, never its value', () => {
    expect(() => load({ SECRET_BACKEND: 'floppy', PORT: 'abc' })).toThrow(/SECRET_BACKEND.*PORT|PORT.*SECRET_BACKEND/);
  });
  it('says what is wrong with each refused setting, all of them at once', () => {
    const refused = () =>
      load({
        LOG_LEVEL: 'loud',
        BACKEND_URL: 'not a url',
        PORT: '70000',
        MAX_BODY_BYTES: '1.5',
        GCP_CLI_API_ENDPOINT_OVERRIDES: 'compute=https://compute.example/,storage',
        GCP_READONLY_ROLES: 'viewer',
        DATADOG_API_URL_TEMPLATE: 'https://api.datadoghq.com',
      });
    expect(refused).toThrow(/BACKEND_URL: must be a URL\b/);
    expect(refused).toThrow(/LOG_LEVEL: must be one of debug, info, warn, error, silent\b/);
    expect(refused).toThrow(/PORT: must be an integer between 0 and 65535\b/);
    expect(refused).toThrow(/MAX_BODY_BYTES: must be an integer between 1024 and 10485760\b/);
    expect(refused).toThrow(/GCP_CLI_API_ENDPOINT_OVERRIDES: "storage" is not api=url/);
    expect(refused).toThrow(/GCP_READONLY_ROLES: must be a comma-separated list of IAM role names/);
    expect(refused).toThrow(/DATADOG_API_URL_TEMPLATE: must be a URL holding \{site\}/);
  });
  it('reads each kind of setting: defaults when unset or empty, the text otherwise', () => {
    const d = load({ PORT: '', LOG_LEVEL: '', BACKEND_URL: '' });
    expect([d.core.port, d.core.logLevel, d.core.backendUrl, d.core.validateResponses, d.secrets.backend]).toEqual([5080, 'info', 'http://localhost:5080', false, 'local']);
    const c = load({
      PORT: '6000',
      LOG_LEVEL: 'warn',
      BACKEND_URL: 'https://api.example.com///',
      VALIDATE_RESPONSES: 'YES',
      GCP_CLI_API_ENDPOINT_OVERRIDES: ' compute=https://compute.example/ , storage=http://127.0.0.1:9/ ',
      GRAFANA_ALLOW_HTTP_HOSTS: 'Grafana.Local:3000, ,127.0.0.1:9',
    });
    expect([c.core.port, c.core.logLevel, c.core.backendUrl, c.core.validateResponses]).toEqual([6000, 'warn', 'https://api.example.com', true]);
    expect(c.gcp.cliEndpointOverrides).toEqual({ compute: 'https://compute.example/', storage: 'http://127.0.0.1:9/' });
    expect(c.grafana.allowHttpHosts).toEqual(['grafana.local:3000', '127.0.0.1:9']);
  });
  it("reads a setting under the seed's name when its own is unset (NEXT_PUBLIC_ENABLE_SLACK)", () => {
    expect(load({}).features.slack).toBe(false);
    expect(load({ NEXT_PUBLIC_ENABLE_SLACK: 'true' }).features.slack).toBe(true);
    // the project's own name wins
    expect(load({ NEXT_PUBLIC_ENABLE_SLACK: 'true', FEATURE_FLAG_SLACK_ENABLED: 'false' }).features.slack).toBe(false);
  });
});
