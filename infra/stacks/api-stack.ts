/**
 * The stateless part of the service: one function per route of the registry, the REST API in
 * front of them (with its firewall), the nightly end of day (schedule, state machine and its two
 * functions), and the dashboard and alarms that watch them. It can be replaced at will; the
 * ledger table and the SME user pool it uses live in their own stacks.
 */
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { IamPrincipals } from '#http/auth.ts';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, EOD_METRIC_DIMENSIONS } from '#http/observability.ts';
import { channelOf } from '#http/principal.ts';
import { routes as registry } from '../../functions/routes.ts';
import { ApiFirewall } from '../constructs/api-firewall.ts';
import { serviceEnvironment } from '../constructs/api-function.ts';
import { EndOfDay } from '../constructs/end-of-day.ts';
import type { EodRunConfig } from '../eod-config.ts';
import { HttpApi, type FunctionTuning, type HttpApiProps, type RouteEntry } from '../constructs/http-api.ts';
import type { LedgerTable } from '../constructs/ledger-table.ts';
import { Observability } from '../constructs/observability.ts';

/** The route that runs end of day by hand (docs/end-of-day.md); the nightly run reports under its dimensions. */
export const EOD_OPERATION = EOD_METRIC_DIMENSIONS.operation;

/**
 * End of day walks every facility within one request: it gets the longest run API Gateway
 * allows (29 s) less a margin for the answer, and more memory, which is more CPU.
 */
const FUNCTION_TUNING: Readonly<Record<string, FunctionTuning>> = {
  [EOD_OPERATION]: { timeout: Duration.seconds(28), memorySize: 1024 },
};

export interface ApiStackProps extends StackProps {
  readonly ledger: LedgerTable;
  /** The SME user pool (IdentityStack); or `userPoolId` to use one that exists already. */
  readonly userPool?: cognito.IUserPool;
  readonly userPoolId?: string;
  /** The staff user pool (StaffIdentityStack): the ops routes are also served to its `ops` group under /console. */
  readonly staff?: HttpApiProps['staff'];
  /** SigV4 callers by role/user ARN → principal; becomes IAM_PRINCIPALS of the IAM routes. */
  readonly iamPrincipals?: IamPrincipals;
  /** @default the registry, functions/routes.ts */
  readonly routes?: readonly RouteEntry[];
  /** @default functions/<operation>/handler.ts (also for the jobs of functions/jobs.ts) */
  readonly entryFor?: (operation: string) => string;
  readonly alarmEmail?: string;
  /** See HttpApiProps.manageAccountLogRole. @default true */
  readonly manageAccountLogRole?: boolean;
  /** @default CreditService (shared/http/observability.ts) */
  readonly metricsNamespace?: string;
  /** @default credit-service (shared/http/observability.ts) */
  readonly serviceName?: string;
  /** End-of-day ranges and concurrency (context credit:eodGroups, credit:eodConcurrency). @default EOD_RUN_DEFAULTS */
  readonly endOfDayRun?: EodRunConfig;
}

export class ApiStack extends Stack {
  readonly http: HttpApi;
  readonly endOfDay: EndOfDay;
  readonly observability: Observability;
  /** The pool the SME routes' authorizer trusts (created by IdentityStack, or imported by id). */
  readonly smeUserPool: cognito.IUserPool | undefined;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? registry;
    const iamPrincipals = props.iamPrincipals ?? new Map();
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const serviceName = props.serviceName ?? DEFAULT_SERVICE_NAME;
    if (props.userPool !== undefined && props.userPoolId !== undefined) throw new Error('give userPool or userPoolId, not both');
    const userPool = props.userPool ?? (props.userPoolId === undefined ? undefined : cognito.UserPool.fromUserPoolId(this, 'SmeUserPool', props.userPoolId));
    this.smeUserPool = userPool;

    if (iamPrincipals.size === 0 && routes.some((route) => route.auth === 'iam')) {
      Annotations.of(this).addWarningV2(
        'credit:no-iam-principals',
        'No IAM principals are configured (context credit:iamPrincipals): every SigV4 caller of the IAM routes will be answered 403.',
      );
    }

    this.http = new HttpApi(this, 'Http', {
      routes,
      ledger: props.ledger,
      ...(userPool === undefined ? {} : { userPool }),
      ...(props.staff === undefined ? {} : { staff: props.staff }),
      iamPrincipals,
      environment: serviceEnvironment(metricsNamespace, serviceName),
      ...(props.entryFor === undefined ? {} : { entryFor: props.entryFor }),
      tuning: FUNCTION_TUNING,
      ...(props.manageAccountLogRole === undefined ? {} : { manageAccountLogRole: props.manageAccountLogRole }),
    });
    new ApiFirewall(this, 'Firewall', { stage: this.http.api.deploymentStage });
    this.endOfDay = new EndOfDay(this, 'EndOfDay', {
      ledger: props.ledger,
      environment: serviceEnvironment(metricsNamespace, serviceName),
      ...(props.entryFor === undefined ? {} : { entryFor: props.entryFor }),
      ...(props.endOfDayRun === undefined ? {} : { run: props.endOfDayRun }),
    });
    this.observability = new Observability(this, 'Observability', {
      stage: this.http.api.deploymentStage,
      functions: [...this.http.functions.values()],
      table: props.ledger.table,
      metricsNamespace,
      serviceName,
      eodDimensions: eodAlarmDimensions(routes),
      endOfDay: { stateMachine: this.endOfDay.stateMachine, functions: [...this.endOfDay.functions.values()] },
      ...(props.alarmEmail === undefined ? {} : { alarmEmail: props.alarmEmail }),
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn, description: 'Subscribe on-call here' });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }
}

/**
 * The exact dimensions of the end-of-day metrics, for the alarms (which cannot SEARCH). The nightly
 * run emits EOD_METRIC_DIMENSIONS; the route emits its operation and its caller's channel, which
 * are the same only while the route is open to ops alone (channelOf gives the role for ops).
 */
function eodAlarmDimensions(routes: readonly RouteEntry[]): Record<string, string> {
  const route = routes.find((candidate) => candidate.operation === EOD_OPERATION);
  if (route !== undefined) {
    const [role, ...others] = route.roles;
    if (role === undefined || others.length > 0 || channelOf({ role, id: EOD_OPERATION }) !== EOD_METRIC_DIMENSIONS.channel) {
      throw new Error(`${EOD_OPERATION} must be open to ${EOD_METRIC_DIMENSIONS.channel} only, or its metrics miss the end-of-day alarms`);
    }
  }
  return { ...EOD_METRIC_DIMENSIONS };
}
