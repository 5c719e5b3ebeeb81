/**
 * The Cognito user pool SMEs sign in with. Each user is linked to one borrower by the custom
 * attribute borrower_id, which the bank sets when it onboards the SME (AdminCreateUser /
 * AdminUpdateUserAttributes) and which the user can read but never change.
 *
 * In an ID token the attribute is the claim `custom:borrower_id` (Cognito prefixes every custom
 * attribute); API Gateway's Cognito authorizer passes the token's claims to the function.
 *
 * SMEs sign in with their phone number and a code sent by SMS (passwordless, choice-based sign-in
 * on the managed login pages), or with a password; the bank registers the phone number it has
 * verified at onboarding. Cognito offers passwordless first factors only when MFA is not required,
 * so MFA is optional here (an authenticator app or SMS for users who set one up) and threat
 * protection, enforced, asks risky sign-ins for more.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The custom attribute linking a user to a borrower; ID tokens carry it as `custom:borrower_id`. */
const BORROWER_ID_ATTRIBUTE = 'borrower_id';

/** What an SME's app may read of the user: contact details and the borrower link. */
export const SME_READ_ATTRIBUTES = new cognito.ClientAttributes()
  .withStandardAttributes({ email: true, emailVerified: true, phoneNumber: true, phoneNumberVerified: true })
  .withCustomAttributes(BORROWER_ID_ATTRIBUTE);
/**
 * Explicit, and without borrower_id: left unset, a signed-in user could rewrite their own
 * attributes with their access token, and with them which borrower's facilities they see.
 */
export const SME_WRITE_ATTRIBUTES = new cognito.ClientAttributes().withStandardAttributes({ locale: true });

/** The text of the SMS codes, Chinese first (the users' language); {####} is the code. */
const SMS_CODE_MESSAGE = '【循环贷】您的验证码是 {####}，请勿告诉他人（your sign-in code）。';

export class SmeUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  /** The SME mobile app: a public client (no secret), SRP sign-in or the phone + SMS code flow (USER_AUTH). */
  readonly portalClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // The bank onboards SMEs (KYC first) and links each login to its borrower: nobody signs up alone.
      selfSignUpEnabled: false,
      signInAliases: { email: true, phone: true },
      // The bank verifies the number at onboarding; Cognito confirms it by SMS before it signs anyone in.
      autoVerify: { phone: true },
      signInPolicy: { allowedFirstAuthFactors: { password: true, smsOtp: true } },
      signInCaseSensitive: false,
      customAttributes: {
        // Mutable so operations can correct a link; the portal client cannot write it (below).
        [BORROWER_ID_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      // Optional, not required: a required second factor rules out the SMS-code first factor above.
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: true },
      mfaMessage: SMS_CODE_MESSAGE,
      userVerification: { smsMessage: '【循环贷】您的手机验证码是 {####}（verification code）。', emailSubject: '循环贷邮箱验证', emailBody: '您的邮箱验证码是 {####}（verification code）。' },
      userInvitation: { smsMessage: '【循环贷】您的账号 {username} 已开通，临时密码 {####}。', emailSubject: '循环贷账号已开通', emailBody: '您的账号 {username} 已开通，临时密码 {####}。' },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.PHONE_WITHOUT_MFA_AND_EMAIL,
      // Plus: compromised-credential and risky sign-in detection, enforced (a bank's customer login).
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      // Users and their borrower links are state: replacing or deleting the stack must not lose them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'SMEs sign in with their phone number and an SMS code (the product requirement), which Cognito offers only when MFA is not required. ' +
        'MFA stays available (authenticator app or SMS) and Plus threat protection, enforced, challenges or blocks risky sign-ins.',
    });
    Validations.of(this.userPool.node.findChild('smsRole')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "Cognito's role for sending the SMS codes: sns:Publish to a phone number has no resource ARN, so the resource is *; only cognito-idp, with this pool's external id, can assume it.",
    });
    this.portalClient = this.userPool.addClient('PortalClient', {
      authFlows: { userSrp: true, user: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: SME_READ_ATTRIBUTES,
      writeAttributes: SME_WRITE_ATTRIBUTES,
    });
  }
}
