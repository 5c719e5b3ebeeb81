/**
 * The service's stacks and the checks that guard them, composed once for `infra/app.ts` and
 * for the infrastructure tests alike:
 *
 *   CreditLedger    the journal table (stateful, retained)
 *   CreditIdentity  the SME user pool (stateful, retained); skipped when one is imported
 *   CreditStaff     the staff user pool and its `ops` group (stateful, retained)
 *   CreditApi       functions, REST API (with the console mount for staff), firewall,
 *                   dashboard and alarms (stateless)
 *   CreditSite      the web apps: CloudFront, a private bucket, the app clients (stateless)
 *
 * Deployment settings come from CDK context (cdk.json, or `-c key=value` on the command line):
 *
 *   credit:iamPrincipals     SigV4 callers: { "<role or user ARN>": "channel:<id>" | "ops:<id>" }
 *                            (object in cdk.json, JSON string with -c). Checked at synth with the
 *                            same parser the functions use, so a bad map never deploys.
 *   credit:alarmEmail        subscribes this address to the alarm topic
 *   credit:smeUserPoolId     use this existing user pool instead of creating CreditIdentity; it
 *                            must have the custom attribute borrower_id, read-only for the app client
 *   credit:manageApiGatewayAccountLogRole
 *                            false where the landing zone already sets API Gateway's account-wide
 *                            CloudWatch Logs role (default true)
 *   credit:authDomainPrefix  prefix of the user pools' managed-login domains (<prefix>-sme,
 *                            <prefix>-staff); unique in the region (default revolving-credit-<account>)
 *   credit:eodGroups         end of day: ranges of the 1 024 shards, one Map item each (default 64)
 *   credit:eodConcurrency    end of day: ranges at once (default 16); past the inline Map's limits
 *                            the run uses a Distributed Map (infra/eod-config.ts)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aws, Tags, Validations, type App, type Environment } from 'aws-cdk-lib';
import { buildWebSync } from '../web/build.ts';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseIamPrincipals, type IamPrincipals } from '#http/auth.ts';
import { EOD_CONTEXT, eodRunConfig } from './eod-config.ts';
import { ApiStack, type ApiStackProps } from './stacks/api-stack.ts';
import { IdentityStack } from './stacks/identity-stack.ts';
import { StaffIdentityStack } from './stacks/staff-identity-stack.ts';
import { SiteStack } from './stacks/site-stack.ts';
import { LedgerStack } from './stacks/ledger-stack.ts';

const SERVICE_NAME = 'revolving-credit';

export const CONTEXT = {
  iamPrincipals: 'credit:iamPrincipals',
  alarmEmail: 'credit:alarmEmail',
  smeUserPoolId: 'credit:smeUserPoolId',
  authDomainPrefix: 'credit:authDomainPrefix',
  manageApiGatewayAccountLogRole: 'credit:manageApiGatewayAccountLogRole',
  ...EOD_CONTEXT,
} as const;

export interface ServiceStacks {
  readonly ledger: LedgerStack;
  readonly identity?: IdentityStack;
  readonly staff: StaffIdentityStack;
  readonly api: ApiStack;
  readonly site: SiteStack;
}

/** For tests and tools: what the context would otherwise provide (routes, entries), and the built web apps. */
export type ComposeOverrides = Pick<ApiStackProps, 'routes' | 'entryFor'> & {
  /** web/build.ts output to deploy. @default a fresh build in a scratch folder (once per process) */
  readonly webAssetsDir?: string;
};

let scratchBuild: string | undefined;
/** The web apps built once per process into a folder of its own (parallel test files never share one). */
function builtWebApps(): string {
  scratchBuild ??= (() => {
    const dir = mkdtempSync(join(tmpdir(), 'credit-web-'));
    buildWebSync(dir);
    return dir;
  })();
  return scratchBuild;
}

export function composeService(app: App, env?: Environment, overrides: ComposeOverrides = {}): ServiceStacks {
  const envProps = env === undefined ? {} : { env };
  const ledger = new LedgerStack(app, 'CreditLedger', {
    ...envProps,
    description: 'Revolving credit service: ledger journal table (stateful, retained)',
  });
  const userPoolId = stringContext(app, CONTEXT.smeUserPoolId);
  const identity =
    userPoolId === undefined
      ? new IdentityStack(app, 'CreditIdentity', { ...envProps, description: 'Revolving credit service: SME user pool (stateful, retained)' })
      : undefined;
  const staff = new StaffIdentityStack(app, 'CreditStaff', { ...envProps, description: 'Revolving credit service: staff user pool with the ops group (stateful, retained)' });
  const alarmEmail = stringContext(app, CONTEXT.alarmEmail);
  const manageAccountLogRole = app.node.tryGetContext(CONTEXT.manageApiGatewayAccountLogRole) as unknown;
  const api = new ApiStack(app, 'CreditApi', {
    ...envProps,
    description: 'Revolving credit service: API, functions, firewall, dashboard and alarms (stateless)',
    ledger: ledger.ledger,
    ...(identity === undefined ? {} : { userPool: identity.sme.userPool }),
    ...(userPoolId === undefined ? {} : { userPoolId }),
    staff: { userPool: staff.staff.userPool, issuer: staff.staff.issuer },
    iamPrincipals: iamPrincipalsFromContext(app),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(manageAccountLogRole === undefined ? {} : { manageAccountLogRole: manageAccountLogRole === true || manageAccountLogRole === 'true' }),
    endOfDayRun: eodRunConfig((key) => app.node.tryGetContext(key)),
    ...(overrides.routes === undefined ? {} : { routes: overrides.routes }),
    ...(overrides.entryFor === undefined ? {} : { entryFor: overrides.entryFor }),
  });
  const site = new SiteStack(app, 'CreditSite', {
    ...envProps,
    description: 'Revolving credit service: the SME app and the operations console (CloudFront, S3, app clients; stateless)',
    assetsDir: overrides.webAssetsDir ?? builtWebApps(),
    api: api.http.api,
    ...(identity === undefined ? { smeUserPoolId: userPoolId! } : { smeUserPool: identity.sme.userPool }),
    staffUserPool: staff.staff.userPool,
    staffIssuer: staff.staff.issuer,
    authDomainPrefix: stringContext(app, CONTEXT.authDomainPrefix) ?? `${SERVICE_NAME}-${Aws.ACCOUNT_ID}`,
  });
  Tags.of(app).add('service', SERVICE_NAME);
  // Every AwsSolutions finding fails synthesis unless acknowledged in code with a reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { ledger, ...(identity === undefined ? {} : { identity }), staff, api, site };
}

function iamPrincipalsFromContext(app: App): IamPrincipals {
  const value = app.node.tryGetContext(CONTEXT.iamPrincipals) as unknown;
  if (value === undefined || value === null || value === '') return new Map();
  return parseIamPrincipals(typeof value === 'string' ? value : JSON.stringify(value));
}

function stringContext(app: App, key: string): string | undefined {
  const value = app.node.tryGetContext(key) as unknown;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  return value;
}
