import { describe, expect, it } from 'vitest';
import { allSettings } from '../../lib/config.ts';
import { deploySettings, planApi } from '../../lib/stacks-plan.ts';

/**
 * What a real `sst deploy` must refuse or get right (issue 16), over the pure plans the stacks
 * apply: stacks/secrets.ts calls deploySettings with the stage first, stacks/api.ts planApi.
 */
const prod = { JWT_ISSUER: 'https://issuer.example', JWT_AUDIENCE: 'console', FRONTURL: 'https://console.example.com/connectors' };

describe('identity at deploy time', () => {
  it('trusted-header with a JWT issuer is refused, on any stage', () => {
    for (const stage of ['dev', 'production']) {
      expect(() => deploySettings({ ...prod, AUTH_MODE: 'trusted-header', API_CUSTOM_DOMAIN: 'api.example.com' }, allSettings(), stage)).toThrow(/trusted-header cannot be deployed with JWT_ISSUER/);
    }
    expect(() => planApi({ ...prod, API_CUSTOM_DOMAIN: 'api.example.com' }, { authMode: 'trusted-header' })).toThrow(/JWT_ISSUER/);
  });

  it('trusted-header only with a custom domain, and then the execute-api endpoint is disabled', () => {
    expect(() => deploySettings({ AUTH_MODE: 'trusted-header' }, allSettings(), 'dev')).toThrow(/API_CUSTOM_DOMAIN/);
    expect(() => planApi({ FRONTURL: 'https://ui.example.com/c' }, { authMode: 'trusted-header' }, 'dev')).toThrow(/API_CUSTOM_DOMAIN/);
    const behindProxy = { FRONTURL: 'https://ui.example.com/c', API_CUSTOM_DOMAIN: 'api.internal.example.com' };
    expect(deploySettings({ ...behindProxy, AUTH_MODE: 'trusted-header' }, allSettings(), 'dev').authMode).toBe('trusted-header');
    const plan = planApi(behindProxy, { authMode: 'trusted-header' }, 'dev');
    expect(plan).toMatchObject({ defaultEndpoint: false, domain: { name: 'api.internal.example.com' }, jwt: undefined });
    // the domain is not forwarded to the functions: nothing for them to know
    expect(deploySettings({ ...behindProxy, AUTH_MODE: 'trusted-header' }, allSettings(), 'dev').shared).not.toHaveProperty('API_CUSTOM_DOMAIN');
  });

  it('jwt mode keeps the default endpoint (the authorizer guards it) and takes an optional domain with its certificate', () => {
    expect(planApi(prod, { authMode: 'jwt' }, 'production')).toMatchObject({ defaultEndpoint: true, domain: undefined, jwt: { issuer: prod.JWT_ISSUER, audiences: ['console'] } });
    const withCert = planApi({ ...prod, API_CUSTOM_DOMAIN: 'api.example.com', API_CUSTOM_DOMAIN_CERT_ARN: 'arn:aws:acm:eu-west-1:1:certificate/x' }, { authMode: 'jwt' });
    expect(withCert.domain).toEqual({ name: 'api.example.com', certArn: 'arn:aws:acm:eu-west-1:1:certificate/x' });
    expect(() => planApi({ ...prod, API_CUSTOM_DOMAIN: 'https://api.example.com/x' }, { authMode: 'jwt' })).toThrow(/API_CUSTOM_DOMAIN/);
    expect(() => planApi({ ...prod, API_CUSTOM_DOMAIN_CERT_ARN: 'arn:aws:acm:eu-west-1:1:certificate/x' }, { authMode: 'jwt' })).toThrow(/without API_CUSTOM_DOMAIN/);
  });

  it('the production stage fails without JWT_ISSUER or without FRONTURL/FRONTEND_ORIGIN; other stages only warn', () => {
    const { JWT_ISSUER: _i, JWT_AUDIENCE: _a, ...noIssuer } = prod;
    const { FRONTURL: _f, ...noFront } = prod;
    expect(() => deploySettings(noIssuer, allSettings(), 'production')).toThrow(/production stage needs JWT_ISSUER/);
    expect(() => planApi(noIssuer, { authMode: 'jwt' }, 'production')).toThrow(/production stage needs JWT_ISSUER/);
    expect(() => deploySettings(noFront, allSettings(), 'production')).toThrow(/production stage needs FRONTURL or FRONTEND_ORIGIN/);
    expect(() => planApi(noFront, { authMode: 'jwt' }, 'production')).toThrow(/FRONTURL or FRONTEND_ORIGIN/);
    expect(deploySettings({ ...noFront, FRONTEND_ORIGIN: 'https://console.example.com' }, allSettings(), 'production').authMode).toBe('jwt');
    expect(deploySettings(prod, allSettings(), 'production').shared.FRONTURL).toBe(prod.FRONTURL);
    expect(planApi({}, { authMode: 'jwt' }, 'dev').warnings.join()).toMatch(/JWT_ISSUER is unset/);
  });
});

describe('CORS', () => {
  it('allows credentials for exactly the one console origin', () => {
    const cors = planApi(prod, { authMode: 'jwt' }, 'production').cors;
    expect(cors.allowCredentials).toBe(true);
    expect(cors.allowOrigins).toEqual(['https://console.example.com']);
    expect(cors.allowOrigins).not.toContain('*');
  });
});
