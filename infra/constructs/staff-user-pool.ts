/**
 * The Cognito user pool the bank's operations staff sign in with (the operations console).
 * Nobody signs up: the bank creates each account (AdminCreateUser) and puts those who review
 * renewals, publish LPR fixings and run end of day in the `ops` group. Only members of that group
 * act as ops on the API's console mount (infra/constructs/http-api.ts, shared/http/auth.ts);
 * everyone else signed in is refused with 403.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { OPS_GROUP } from '#http/auth.ts';

export class StaffUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly opsGroup: cognito.UserPoolGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      // Staff act on every borrower's lines: an authenticator app on every sign-in, no SMS.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.opsGroup = this.userPool.addGroup('OpsGroup', {
      groupName: OPS_GROUP,
      description: 'Operations staff: review referred renewals, publish LPR fixings, edit borrower profiles, run end of day (the ops routes).',
    });
  }

  /** The OIDC issuer of its ID tokens (`iss`): https://cognito-idp.<region>.<partition domain>/<pool id>. */
  get issuer(): string {
    return this.userPool.userPoolProviderUrl;
  }
}
