/**
 * The web apps in AWS: the files of web/dist in a private S3 bucket that only CloudFront reads
 * (origin access control), the API on the same distribution (/v1/* for the SME app, /console/*
 * for the operations console: same origin, so no CORS), the security headers of web/site.ts
 * (the same CSP `npm start` sends, plus the Cognito endpoints) on every response, and each app's
 * config.json naming its user pool's hosted sign-in. Each user pool gets a managed-login domain
 * and a public app client (authorization code with PKCE) whose callback is the site itself.
 */
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_PREFIX } from '#http/auth.ts';
import { cognitoConfig, cognitoIdpOrigin, contentSecurityPolicy, OPS_APP_PATH, securityHeaders } from '../../web/site.ts';
import { SME_READ_ATTRIBUTES, SME_WRITE_ATTRIBUTES } from './sme-user-pool.ts';

export interface WebSiteProps {
  /** The built apps (web/build.ts output): index.html, app.js, app.css and ops/… */
  readonly assetsDir: string;
  readonly api: apigw.RestApi;
  /** The SME pool (IdentityStack), or the id of one that exists already (credit:smeUserPoolId). */
  readonly smeUserPool?: cognito.IUserPool;
  readonly smeUserPoolId?: string;
  readonly staffUserPool: cognito.IUserPool;
  /** The staff pool's issuer (its ID tokens' `iss`), the console's OIDC authority. */
  readonly staffIssuer: string;
  /** Prefix of the two managed-login domains (<prefix>-sme, <prefix>-staff); unique in the region. */
  readonly authDomainPrefix: string;
}

/** The paths CloudFront sends to the API: the SME routes (/v1/me/… under /v1/*) and the console mount. */
export const API_PATH_PATTERNS = ['/v1/*', `${CONSOLE_PREFIX}/*`] as const;

/** Appends index.html to a folder's URI (/ops/ → /ops/index.html) and sends /ops to /ops/: S3 has no folder index behind OAC. */
export const INDEX_FUNCTION = `function handler(event) {
  var request = event.request;
  if (request.uri === '${OPS_APP_PATH.slice(0, -1)}') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '${OPS_APP_PATH}' } } };
  }
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
}`;

export class WebSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logs: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly smeClient: cognito.UserPoolClient;
  readonly consoleClient: cognito.UserPoolClient;
  readonly smeDomain: cognito.UserPoolDomain;
  readonly staffDomain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const smeUserPool = props.smeUserPool ?? (props.smeUserPoolId === undefined ? undefined : cognito.UserPool.fromUserPoolId(this, 'SmeUserPool', props.smeUserPoolId));
    if (smeUserPool === undefined) throw new Error('the site needs the SME user pool or its id');
    this.logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL: the bucket must accept object writers.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/',
      // Rebuilt from the repository on every deployment: nothing in it is state.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // In this stack, not the pools': their clients name the distribution, which the pools' stacks must not depend on.
    this.smeDomain = new cognito.UserPoolDomain(this, 'SmeSignIn', {
      userPool: smeUserPool,
      cognitoDomain: { domainPrefix: `${props.authDomainPrefix}-sme` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.staffDomain = new cognito.UserPoolDomain(this, 'StaffSignIn', {
      userPool: props.staffUserPool,
      cognitoDomain: { domainPrefix: `${props.authDomainPrefix}-staff` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const connectOrigins = [cognitoIdpOrigin(Aws.REGION, Aws.URL_SUFFIX), this.smeDomain.baseUrl(), this.staffDomain.baseUrl()];
    const headers = securityHeaders(connectOrigins);
    const responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Security headers of web/site.ts: CSP (self and the Cognito endpoints), HSTS, nosniff, DENY framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(connectOrigins), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
      customHeadersBehavior: { customHeaders: [{ header: 'Permissions-Policy', value: headers['permissions-policy']!, override: true }] },
    });

    const api = new origins.RestApiOrigin(props.api);
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Never cached; every viewer header but Host (API Gateway answers to its own) reaches the API,
      // Authorization included, which CloudFront forwards when nothing is cached.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: responseHeaders,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Revolving credit: SME app (/), operations console (/ops/), the API (/v1/*, /console/*)',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: responseHeaders,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'FolderIndex', { code: cloudfront.FunctionCode.fromInline(INDEX_FUNCTION), runtime: cloudfront.FunctionRuntime.JS_2_0 }),
          },
        ],
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'No geo restriction: SMEs and staff sign in from wherever they are (business travel included); the API authenticates every call.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The API behind /v1/* and /console/* has its regional WAF web ACL (ApiFirewall); the rest is static files. A CloudFront-scope web ACL lives in us-east-1 and does not exist in the China partition.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The distribution's own *.cloudfront.net name and certificate until the bank's domain (ICP-filed in China) and its ACM certificate are attached (with minimumProtocolVersion TLSv1.2_2021 then); today browsers negotiate TLS 1.2 or 1.3 with it.",
      },
    );

    const site = `https://${this.distribution.distributionDomainName}`;
    const client = (pool: cognito.IUserPool, id: string, path: string, scopes: cognito.OAuthScope[], attributes?: { read: cognito.ClientAttributes; write: cognito.ClientAttributes }) =>
      new cognito.UserPoolClient(this, id, {
        userPool: pool,
        generateSecret: false,
        // Choice-based sign-in on the managed login pages (password, SMS code) needs USER_AUTH.
        authFlows: { user: true },
        oAuth: { flows: { authorizationCodeGrant: true }, scopes, callbackUrls: [`${site}${path}`], logoutUrls: [`${site}${path}`] },
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        idTokenValidity: Duration.minutes(60),
        accessTokenValidity: Duration.minutes(60),
        refreshTokenValidity: Duration.hours(12),
        ...(attributes === undefined ? {} : { readAttributes: attributes.read, writeAttributes: attributes.write }),
      });
    this.smeClient = client(smeUserPool, 'SmeWebClient', '/', [cognito.OAuthScope.OPENID, cognito.OAuthScope.PHONE, cognito.OAuthScope.PROFILE], {
      read: SME_READ_ATTRIBUTES,
      write: SME_WRITE_ATTRIBUTES,
    });
    this.consoleClient = client(props.staffUserPool, 'ConsoleClient', OPS_APP_PATH, [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE]);
    // The newer managed login shows a client's pages only once it has a style: Cognito's own.
    new cognito.CfnManagedLoginBranding(this, 'SmeBranding', { userPoolId: smeUserPool.userPoolId, clientId: this.smeClient.userPoolClientId, useCognitoProvidedValues: true });
    new cognito.CfnManagedLoginBranding(this, 'ConsoleBranding', { userPoolId: props.staffUserPool.userPoolId, clientId: this.consoleClient.userPoolClientId, useCognitoProvidedValues: true });

    const smeAuthority = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${smeUserPool.userPoolId}`;
    new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(props.assetsDir, { exclude: ['config.json', 'ops/config.json'] }),
        s3deploy.Source.jsonData('config.json', cognitoConfig({ authority: smeAuthority, clientId: this.smeClient.userPoolClientId, domain: this.smeDomain.baseUrl(), scope: 'openid phone profile', opsApiPrefix: '' })),
        s3deploy.Source.jsonData(
          'ops/config.json',
          cognitoConfig({ authority: props.staffIssuer, clientId: this.consoleClient.userPoolClientId, domain: this.staffDomain.baseUrl(), scope: 'openid email profile', opsApiPrefix: CONSOLE_PREFIX }),
        ),
      ],
      // The files are not content-hashed: short-lived in caches, and invalidated on each deployment.
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(5))],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
    acknowledgeDeploymentHandler(Stack.of(this), this.bucket);
  }
}

/** BucketDeployment's handler (one per stack, outside this construct): what cdk-nag says about it, and why it stands. */
function acknowledgeDeploymentHandler(stack: Stack, bucket: s3.Bucket): void {
  const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (handler === undefined) throw new Error('BucketDeployment created no handler: the acknowledgements below name nothing');
  const why =
    "CDK's BucketDeployment handler (deploy-time custom resource, CDK's code): it copies the build from the CDK assets bucket into the site bucket and invalidates the distribution. ";
  const siteBucket = `<${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`;
  const assets = `arn:<AWS::Partition>:s3:::cdk-${stack.synthesizer.bootstrapQualifier ?? 'hnb659fds'}-assets-<AWS::AccountId>-<AWS::Region>/*`;
  Validations.of(handler).acknowledge(
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${why}CDK's grantRead/grantReadWrite action groups, on those two buckets only.`,
    })),
    { id: `AwsSolutions-IAM5[Resource::${assets}]`, reason: `${why}Reads the build's zip from the CDK assets bucket.` },
    { id: `AwsSolutions-IAM5[Resource::${siteBucket}]`, reason: `${why}Writes and prunes the site's files.` },
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: `${why}cloudfront:CreateInvalidation and GetInvalidation have no resource-level scope in every partition.` },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: `${why}Its role is CDK's, with the managed basic execution policy for its own logs.`,
    },
    { id: 'AwsSolutions-L1', reason: `${why}Its runtime is pinned by aws-cdk-lib and moves with its upgrades.` },
  );
}
