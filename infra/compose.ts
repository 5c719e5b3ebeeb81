/**
 * The service's stacks and the checks that guard them, composed once for `infra/app.ts` and
 * for the infrastructure tests alike. New stacks (API, functions, end of day, dashboards)
 * are added here and receive `ledger.ledger` to bind their functions to the table.
 */
import { Tags, Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LedgerStack } from './stacks/ledger-stack.ts';

export const SERVICE_NAME = 'revolving-credit';

export interface ServiceStacks {
  readonly ledger: LedgerStack;
}

export function composeService(app: App, env?: Environment): ServiceStacks {
  const ledger = new LedgerStack(app, 'CreditLedger', {
    ...(env === undefined ? {} : { env }),
    description: 'Revolving credit service: ledger journal table (stateful, retained)',
  });
  Tags.of(app).add('service', SERVICE_NAME);
  // Every AwsSolutions finding fails synthesis unless acknowledged in code with a reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { ledger };
}
