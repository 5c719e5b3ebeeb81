/**
 * POST /v1/ops/eod/{date}: end of day for a date, every shard in turn (idempotent). In AWS the
 * nightly run maps over shards; this route lets operations run or re-run a date by hand.
 */
import { appDeps } from '#app/wiring.ts';
import { runEod } from '#app/eod.ts';
import { formatYuan } from '#domain/money.ts';
import { formatPercent } from '#domain/rates.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('ops-eod'), async ({ path, clock, metrics }) => {
  const started = clock.now().getTime();
  const report = await runEod(appDeps(), path.date);
  const t = report.totals;
  metrics.add('EodFacilitiesProcessed', report.processed);
  metrics.add('EodFacilitiesChanged', report.changed);
  metrics.add('EodFailures', report.failed.length);
  metrics.add('EodDurationMs', clock.now().getTime() - started);
  metrics.add('OutstandingPrincipalFen', t.principalOutstandingFen);
  metrics.add('AccruedInterestFen', t.accruedInterestFen);
  metrics.add('OverduePrincipalFen', t.overduePrincipalFen);
  metrics.add('OverdueRatioPpm', report.overdueRatioPpm);
  return {
    status: 200,
    body: {
      date: report.date,
      shards: report.shards,
      processed: report.processed,
      changed: report.changed,
      failed: report.failed,
      eventsByType: report.eventsByType,
      portfolio: {
        facilities: t.facilities,
        principalOutstanding: formatYuan(t.principalOutstandingFen),
        accruedInterest: formatYuan(t.accruedInterestFen),
        interestDue: formatYuan(t.interestDueFen),
        overdueInterest: formatYuan(t.overdueInterestFen),
        overduePrincipal: formatYuan(t.overduePrincipalFen),
        penaltyInterest: formatYuan(t.penaltyInterestFen),
        // A ratio in ppm reads as a percent exactly like a rate in ppm: 50 000 ppm = 5.0000%.
        overdueRatioPercent: formatPercent(report.overdueRatioPpm),
        byClassification: t.byClassification,
      },
    },
  };
});
