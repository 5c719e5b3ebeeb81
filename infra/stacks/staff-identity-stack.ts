/**
 * Stateful like the SME pool: the staff user pool (with its `ops` group) in a stack of its own,
 * so the API and the site can be replaced without losing staff accounts or group memberships.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { StaffUserPool } from '../constructs/staff-user-pool.ts';

export class StaffIdentityStack extends Stack {
  readonly staff: StaffUserPool;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.staff = new StaffUserPool(this, 'Staff');
    new CfnOutput(this, 'StaffUserPoolId', { value: this.staff.userPool.userPoolId, description: 'Staff user pool: add operations staff to its ops group' });
  }
}
