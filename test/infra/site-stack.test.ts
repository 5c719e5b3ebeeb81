/**
 * The site stack as the app composes it: the built apps in a private bucket that only the
 * distribution reads (origin access control), the API on the same distribution under /v1/* and
 * /console/* (never cached, Authorization passed through), the security headers of web/site.ts
 * on every response, and each user pool's public app client calling back to the site.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CONTEXT, composeService } from '../../infra/compose.ts';
import { API_PATH_PATTERNS, INDEX_FUNCTION } from '../../infra/constructs/web-site.ts';
import { appWithProjectContext, TEST_IAM_PRINCIPALS, type Resources } from './support.ts';

const app = appWithProjectContext({ context: { [CONTEXT.iamPrincipals]: TEST_IAM_PRINCIPALS } });
const { site } = composeService(app);
const template = Template.fromStack(site);
const resources = template.toJSON()['Resources'] as Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const distribution = ofType('AWS::CloudFront::Distribution')[0]![1].Properties!['DistributionConfig'] as Record<string, any>;

/** CloudFront's managed policies, by id. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('the site bucket', () => {
  it('is private, encrypted, TLS only, versioned and logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: Match.anyValue(),
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('is read by the distribution alone, through origin access control', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) });
    const statements = ofType('AWS::S3::BucketPolicy').flatMap(([, r]) => (r.Properties!['PolicyDocument'] as { Statement: Record<string, any>[] }).Statement);
    const reads = statements.filter((s) => s['Effect'] === 'Allow' && JSON.stringify(s['Resource']).includes('SiteAssets'));
    expect(reads).toHaveLength(1);
    expect(reads[0]!['Principal']).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(reads[0]!['Action']).toBe('s3:GetObject');
    expect(JSON.stringify(reads[0]!['Condition'])).toContain('AWS:SourceArn');
    const s3Origin = (distribution['Origins'] as Record<string, any>[]).find((o) => o['S3OriginConfig'] !== undefined)!;
    expect(s3Origin['OriginAccessControlId']).toBeDefined();
    expect(s3Origin['S3OriginConfig']).toEqual({ OriginAccessIdentity: '' });
  });
});

describe('the distribution', () => {
  it('serves the apps over HTTPS, index.html for folders, with access logs', () => {
    expect(distribution['DefaultRootObject']).toBe('index.html');
    expect(distribution['DefaultCacheBehavior']).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', FunctionAssociations: [Match.anyValue()].map(() => expect.objectContaining({ EventType: 'viewer-request' })) });
    expect(distribution['Logging']).toMatchObject({ Prefix: 'cloudfront/' });
  });

  it.each(API_PATH_PATTERNS.map((pattern) => [pattern]))('sends %s to the API stage, uncached, every viewer header but Host', (pattern) => {
    const behavior = (distribution['CacheBehaviors'] as Record<string, any>[]).find((b) => b['PathPattern'] === pattern)!;
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
    });
    const origin = (distribution['Origins'] as Record<string, any>[]).find((o) => o['Id'] === behavior['TargetOriginId'])!;
    // The stage's path (/live), taken from the stage's URL.
    expect(JSON.stringify(origin['OriginPath'])).toContain('HttpApiDeploymentStagelive');
    expect(JSON.stringify(origin['DomainName'])).toContain('execute-api');
    expect(origin['CustomOriginConfig']).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('adds the security headers of web/site.ts to every response: strict CSP (self and the Cognito endpoints), HSTS, nosniff, no framing', () => {
    const policy = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]![1].Properties!['ResponseHeadersPolicyConfig'] as Record<string, any>;
    const security = policy['SecurityHeadersConfig'];
    const csp = JSON.stringify(security['ContentSecurityPolicy']['ContentSecurityPolicy']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "connect-src 'self' https://cognito-idp."]) expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain('amazoncognito.com');
    expect(security).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
    });
    for (const behavior of [distribution['DefaultCacheBehavior'], ...(distribution['CacheBehaviors'] as unknown[])]) {
      expect((behavior as Record<string, unknown>)['ResponseHeadersPolicyId'], 'every behavior').toBeDefined();
    }
  });

  it('deploys the built apps (and their config.json) and invalidates the cache', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/*'], Prune: true });
    const deployment = ofType('Custom::CDKBucketDeployment')[0]![1].Properties!;
    // The build, and one config.json for each app.
    expect((deployment['SourceObjectKeys'] as unknown[]).length).toBe(3);
  });
});

describe('the folder index function (CloudFront Functions, viewer request)', () => {
  const run = (uri: string) => runInNewContext(`${INDEX_FUNCTION}\nhandler(event)`, { event: { request: { uri } } }) as Record<string, any>;

  it('serves a folder’s index.html and leaves files alone', () => {
    expect(run('/').uri).toBe('/index.html');
    expect(run('/ops/').uri).toBe('/ops/index.html');
    expect(run('/ops/app.js').uri).toBe('/ops/app.js');
  });

  it('sends /ops to /ops/', () => {
    expect(run('/ops')).toMatchObject({ statusCode: 301, headers: { location: { value: '/ops/' } } });
  });
});

describe('the app clients', () => {
  const clients = ofType('AWS::Cognito::UserPoolClient').map(([, r]) => r.Properties!);

  it('are public clients of the authorization code flow calling back to the site: the SME app at /, the console at /ops/', () => {
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client['GenerateSecret']).toBe(false);
      expect(client['AllowedOAuthFlows']).toEqual(['code']);
      expect(client['AllowedOAuthFlowsUserPoolClient']).toBe(true);
      expect(client['ExplicitAuthFlows']).toContain('ALLOW_USER_AUTH');
    }
    const callbacks = clients.map((client) => JSON.stringify(client['CallbackURLs']));
    expect(callbacks.some((c) => c.includes('DomainName') && c.endsWith('/"]]}]'))).toBe(true);
    expect(callbacks.some((c) => c.includes('/ops/'))).toBe(true);
  });

  it('sign in on the newer managed login pages, one domain per pool', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 2);
    template.allResourcesProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
    template.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 2);
  });
});
