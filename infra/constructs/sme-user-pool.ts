/**
 * The Cognito user pool SMEs sign in with. Each user is linked to one borrower by the custom
 * attribute borrower_id, which the bank sets when it onboards the SME (AdminCreateUser /
 * AdminUpdateUserAttributes) and which the user can read but never change.
 *
 * In an ID token the attribute is the claim `custom:borrower_id` (Cognito prefixes every custom
 * attribute); API Gateway's Cognito authorizer passes the token's claims to the function.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export const BORROWER_ID_ATTRIBUTE = 'borrower_id';
/** The claim name in ID tokens, and so in `event.requestContext.authorizer.claims`. */
export const BORROWER_ID_CLAIM = `custom:${BORROWER_ID_ATTRIBUTE}`;

export class SmeUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  /** The SME portal / mobile app: a public client (no secret), SRP sign-in only. */
  readonly portalClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // The bank onboards SMEs (KYC first) and links each login to its borrower: nobody signs up alone.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      customAttributes: {
        // Mutable so operations can correct a link; the portal client cannot write it (below).
        [BORROWER_ID_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      mfa: cognito.Mfa.REQUIRED,
      // Authenticator apps only: SMS codes can be SIM-swapped, and SMS needs an SNS role and spend limits.
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential and risky sign-in detection, enforced (a bank's customer login).
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      // Users and their borrower links are state: replacing or deleting the stack must not lose them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.portalClient = this.userPool.addClient('PortalClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes(BORROWER_ID_ATTRIBUTE),
      // Explicit, and without borrower_id: left unset, a signed-in user could rewrite their own
      // attributes with their access token, and with them which borrower's facilities they see.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ locale: true }),
    });
  }
}
