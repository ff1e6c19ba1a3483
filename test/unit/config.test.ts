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
  it("reads a setting under the seed's name when its own is unset (NEXT_PUBLIC_ENABLE_SLACK)", () => {
    expect(load({}).features.slack).toBe(false);
    expect(load({ NEXT_PUBLIC_ENABLE_SLACK: 'true' }).features.slack).toBe(true);
    // the project's own name wins
    expect(load({ NEXT_PUBLIC_ENABLE_SLACK: 'true', FEATURE_FLAG_SLACK_ENABLED: 'false' }).features.slack).toBe(false);
  });
});
