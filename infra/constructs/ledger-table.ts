/**
 * The ledger table, built from the same schema data as the embedded store
 * (shared/ledger/schema.ts), and the one way to give a function access to it.
 */
import { TABLE_NAME_ENV } from '#config/env.ts';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { BORROWER_KEY_PREFIX, EOD_KEY_PREFIX, LEDGER_TABLE, REFERRED_PK, type KeyAttribute, type Projection, type TableSchema } from '#ledger/schema.ts';

export interface LedgerTableProps {
  /** Physical name; CloudFormation generates one when absent (lets several stages share an account). */
  readonly tableName?: string;
  readonly schema?: TableSchema;
}

export type TableAccess = 'RO' | 'RW';

const ATTRIBUTE_TYPE: Record<KeyAttribute['type'], dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
};
const PROJECTION: Record<Projection, dynamodb.ProjectionType> = {
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
  ALL: dynamodb.ProjectionType.ALL,
};

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPE[key.type] };
}

export class LedgerTable extends Construct {
  readonly table: dynamodb.Table;
  readonly #indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: LedgerTableProps = {}) {
    super(scope, id);
    const schema = props.schema ?? LEDGER_TABLE;
    this.table = new dynamodb.Table(this, 'Table', {
      ...(props.tableName === undefined ? {} : { tableName: props.tableName }),
      partitionKey: attribute(schema.partitionKey),
      sortKey: attribute(schema.sortKey),
      // On demand: traffic follows business hours and end of day; no capacity to plan or throttle on.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // The journal is the book of record: a stack deletion must never take it along.
      removalPolicy: RemovalPolicy.RETAIN,
      // AWS-managed KMS key (aws/dynamodb): key use is visible in CloudTrail, no key policy to
      // run. A customer-managed key is a drop-in change if the bank's policy demands one.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Throttled keys only: names a hot facility when it happens, at a fraction of the cost.
      contributorInsightsSpecification: { enabled: true, mode: dynamodb.ContributorInsightsMode.THROTTLED_KEYS },
    });
    for (const index of schema.localIndexes) {
      this.table.addLocalSecondaryIndex({ indexName: index.name, sortKey: attribute(index.sortKey), projectionType: PROJECTION[index.projection] });
    }
    for (const index of schema.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: PROJECTION[index.projection],
      });
    }
    this.#indexNames = [...schema.localIndexes, ...schema.globalIndexes].map((i) => i.name);
  }

  /**
   * Gives a function the table name (TABLE_NAME_ENV) and least-privilege access in one call.
   * RW may append events (PutItem) but can never delete or rewrite them: UpdateItem is limited
   * to borrower items and DeleteItem to the review queue, by leading key.
   */
  bind(fn: lambda.Function, access: TableAccess): void {
    fn.addEnvironment(TABLE_NAME_ENV, this.table.tableName);
    const tableArn = this.table.tableArn;
    const indexArns = this.#indexNames.map((name) => `${tableArn}/index/${name}`);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], resources: [tableArn, ...indexArns] }));
    if (access === 'RO') return;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [tableArn] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${BORROWER_KEY_PREFIX}*`] } },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [REFERRED_PK] } },
      }),
    );
  }

  /**
   * For the function that keeps end-of-day reports (EOD#<date>): the table name, Query (a run's
   * parts) and PutItem (the report) on those items only, by leading key. It can never touch an event.
   */
  bindEodReports(fn: lambda.Function): void {
    fn.addEnvironment(TABLE_NAME_ENV, this.table.tableName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        // Query: the run's parts (EOD#<date> PART#<run>#…); PutItem: the report. On the table, not its indexes.
        actions: ['dynamodb:PutItem', 'dynamodb:Query'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${EOD_KEY_PREFIX}*`] } },
      }),
    );
  }
}
