/**
 * What the site answers with besides its files, in one place for `npm start` and CloudFront:
 * the security headers (a strict CSP: scripts and styles from the site itself only) and the
 * runtime configuration each app reads from config.json.
 */
import type { SiteConfig } from './src/shared/config.ts';

export type { SiteConfig } from './src/shared/config.ts';

/**
 * The Content-Security-Policy. `connectOrigins` are the origins the apps call besides their own:
 * none locally; in AWS the Cognito endpoints of the hosted sign-in (OIDC discovery, token).
 */
export function contentSecurityPolicy(connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectOrigins].join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every page and asset carries (CloudFront's response headers policy sets the same). */
export function securityHeaders(connectOrigins: readonly string[] = []): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(connectOrigins),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };
}

/** The two apps' paths on the site. */
export const SME_APP_PATH = '/';
export const OPS_APP_PATH = '/ops/';

/** The origin of Cognito's user pool API (OIDC discovery and keys), e.g. https://cognito-idp.cn-north-1.amazonaws.com.cn. */
export function cognitoIdpOrigin(region: string, urlSuffix: string): string {
  return `https://cognito-idp.${region}.${urlSuffix}`;
}

/**
 * The deployed configuration of one app: the hosted sign-in of its user pool (OAuth code flow
 * with PKCE), the API on the site's own origin (CloudFront routes /v1/* and /console/* to it).
 */
export function cognitoConfig(options: { authority: string; clientId: string; domain: string; scope: string; opsApiPrefix: string }): SiteConfig {
  const { authority, clientId, domain, scope, opsApiPrefix } = options;
  return { mode: 'cognito', apiBase: '', opsApiPrefix, cognito: { authority, clientId, domain, scope } };
}

/** The local (npm start) configuration: sign in by picking a demo user. */
export function localConfig(demo: NonNullable<SiteConfig['demo']>): SiteConfig {
  return { mode: 'local', apiBase: '', opsApiPrefix: '', demo };
}
