/**
 * A regional WAF web ACL in front of the API stage: AWS's managed baseline rules, and a per-IP
 * rate limit on the SME routes (channels call from a few servers at high volume, so they are
 * limited by the stage throttle and their own IAM identity instead).
 */
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  readonly stage: apigw.Stage;
  /** Requests per IP per 5 minutes on /v1/me/* before WAF blocks that IP. @default 300 */
  readonly smeRequestsPer5MinPerIp?: number;
  /** Path prefix of the SME (Cognito) routes. @default '/v1/me/' */
  readonly smePathPrefix?: string;
}

export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      metricName,
      cloudWatchMetricsEnabled: true,
      // Sampled requests show what was blocked; WAF keeps them three hours.
      sampledRequestsEnabled: true,
    });
    const managed = (priority: number, name: string, overrides: wafv2.CfnWebACL.RuleActionOverrideProperty[] = []): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(overrides.length > 0 ? { ruleActionOverrides: overrides } : {}) } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('credit-api'),
      rules: [
        // Only counted: the handlers answer an oversized body with their own 413 problem document.
        managed(1, 'AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed(2, 'AWSManagedRulesKnownBadInputsRuleSet'),
        {
          name: 'SmeRateLimitPerIp',
          priority: 3,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.smeRequestsPer5MinPerIp ?? 300,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  // CONTAINS: the path WAF sees starts with the stage name.
                  positionalConstraint: 'CONTAINS',
                  searchString: props.smePathPrefix ?? '/v1/me/',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('SmeRateLimitPerIp'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', { resourceArn: props.stage.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
