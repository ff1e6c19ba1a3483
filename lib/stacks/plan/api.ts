/** API Gateway settings from the deploy environment (same variable names as lib/config). */
import type { HttpMethod } from '../../http/route-types.ts';
import { assertDeployableIdentity, type DeploySettings } from './settings.ts';
import type { AuthMode } from './types.ts';

export interface ApiPlan {
  authMode: AuthMode;
  /** credentials: the OAuth login routes set the browser-binding cookie (lib/oauth/binding.ts) */
  cors: { allowOrigins: string[]; allowHeaders: string[]; allowMethods: Array<HttpMethod | 'OPTIONS'>; allowCredentials: true; maxAgeSeconds: number };
  throttle: { burstLimit: number; rateLimit: number };
  /** a JWT authorizer for "user" routes, when JWT_ISSUER is set */
  jwt?: { issuer: string; audiences: string[] };
  /** a custom domain (API_CUSTOM_DOMAIN); its certificate when SST cannot write its DNS */
  domain?: { name: string; certArn?: string };
  /** false in trusted-header mode: only the custom domain, behind the trusted proxy, reaches the API */
  defaultEndpoint: boolean;
  warnings: string[];
}

export const DEFAULT_THROTTLE = { burstLimit: 100, rateLimit: 50 } as const;

function positiveInt(env: Record<string, string | undefined>, key: string, def: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${key}="${raw}" must be a positive integer`);
  return n;
}

/** CORS, throttling and the authorizer from the deploy environment (same variable names as lib/config). */
export function planApi(env: Record<string, string | undefined>, settings: Pick<DeploySettings, 'authMode'>, stage?: string): ApiPlan {
  const warnings: string[] = [];
  assertDeployableIdentity(env, settings.authMode, stage);
  const originRaw = env.FRONTEND_ORIGIN || new URL(env.FRONTURL || 'http://localhost:3000/chat').origin;
  const origin = new URL(originRaw).origin;
  if (origin !== originRaw.replace(/\/$/, '')) throw new Error(`FRONTEND_ORIGIN="${originRaw}" must be an origin (scheme://host[:port]), not a URL with a path`);
  const issuer = env.JWT_ISSUER || undefined;
  const audiences = (env.JWT_AUDIENCE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (issuer && audiences.length === 0) throw new Error('JWT_ISSUER is set but JWT_AUDIENCE is empty: API Gateway JWT authorizers need at least one audience');
  if (settings.authMode === 'jwt' && !issuer) warnings.push('AUTH_MODE is jwt but JWT_ISSUER is unset: no authorizer, every "user" route will answer 401');
  if (settings.authMode === 'trusted-header') warnings.push('AUTH_MODE is trusted-header: only the proxy in front of API_CUSTOM_DOMAIN may set X-User-ID');
  const domainName = env.API_CUSTOM_DOMAIN || undefined;
  if (domainName && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domainName)) throw new Error(`API_CUSTOM_DOMAIN="${domainName}" must be a domain name (no scheme or path)`);
  const certArn = env.API_CUSTOM_DOMAIN_CERT_ARN || undefined;
  if (certArn && !domainName) throw new Error('API_CUSTOM_DOMAIN_CERT_ARN is set without API_CUSTOM_DOMAIN');
  if (certArn && !/^arn:aws[a-z-]*:acm:/.test(certArn)) throw new Error('API_CUSTOM_DOMAIN_CERT_ARN must be an ACM certificate ARN');
  const allowHeaders = ['content-type', 'authorization'];
  if (settings.authMode === 'trusted-header') allowHeaders.push('x-user-id');
  return {
    authMode: settings.authMode,
    cors: { allowOrigins: [origin], allowHeaders, allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'], allowCredentials: true, maxAgeSeconds: 3600 },
    throttle: {
      burstLimit: positiveInt(env, 'API_THROTTLE_BURST_LIMIT', DEFAULT_THROTTLE.burstLimit),
      rateLimit: positiveInt(env, 'API_THROTTLE_RATE_LIMIT', DEFAULT_THROTTLE.rateLimit),
    },
    jwt: issuer ? { issuer, audiences } : undefined,
    domain: domainName ? { name: domainName, certArn } : undefined,
    defaultEndpoint: settings.authMode !== 'trusted-header',
    warnings,
  };
}
