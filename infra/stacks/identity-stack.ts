/**
 * Stateful like the ledger: the SME user pool lives in its own stack, so the API stack can be
 * replaced or torn down without losing users or their borrower links.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SmeUserPool } from '../constructs/sme-user-pool.ts';

export class IdentityStack extends Stack {
  readonly sme: SmeUserPool;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.sme = new SmeUserPool(this, 'Sme');
    new CfnOutput(this, 'SmeUserPoolId', { value: this.sme.userPool.userPoolId, description: 'SME user pool (link users to borrowers with custom:borrower_id)' });
    new CfnOutput(this, 'SmePortalClientId', { value: this.sme.portalClient.userPoolClientId, description: 'App client for the SME portal (SRP sign-in)' });
  }
}
