/**
 * The site's runtime configuration, fetched by each app from `config.json` beside its
 * index.html: written by `npm start` locally and by CDK (BucketDeployment) in AWS. Nothing of
 * it is secret: a public OAuth client id, a Cognito domain, the API's path prefixes.
 */
interface DemoBorrower {
  readonly id: string;
  readonly name: string;
}

export interface SiteConfig {
  /** 'local': sign in by choosing a demo user (x-dev-* headers); 'cognito': the user pool's hosted sign-in. */
  readonly mode: 'local' | 'cognito';
  /** Where the API is: '' for the same origin (CloudFront routes /v1/* to API Gateway; npm start serves both). */
  readonly apiBase: string;
  /**
   * Put before every ops route's path by the console: '' locally; '/console' in AWS, where the ops
   * routes are also served under /console/v1/… behind the staff user pool's authorizer.
   */
  readonly opsApiPrefix: string;
  /** The hosted sign-in of this app's user pool (mode 'cognito'). */
  readonly cognito?: {
    /** https://cognito-idp.<region>.amazonaws.com/<poolId>: the OIDC issuer. */
    readonly authority: string;
    readonly clientId: string;
    /** The hosted UI's domain, https://<prefix>.auth.<region>.amazoncognito.com */
    readonly domain: string;
    readonly scope: string;
  };
  /** Local only: the demo users to pick from and the business date to start with. */
  readonly demo?: {
    readonly borrowers: readonly DemoBorrower[];
    readonly opsUsers: readonly string[];
    readonly businessDate?: string;
  };
}

export async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as SiteConfig;
}
