/**
 * The web apps' site: CloudFront in front of a private S3 bucket and the API (infra/constructs/
 * web-site.ts), the two app clients and managed-login domains of the user pools, and the built
 * apps deployed with their config.json. Stateless: rebuilt from the repository on every deploy.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebSite, type WebSiteProps } from '../constructs/web-site.ts';

export type SiteStackProps = StackProps & WebSiteProps;

export class SiteStack extends Stack {
  readonly site: WebSite;

  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, props);
    this.site = new WebSite(this, 'Site', props);
    const url = `https://${this.site.distribution.distributionDomainName}`;
    new CfnOutput(this, 'SmeAppUrl', { value: `${url}/`, description: 'The SME app (phone number and SMS code sign-in)' });
    new CfnOutput(this, 'ConsoleUrl', { value: `${url}/ops/`, description: 'The operations console (staff user pool, ops group)' });
  }
}
