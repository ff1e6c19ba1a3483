/** API Gateway settings from the deploy environment (same variable names as lib/config). */
import type { HttpMethod } from '../../http/route-types.ts';
import type { DeploySettings } from './settings.ts';
import type { AuthMode } from './types.ts';

export interface ApiPlan {
  authMode: AuthMode;
  /** credentials: the OAuth login routes set the browser-binding cookie (lib/oauth/binding.ts) */
  cors: { allowOrigins: string[]; allowHeaders: string[]; allowMethods: Array<HttpMethod | 'OPTIONS'>; allowCredentials: true; maxAgeSeconds: number };
  throttle: { burstLimit: number; rateLimit: number };
  /** a JWT authorizer for "user" routes, when JWT_ISSUER is set */
  jwt?: { issuer: string; audiences: string[] };
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
export function planApi(env: Record<string, string | undefined>, settings: Pick<DeploySettings, 'authMode'>): ApiPlan {
  const warnings: string[] = [];
  const originRaw = env.FRONTEND_ORIGIN || new URL(env.FRONTURL || 'http://localhost:3000/chat').origin;
  const origin = new URL(originRaw).origin;
  if (origin !== originRaw.replace(/\/$/, '')) throw new Error(`FRONTEND_ORIGIN="${originRaw}" must be an origin (scheme://host[:port]), not a URL with a path`);
  const issuer = env.JWT_ISSUER || undefined;
  const audiences = (env.JWT_AUDIENCE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (issuer && audiences.length === 0) throw new Error('JWT_ISSUER is set but JWT_AUDIENCE is empty: API Gateway JWT authorizers need at least one audience');
  if (settings.authMode === 'jwt' && !issuer) warnings.push('AUTH_MODE is jwt but JWT_ISSUER is unset: no authorizer, every "user" route will answer 401');
  if (settings.authMode === 'trusted-header' && issuer) warnings.push('AUTH_MODE is trusted-header although JWT_ISSUER is set: the X-User-ID header is trusted');
  if (settings.authMode === 'trusted-header' && !issuer) warnings.push('AUTH_MODE is trusted-header: deploy this API only behind a proxy that sets X-User-ID');
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
    warnings,
  };
}
