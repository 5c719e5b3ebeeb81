/**
 * The ledger stack as synthesised by the app's own composition (with cdk.json's feature
 * flags; function bundling skipped), checked against the schema data the embedded store is created from.
 */
import { TABLE_NAME_ENV } from '#config/env.ts';
import { describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LEDGER_TABLE, toCreateTableInput } from '#ledger/schema.ts';
import { composeService } from '../../infra/compose.ts';
import { LedgerTable, type TableAccess } from '../../infra/constructs/ledger-table.ts';
import { appWithProjectContext } from './support.ts';

const app = appWithProjectContext();
const { ledger } = composeService(app);
const template = Template.fromStack(ledger);
const tableProps = () => Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!['Properties'] as Record<string, unknown>;

describe('ledger table', () => {
  const expected = toCreateTableInput(LEDGER_TABLE);
  const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) => a.AttributeName!.localeCompare(b.AttributeName!);

  it('is the only stateful resource, with no customer-managed key to run', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  it('has the keys, LSI and GSIs of the schema data (the same data the embedded store uses)', () => {
    const props = tableProps();
    expect(props['KeySchema']).toEqual(expected.KeySchema);
    expect([...(props['AttributeDefinitions'] as { AttributeName: string }[])].sort(byName)).toEqual([...expected.AttributeDefinitions!].sort(byName));
    expect(props['LocalSecondaryIndexes']).toEqual(expected.LocalSecondaryIndexes);
    expect(props['GlobalSecondaryIndexes']).toEqual(expected.GlobalSecondaryIndexes);
  });

  it('bills per request, with point-in-time recovery, deletion protection and AWS-managed KMS encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      // SSEEnabled without a key = the AWS-managed key aws/dynamodb (not the AWS-owned default).
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
      ProvisionedThroughput: Match.absent(),
    });
  });

  it('is retained when the stack is deleted or the resource replaced', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing for the composed app', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('would report a table without point-in-time recovery (the check is live)', () => {
    const stack = new Stack(new App(), 'Unprotected');
    new dynamodb.Table(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-DDB3');
  });
});

describe('binding a function to the ledger', () => {
  function policyFor(access: TableAccess) {
    const stack = new Stack(appWithProjectContext(), 'Bound');
    const ledgerTable = new LedgerTable(stack, 'Ledger');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    ledgerTable.bind(fn, access);
    const bound = Template.fromStack(stack);
    const policies = Object.values(bound.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((p) => (p['Properties'] as { PolicyDocument: { Statement: Record<string, unknown>[] } }).PolicyDocument.Statement);
    return { bound, statements, actions: statements.flatMap((s) => [s['Action']].flat() as string[]) };
  }

  it('sets the table-name variable', () => {
    policyFor('RO').bound.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { [TABLE_NAME_ENV]: { Ref: Match.stringLikeRegexp('^LedgerTable') } } },
    });
  });

  it('RO reads the table and its indexes and writes nothing', () => {
    const { actions } = policyFor('RO');
    expect(actions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('RW appends, updates only borrower items and deletes only review-queue entries; never scans or batches', () => {
    const { statements, actions } = policyFor('RW');
    expect(actions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    const conditionOf = (action: string) => statements.find((s) => [s['Action']].flat().includes(action))?.['Condition'];
    expect(conditionOf('dynamodb:UpdateItem')).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['BOR#*'] } });
    expect(conditionOf('dynamodb:DeleteItem')).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['REVIEW#REFERRED'] } });
    expect(conditionOf('dynamodb:PutItem')).toBeUndefined();
    for (const s of statements) expect(JSON.stringify(s['Resource'])).not.toContain('*');
  });
});
