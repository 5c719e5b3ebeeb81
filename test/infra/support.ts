/**
 * Apps for the infrastructure tests: the project's own cdk.json context (feature flags), and
 * bundling skipped unless a test asks for it. Skipping is CDK's own mechanism (the context key
 * `cdk deploy --exclusively` uses): assets are still declared, esbuild just does not run, so
 * composing the whole service takes a second instead of a bundle per function.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { PolicyViolation } from 'aws-cdk-lib';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

export interface TestAppOptions {
  /** Run esbuild for real (slow: one bundle per function). @default false */
  readonly bundle?: boolean;
  readonly context?: Record<string, unknown>;
  readonly outdir?: string;
}

export function appWithProjectContext(options: TestAppOptions = {}): App {
  return new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    context: { ...cdkJson.context, ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }), ...options.context },
  });
}

/** Two registered SigV4 callers, one of them in another account (a partner platform). */
export const TEST_IAM_PRINCIPALS = {
  'arn:aws:iam::111122223333:role/MobileBank': 'channel:mobile-bank',
  'arn:aws:iam::444455556666:role/CreditOps': 'ops:credit-ops',
} as const;

/** cdk-nag's findings, acknowledged ones included when `raw` (to check every acknowledgement is needed). */
export function nagFindings(app: App, raw = false): PolicyViolation[] {
  const pack = new AwsSolutionsChecks();
  if (raw) (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack.validateScope(app).violations;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;

/** Statements of every IAM policy attached to the role `roleLogicalId`, flattened. */
export function statementsOfRole(resources: Resources, roleLogicalId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.['Roles']).includes(`"${roleLogicalId}"`))
    .flatMap((r) => (r.Properties!['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

export function actionsOf(statement: Statement): string[] {
  return [statement.Action].flat();
}
