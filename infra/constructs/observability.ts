/**
 * What operations staff watch: one CloudWatch dashboard (API, functions, ledger table, lending
 * activity, portfolio, end of day and its nightly runs; titles in plain words, money in yuan) and
 * the alarms of docs/architecture.md, all notifying one encrypted SNS topic.
 *
 * Business metrics are the Powertools EMF metrics of shared/http/observability.ts, with the
 * dimensions {service, operation, channel}. The dashboard sums each over every operation and
 * channel with SEARCH, so a new route or channel needs no change here. Alarms cannot use SEARCH:
 * the end-of-day alarms name the exact dimensions end of day reports under (EOD_METRIC_DIMENSIONS,
 * the same for the nightly run and the ops route).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BusinessMetricName } from '#http/observability.ts';
import type { ApiFunction } from './api-function.ts';

/**
 * How a business metric is read. Per request: counts, and amounts in fen (shown in yuan).
 * Per end-of-day run: counts, levels in fen as of the run's date, a ratio in ppm, a duration.
 */
type MetricKind = 'count' | 'fen' | 'eod-count' | 'eod-level' | 'eod-level-fen' | 'eod-ppm' | 'eod-ms';

/**
 * Every metric the handlers can emit, with the words the dashboard uses for it. A Record, so a
 * name added to BusinessMetricName does not compile until it has a place here.
 */
export const BUSINESS_METRICS: Readonly<Record<BusinessMetricName, { readonly label: string; readonly kind: MetricKind }>> = {
  Drawdowns: { label: 'Drawdowns', kind: 'count' },
  DrawdownAmountFen: { label: 'Drawn down', kind: 'fen' },
  Repayments: { label: 'Repayments', kind: 'count' },
  RepaymentAmountFen: { label: 'Repaid', kind: 'fen' },
  FirstLoanBorrowers: { label: 'First loans (new borrowers)', kind: 'count' },
  RenewalsApproved: { label: 'Approved', kind: 'count' },
  RenewalsReferred: { label: 'Referred for review', kind: 'count' },
  RenewalsRejected: { label: 'Rejected', kind: 'count' },
  RenewalsDeclined: { label: 'Declined by operations', kind: 'count' },
  PrincipalRenewedFen: { label: 'Principal renewed', kind: 'fen' },
  IdempotentReplays: { label: 'Answered from an earlier identical request', kind: 'count' },
  ConcurrencyRetries: { label: 'Retried after a concurrent change', kind: 'count' },
  EodFacilitiesProcessed: { label: 'Facilities processed', kind: 'eod-count' },
  EodFacilitiesChanged: { label: 'Facilities changed', kind: 'eod-count' },
  EodFailures: { label: 'Facilities that failed', kind: 'eod-count' },
  EodDurationMs: { label: 'Run time (minutes)', kind: 'eod-ms' },
  OutstandingPrincipalFen: { label: 'Outstanding principal', kind: 'eod-level-fen' },
  AccruedInterestFen: { label: 'Accrued interest', kind: 'eod-level-fen' },
  OverduePrincipalFen: { label: 'Overdue principal', kind: 'eod-level-fen' },
  OverdueRatioPpm: { label: 'Overdue ratio (%)', kind: 'eod-ppm' },
  InclusiveSmeBalanceFen: { label: '普惠小微贷款余额 Inclusive SME balance', kind: 'eod-level-fen' },
  InclusiveSmeBorrowers: { label: '普惠小微有贷户数 Inclusive SME borrowers', kind: 'eod-level' },
  FarmerBalanceFen: { label: '农户经营性贷款余额 Farmers’ business loans', kind: 'eod-level-fen' },
  CreditLoanSharePpm: { label: '信用贷款占比 Credit loans share (%)', kind: 'eod-ppm' },
  NewLendingFen: { label: '当日新发放 New lending of the day', kind: 'eod-level-fen' },
  NewLendingRatePpm: { label: '新发放加权平均利率 New lending rate (%)', kind: 'eod-ppm' },
  InclusiveSmeNewLendingFen: { label: '普惠小微新发放 Inclusive SME new lending', kind: 'eod-level-fen' },
  InclusiveSmeNewLendingRatePpm: { label: '普惠小微新发放利率 Inclusive SME new lending rate (%)', kind: 'eod-ppm' },
  FirstLoanBorrowersOfDay: { label: '首贷户 First-loan borrowers', kind: 'eod-level' },
  FirstLoanUnknownOfDay: { label: '首贷情况未知 First-loan status unknown', kind: 'eod-level' },
  RenewalDrawdownsOfDay: { label: '无还本续贷笔数 Renewals', kind: 'eod-level' },
  RenewalPrincipalCarriedFen: { label: '无还本续贷本金 Principal carried by renewals', kind: 'eod-level-fen' },
  ClassNormalFen: { label: '正常 Normal', kind: 'eod-level-fen' },
  ClassSpecialMentionFen: { label: '关注 Special mention', kind: 'eod-level-fen' },
  ClassSubstandardFen: { label: '次级 Substandard', kind: 'eod-level-fen' },
  ClassDoubtfulFen: { label: '可疑 Doubtful', kind: 'eod-level-fen' },
  ClassLossFen: { label: '损失 Loss', kind: 'eod-level-fen' },
  NonPerformingFen: { label: '不良贷款余额 Non-performing balance', kind: 'eod-level-fen' },
  NonPerformingRatioPpm: { label: '不良率 Non-performing ratio (%)', kind: 'eod-ppm' },
  NonAccrualBalanceFen: { label: '非应计贷款余额 Non-accrual balance', kind: 'eod-level-fen' },
  OffBalanceInterestFen: { label: '表外应收利息 Interest off balance sheet', kind: 'eod-level-fen' },
};

/** The heading of the dashboard's policy-figures section. */
export const POLICY_SECTION_TITLE = '政策指标 Policy figures';

const FIVE_MINUTES = Duration.minutes(5);
const ONE_HOUR = Duration.hours(1);
const ONE_DAY = Duration.days(1);
/** Statistic, period and divisor (fen → yuan, ppm → %, ms → minutes) of each kind. */
const READING: Readonly<Record<MetricKind, { statistic: string; period: Duration; divisor: number }>> = {
  count: { statistic: 'Sum', period: FIVE_MINUTES, divisor: 1 },
  fen: { statistic: 'Sum', period: FIVE_MINUTES, divisor: 100 },
  'eod-count': { statistic: 'Sum', period: ONE_DAY, divisor: 1 },
  // A count as of the run's date (or of its day's flow): a re-run reports the same, so Maximum, not Sum.
  'eod-level': { statistic: 'Maximum', period: ONE_DAY, divisor: 1 },
  // A level as of the run's date; a re-run reports the same level.
  'eod-level-fen': { statistic: 'Maximum', period: ONE_DAY, divisor: 100 },
  'eod-ppm': { statistic: 'Maximum', period: ONE_DAY, divisor: 10_000 },
  'eod-ms': { statistic: 'Maximum', period: ONE_DAY, divisor: 60_000 },
};
/** Dimension names of every business metric (Powertools adds `service`). */
const REQUEST_DIMENSIONS = ['channel', 'operation', 'service'] as const;

export interface ObservabilityProps {
  readonly stage: apigw.Stage;
  readonly functions: readonly ApiFunction[];
  readonly table: dynamodb.ITable;
  readonly metricsNamespace: string;
  /** POWERTOOLS_SERVICE_NAME of the functions: the `service` dimension of every EMF metric. */
  readonly serviceName: string;
  /** @default 1 (% of requests answered 5xx over 5 minutes) */
  readonly api5xxRatePercent?: number;
  /** @default 2000 ms, sustained for 15 minutes */
  readonly latencyP99Ms?: number;
  /**
   * The dimensions (besides `service`) the end-of-day run's metrics carry, e.g. the operation
   * and channel of the route that runs it. Without it there are no end-of-day alarms.
   */
  readonly eodDimensions?: Readonly<Record<string, string>>;
  /** End of day runs daily; alarm when no run has reported for this long. @default 26 hours */
  readonly eodOverdueAfter?: Duration;
  /** The nightly end of day: its state machine (a failed or timed-out run alarms) and its task functions. */
  readonly endOfDay?: { readonly stateMachine: sfn.IStateMachine; readonly functions: readonly ApiFunction[] };
  /** Subscribed to the alarm topic when given (confirmation mail is sent on deploy). */
  readonly alarmEmail?: string;
}

export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly topic: sns.Topic;
  /** By a stable short name: api-5xx-rate, fn-<operation>-errors, eod-missing, … */
  readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;

  readonly #namespace: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.#namespace = props.metricsNamespace;
    const stackName = Stack.of(this).stackName;
    this.topic = alarmTopic(this);
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const alarms = new Map<string, cloudwatch.Alarm>();
    const alarm = (name: string, description: string, options: Omit<cloudwatch.CreateAlarmOptions, 'alarmName' | 'alarmDescription'> & { metric: cloudwatch.IMetric }) => {
      const created = new cloudwatch.Alarm(this, `Alarm-${name}`, { alarmName: `${stackName}-${name}`, alarmDescription: description, ...options });
      created.addAlarmAction(new actions.SnsAction(this.topic));
      // Recovery is news too: whoever was paged learns it is over.
      created.addOkAction(new actions.SnsAction(this.topic));
      alarms.set(name, created);
      return created;
    };

    // --- API Gateway -------------------------------------------------------------------------
    const requests = props.stage.metricCount({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Requests' });
    const serverErrors = props.stage.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Server errors (5xx)' });
    const clientErrors = props.stage.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Client errors (4xx)' });
    const rate = (id: string, errors: cloudwatch.IMetric, label: string) =>
      new cloudwatch.MathExpression({ expression: `IF(requests > 0, 100 * ${id} / requests, 0)`, usingMetrics: { [id]: errors, requests }, period: FIVE_MINUTES, label });
    const serverErrorRate = rate('server', serverErrors, 'Server error rate (%)');
    const clientErrorRate = rate('client', clientErrors, 'Client error rate (%)');
    const latency = (statistic: string, label: string) => props.stage.metricLatency({ period: FIVE_MINUTES, statistic, label });
    const api5xxRatePercent = props.api5xxRatePercent ?? 1;
    const latencyP99Ms = props.latencyP99Ms ?? 2000;

    alarm('api-5xx-rate', `More than ${api5xxRatePercent}% of API requests failed with a server error (5xx) over 5 minutes. Check the function errors and the ledger table on the dashboard.`, {
      metric: serverErrorRate,
      threshold: api5xxRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('api-latency-p99', `The slowest 1% of API requests took longer than ${latencyP99Ms} ms for 15 minutes.`, {
      metric: latency('p99', 'p99'),
      threshold: latencyP99Ms,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Sustained, so a burst of cold starts after a deployment does not page anyone.
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // --- Functions ---------------------------------------------------------------------------
    const perFunction = (metric: (fn: ApiFunction) => cloudwatch.IMetric) => props.functions.map(metric);
    const eodFunctions = props.endOfDay?.functions ?? [];
    for (const fn of [...props.functions, ...eodFunctions]) {
      // Handlers turn every error into a problem response: a Lambda error is a crash, a timeout or a failed init.
      alarm(`fn-${fn.operation}-errors`, `The ${fn.operation} function crashed, timed out or failed to start (Lambda errors > 0 in 5 minutes).`, {
        metric: fn.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`fn-${fn.operation}-throttles`, `Lambda refused to run the ${fn.operation} function (throttles > 0 in 5 minutes): the account or the function is out of concurrency.`, {
        metric: fn.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // --- Ledger table ------------------------------------------------------------------------
    const tableOperations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.QUERY,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.DELETE_ITEM,
    ];
    const tableThrottles = props.table.metricThrottledRequestsForOperations({ operations: tableOperations, period: FIVE_MINUTES, label: 'Throttled requests' });
    alarm('ledger-throttles', 'DynamoDB throttled requests to the ledger table (> 0 in 5 minutes). The ledger retries a few times, then answers 503; a hot facility shows in Contributor Insights.', {
      metric: tableThrottles,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // --- End of day --------------------------------------------------------------------------
    if (props.eodDimensions !== undefined) {
      const dimensionsMap = { ...props.eodDimensions, service: props.serviceName };
      const eodMetric = (name: BusinessMetricName, statistic: string, period: Duration) =>
        new cloudwatch.Metric({ namespace: props.metricsNamespace, metricName: name, dimensionsMap, statistic, period });
      alarm('eod-failures', 'The last end-of-day run could not process some facilities (EodFailures > 0). They stay correct (every command catches up first), but their settlement and overdue events were not written: re-run end of day for that date.', {
        metric: eodMetric('EodFailures', 'Sum', FIVE_MINUTES),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const hours = (props.eodOverdueAfter ?? Duration.hours(26)).toHours();
      alarm('eod-missing', `No end-of-day run has reported in ${hours} hours: the nightly schedule did not fire or the run did not finish (see the eod-run-failed alarm).`, {
        // SampleCount: a run over an empty book still reports (zero facilities) and counts as a run.
        metric: eodMetric('EodFacilitiesProcessed', 'SampleCount', Duration.hours(1)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        // An hour without a report is a breaching hour; a run resets the count.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }
    // --- The nightly end-of-day run ----------------------------------------------------------
    const eodRun = props.endOfDay?.stateMachine;
    if (eodRun !== undefined) {
      alarm('eod-run-failed', 'The nightly end-of-day run failed or timed out (Step Functions executions failed + timed out > 0), so no report was kept for its date. Find the execution in the Step Functions console, fix the cause, and start the state machine again with {"date": "YYYY-MM-DD"} (idempotent).', {
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: {
            failed: eodRun.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
            timedOut: eodRun.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
          },
          period: FIVE_MINUTES,
          label: 'Runs failed or timed out',
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.alarms = alarms;

    // --- Dashboard ---------------------------------------------------------------------------
    const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...options });
    const threshold = (value: number, label: string): cloudwatch.HorizontalAnnotation => ({ value, label, color: cloudwatch.Color.RED });
    const business = (...names: BusinessMetricName[]) => names.map((name) => this.#businessMetric(name));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Dashboard names are global to the account, not regional.
      dashboardName: `${stackName}-${Stack.of(this).region}`,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.TextWidget({
            width: 24,
            height: 2,
            markdown:
              '# Revolving credit service — operations\n' +
              `Money is in yuan. Alarms notify the SNS topic of this stack; their state is listed below. Request metrics add up every channel and operation.`,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms.values()], width: 24, height: 4 })],
        [
          graph('API requests and errors (per 5 minutes)', [requests, clientErrors, serverErrors]),
          graph('API error rate (% of requests)', [serverErrorRate, clientErrorRate], {
            leftAnnotations: [threshold(api5xxRatePercent, 'server error alarm')],
            leftYAxis: { min: 0, label: '%', showUnits: false },
          }),
          graph('API response time (milliseconds)', [latency('p50', 'median'), latency('p90', 'p90'), latency('p99', 'p99')], {
            leftAnnotations: [threshold(latencyP99Ms, 'p99 alarm')],
            leftYAxis: { min: 0, label: 'ms', showUnits: false },
          }),
        ],
        [
          graph('Function failures (crashes, timeouts; per 5 minutes)', perFunction((fn) => fn.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label: fn.operation }))),
          graph('Function throttles (per 5 minutes)', perFunction((fn) => fn.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum', label: fn.operation }))),
          graph('Function run time, slowest 1% (milliseconds)', perFunction((fn) => fn.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: fn.operation }))),
        ],
        [
          graph('Ledger table: throttled requests (per 5 minutes)', [tableThrottles]),
          graph('Ledger table: capacity used (units per 5 minutes)', [
            props.table.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Read units' }),
            props.table.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES, statistic: 'Sum', label: 'Write units' }),
          ]),
          graph(
            'Ledger table: response time, slowest 1% (milliseconds)',
            [dynamodb.Operation.GET_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.PUT_ITEM].map((operation) =>
              props.table.metricSuccessfulRequestLatency({ dimensionsMap: { TableName: props.table.tableName, Operation: operation }, period: FIVE_MINUTES, statistic: 'p99', label: operation }),
            ),
          ),
        ],
        [
          graph('Drawdowns, repayments and first loans (count per 5 minutes)', business('Drawdowns', 'Repayments', 'FirstLoanBorrowers')),
          graph('Money drawn down and repaid (yuan per 5 minutes)', business('DrawdownAmountFen', 'RepaymentAmountFen')),
          graph('Renewal decisions (count per 5 minutes)', business('RenewalsApproved', 'RenewalsReferred', 'RenewalsRejected', 'RenewalsDeclined')),
        ],
        [
          graph('Principal renewed without being repaid first (yuan per 5 minutes)', business('PrincipalRenewedFen')),
          graph('Repeated and contended commands (count per 5 minutes)', business('IdempotentReplays', 'ConcurrencyRetries')),
          graph('Portfolio: principal outstanding and overdue (yuan, at end of day)', business('OutstandingPrincipalFen', 'OverduePrincipalFen'), { period: ONE_DAY }),
        ],
        [
          graph('Portfolio: interest accrued, not yet paid (yuan, at end of day)', business('AccruedInterestFen'), { period: ONE_DAY }),
          graph('Overdue ratio (% of outstanding principal, at end of day)', business('OverdueRatioPpm'), { period: ONE_DAY, leftYAxis: { min: 0, label: '%', showUnits: false } }),
          graph('End of day: facilities processed, changed and failed (per run)', business('EodFacilitiesProcessed', 'EodFacilitiesChanged', 'EodFailures'), { period: ONE_DAY }),
        ],
        [
          graph('End of day: run time (minutes)', business('EodDurationMs'), { period: ONE_DAY }),
          ...(eodRun === undefined
            ? []
            : [
                graph(
                  'End of day: nightly runs (per hour)',
                  [
                    eodRun.metricStarted({ period: ONE_HOUR, statistic: 'Sum', label: 'Started' }),
                    eodRun.metricSucceeded({ period: ONE_HOUR, statistic: 'Sum', label: 'Succeeded' }),
                    eodRun.metricFailed({ period: ONE_HOUR, statistic: 'Sum', label: 'Failed' }),
                    eodRun.metricTimedOut({ period: ONE_HOUR, statistic: 'Sum', label: 'Timed out' }),
                  ],
                  { leftYAxis: { min: 0, showUnits: false } },
                ),
                graph(
                  'End of day: shard and report functions (failures per hour; slowest run, minutes)',
                  eodFunctions.map((fn) => fn.fn.metricErrors({ period: ONE_HOUR, statistic: 'Sum', label: `${fn.operation} failures` })),
                  {
                    right: eodFunctions.map(
                      (fn, i) =>
                        new cloudwatch.MathExpression({
                          expression: `duration${i} / 60000`,
                          usingMetrics: { [`duration${i}`]: fn.fn.metricDuration({ period: ONE_HOUR, statistic: 'Maximum' }) },
                          period: ONE_HOUR,
                          label: `${fn.operation} slowest run`,
                        }),
                    ),
                    rightYAxis: { min: 0, label: 'minutes', showUnits: false },
                  },
                ),
              ]),
        ],
        // The figures the SME lending policy is judged by (docs/reporting.md), as of each end-of-day date.
        [
          new cloudwatch.TextWidget({
            width: 24,
            height: 2,
            markdown: `# ${POLICY_SECTION_TITLE}\n普惠小微、首贷户、信用贷款、新发放贷款利率、无还本续贷与五级分类，按日终日期。Inclusive SME lending, first loans, credit loans, new-lending rates, renewals and the five tiers, per end-of-day date.`,
          }),
        ],
        [
          graph('普惠小微与农户经营性贷款余额 Inclusive SME and farmers’ balances (yuan)', business('InclusiveSmeBalanceFen', 'FarmerBalanceFen'), { period: ONE_DAY }),
          graph('普惠小微有贷户数 Inclusive SME borrowers with a balance', business('InclusiveSmeBorrowers'), { period: ONE_DAY }),
          graph('信用贷款占比 Credit (unsecured) loans, % of balance', business('CreditLoanSharePpm'), { period: ONE_DAY, leftYAxis: { min: 0, label: '%', showUnits: false } }),
        ],
        [
          graph('当日新发放贷款 New lending of the day (yuan)', business('NewLendingFen', 'InclusiveSmeNewLendingFen'), { period: ONE_DAY }),
          graph('新发放贷款加权平均利率 New-lending weighted average rate (%)', business('NewLendingRatePpm', 'InclusiveSmeNewLendingRatePpm'), {
            period: ONE_DAY,
            leftYAxis: { min: 0, label: '%', showUnits: false },
          }),
          graph('首贷户 First-loan borrowers of the day', business('FirstLoanBorrowersOfDay', 'FirstLoanUnknownOfDay'), { period: ONE_DAY }),
        ],
        [
          graph('无还本续贷 Renewals without repaying principal (count; principal carried, yuan)', business('RenewalDrawdownsOfDay'), {
            period: ONE_DAY,
            right: business('RenewalPrincipalCarriedFen'),
          }),
          graph('五级分类余额 Balance by five-tier class (yuan)', business('ClassNormalFen', 'ClassSpecialMentionFen', 'ClassSubstandardFen', 'ClassDoubtfulFen', 'ClassLossFen'), { period: ONE_DAY }),
          graph('不良贷款 Non-performing balance (yuan) and ratio (%)', business('NonPerformingFen'), {
            period: ONE_DAY,
            right: business('NonPerformingRatioPpm'),
            rightYAxis: { min: 0, label: '%', showUnits: false },
          }),
          graph('非应计贷款 Non-accrual balance and interest off balance sheet (yuan)', business('NonAccrualBalanceFen', 'OffBalanceInterestFen'), { period: ONE_DAY }),
        ],
      ],
    });
  }

  /** A business metric summed over every operation and channel, in the unit people read (yuan, %, minutes). */
  #businessMetric(name: BusinessMetricName): cloudwatch.IMetric {
    const { label, kind } = BUSINESS_METRICS[name];
    const { statistic, period, divisor } = READING[kind];
    const search = `SEARCH('{${this.#namespace},${REQUEST_DIMENSIONS.join(',')}} MetricName="${name}"', '${statistic}', ${period.toSeconds()})`;
    // Levels are not summed across series: a re-run by another channel reports the same level.
    const aggregate = kind === 'eod-level' || kind === 'eod-level-fen' || kind === 'eod-ppm' || kind === 'eod-ms' ? 'MAX' : 'SUM';
    const expression = divisor === 1 ? `${aggregate}(${search})` : `${aggregate}(${search}) / ${divisor}`;
    return new cloudwatch.MathExpression({ expression, usingMetrics: {}, period, label });
  }
}

/**
 * The alarm topic, encrypted with a key CloudWatch may use: alarms cannot publish to a topic
 * encrypted with the AWS-managed SNS key, whose policy no service principal can be added to.
 */
function alarmTopic(scope: Construct): sns.Topic {
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: 'Encrypts the revolving credit service alarm topic',
    enableKeyRotation: true,
    // It protects notifications in flight only; nothing stored needs it after the stack is gone.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      // In a key policy '*' is this key.
      resources: ['*'],
    }),
  );
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: 'Revolving credit service alarms', masterKey: key, enforceSSL: true });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return topic;
}
