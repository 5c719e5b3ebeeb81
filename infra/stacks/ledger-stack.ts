/**
 * Stateful resources only: the ledger table lives in its own stack so that API and function
 * stacks can be changed, replaced or torn down without ever touching the book of record.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LedgerTable } from '../constructs/ledger-table.ts';

export interface LedgerStackProps extends StackProps {
  readonly tableName?: string;
}

export class LedgerStack extends Stack {
  readonly ledger: LedgerTable;

  constructor(scope: Construct, id: string, props: LedgerStackProps = {}) {
    super(scope, id, props);
    this.ledger = new LedgerTable(this, 'Ledger', props.tableName === undefined ? {} : { tableName: props.tableName });
  }
}
