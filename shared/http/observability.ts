/**
 * Logging and metrics for the functions, HTTP and Step Functions tasks alike. Logs are JSON with
 * the API request id (or the Lambda request id) as correlation id and never carry request bodies
 * or personal data; metrics are CloudWatch EMF with dimensions service, operation and channel.
 *
 * Tracing: Powertools Tracer bundles the X-Ray SDK (+128 KB minified, a quarter of the
 * bundle budget in the README's Benchmarks targets), so HTTP functions rely on Lambda active tracing set in CDK
 * instead, which records each invocation without any SDK in the bundle.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE_ENV, optionalEnv, SERVICE_NAME_ENV } from '#config/env.ts';

export { Logger } from '@aws-lambda-powertools/logger';
export { Metrics } from '@aws-lambda-powertools/metrics';

export const DEFAULT_METRICS_NAMESPACE = 'CreditService';
export const DEFAULT_SERVICE_NAME = 'credit-service';

const serviceName = optionalEnv(SERVICE_NAME_ENV, DEFAULT_SERVICE_NAME);

/** One logger per function, every line tagged with the operation. */
export function createLogger(operation: string): Logger {
  return new Logger({ serviceName, persistentKeys: { operation } });
}

/** One metrics buffer per function, with `operation` (or the given dimensions) as default dimensions. */
export function createMetrics(operation: string, dimensions: Readonly<Record<string, string>> = { operation }): Metrics {
  return new Metrics({
    namespace: optionalEnv(METRICS_NAMESPACE_ENV, DEFAULT_METRICS_NAMESPACE),
    serviceName,
    defaultDimensions: { ...dimensions },
  });
}

/**
 * The dimensions end-of-day metrics carry whoever runs end of day: those of the ops route that
 * runs it by hand (its operation, and its one role as channel). The nightly run reports under
 * them too, so the end-of-day alarms, which must name exact dimensions, watch both.
 */
export const EOD_METRIC_DIMENSIONS = { operation: 'ops-eod', channel: 'ops' } as const;

/**
 * The business metrics of docs/architecture.md that requests emit. Amounts are integer fen (names
 * carry the unit); dashboards divide by 100. Adding a name forces choosing its unit.
 */
export type BusinessMetricName =
  | 'Drawdowns'
  | 'DrawdownAmountFen'
  | 'Repayments'
  | 'RepaymentAmountFen'
  | 'FirstLoanBorrowers'
  | 'RenewalsApproved'
  | 'RenewalsReferred'
  | 'RenewalsRejected'
  | 'RenewalsDeclined'
  | 'PrincipalRenewedFen'
  | 'IdempotentReplays'
  | 'ConcurrencyRetries'
  | 'EodFacilitiesProcessed'
  | 'EodFacilitiesChanged'
  | 'EodFailures'
  | 'EodDurationMs'
  | 'OutstandingPrincipalFen'
  | 'AccruedInterestFen'
  | 'OverduePrincipalFen'
  | 'OverdueRatioPpm'
  // The policy figures of each end of day (docs/reporting.md): levels as of the date, and the day's flows.
  | 'InclusiveSmeBalanceFen'
  | 'InclusiveSmeBorrowers'
  | 'FarmerBalanceFen'
  | 'CreditLoanSharePpm'
  | 'NewLendingFen'
  | 'NewLendingRatePpm'
  | 'InclusiveSmeNewLendingFen'
  | 'InclusiveSmeNewLendingRatePpm'
  | 'FirstLoanBorrowersOfDay'
  | 'FirstLoanUnknownOfDay'
  | 'RenewalDrawdownsOfDay'
  | 'RenewalPrincipalCarriedFen'
  | 'ClassNormalFen'
  | 'ClassSpecialMentionFen'
  | 'ClassSubstandardFen'
  | 'ClassDoubtfulFen'
  | 'ClassLossFen'
  | 'NonPerformingFen'
  | 'NonPerformingRatioPpm'
  | 'NonAccrualBalanceFen'
  | 'OffBalanceInterestFen';

const UNITS: Readonly<Record<BusinessMetricName, (typeof MetricUnit)[keyof typeof MetricUnit]>> = {
  Drawdowns: MetricUnit.Count,
  DrawdownAmountFen: MetricUnit.NoUnit,
  Repayments: MetricUnit.Count,
  RepaymentAmountFen: MetricUnit.NoUnit,
  FirstLoanBorrowers: MetricUnit.Count,
  RenewalsApproved: MetricUnit.Count,
  RenewalsReferred: MetricUnit.Count,
  RenewalsRejected: MetricUnit.Count,
  RenewalsDeclined: MetricUnit.Count,
  PrincipalRenewedFen: MetricUnit.NoUnit,
  IdempotentReplays: MetricUnit.Count,
  ConcurrencyRetries: MetricUnit.Count,
  EodFacilitiesProcessed: MetricUnit.Count,
  EodFacilitiesChanged: MetricUnit.Count,
  EodFailures: MetricUnit.Count,
  EodDurationMs: MetricUnit.Milliseconds,
  OutstandingPrincipalFen: MetricUnit.NoUnit,
  AccruedInterestFen: MetricUnit.NoUnit,
  OverduePrincipalFen: MetricUnit.NoUnit,
  OverdueRatioPpm: MetricUnit.NoUnit,
  InclusiveSmeBalanceFen: MetricUnit.NoUnit,
  InclusiveSmeBorrowers: MetricUnit.Count,
  FarmerBalanceFen: MetricUnit.NoUnit,
  CreditLoanSharePpm: MetricUnit.NoUnit,
  NewLendingFen: MetricUnit.NoUnit,
  NewLendingRatePpm: MetricUnit.NoUnit,
  InclusiveSmeNewLendingFen: MetricUnit.NoUnit,
  InclusiveSmeNewLendingRatePpm: MetricUnit.NoUnit,
  FirstLoanBorrowersOfDay: MetricUnit.Count,
  FirstLoanUnknownOfDay: MetricUnit.Count,
  RenewalDrawdownsOfDay: MetricUnit.Count,
  RenewalPrincipalCarriedFen: MetricUnit.NoUnit,
  ClassNormalFen: MetricUnit.NoUnit,
  ClassSpecialMentionFen: MetricUnit.NoUnit,
  ClassSubstandardFen: MetricUnit.NoUnit,
  ClassDoubtfulFen: MetricUnit.NoUnit,
  ClassLossFen: MetricUnit.NoUnit,
  NonPerformingFen: MetricUnit.NoUnit,
  NonPerformingRatioPpm: MetricUnit.NoUnit,
  NonAccrualBalanceFen: MetricUnit.NoUnit,
  OffBalanceInterestFen: MetricUnit.NoUnit,
};

/** The narrow metrics interface handlers get: they add values; dimensions and flushing are the stack's job. */
export interface BusinessMetrics {
  /** Adds `value` (default 1) to a business metric of this request. */
  add(name: BusinessMetricName, value?: number): void;
}

export function businessMetrics(metrics: Metrics, logger: Logger): BusinessMetrics {
  return {
    add(name, value = 1) {
      // A bad metric value is a bug, but not one worth failing a committed command for.
      if (!Number.isSafeInteger(value) || value < 0) {
        logger.warn('metric value dropped: not a non-negative integer', { metric: name });
        return;
      }
      metrics.addMetric(name, UNITS[name], value);
    },
  };
}

/** Emits this request's metrics, if any, with the caller's channel as a dimension. */
export function flushMetrics(metrics: Metrics, channel: string): void {
  if (!metrics.hasStoredMetrics()) return;
  metrics.addDimension('channel', channel);
  metrics.publishStoredMetrics();
}
