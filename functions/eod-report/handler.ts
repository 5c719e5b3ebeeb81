/**
 * Step Functions task { date, startedAt, run }: combines the parts the run kept for the date
 * (one per range of shards) into the date's portfolio report, keeps it (EOD#<date>) and emits the
 * end-of-day metrics the alarms watch.
 */
import type { AppDeps } from '#app/deps.ts';
import { assertEodDateNotInFuture, eodMetricValues, reportEodRun } from '#app/eod.ts';
import { today } from '#domain/calendar.ts';
import { portfolioView } from '#app/reports.ts';
import { jobHandler, type JobHandlerOptions } from '#http/job.ts';
import { jobOf } from '../jobs.ts';
import { appDeps } from '../wiring.ts';

/** Tests build it with their own clock, metrics and deps; Lambda runs `handler`. */
export function createHandler(options: JobHandlerOptions<AppDeps> = {}) {
  return jobHandler(
    jobOf('eod-report'),
    async ({ date, startedAt, run }, { deps, clock, metrics }) => {
      assertEodDateNotInFuture(date, today(clock));
      const report = await reportEodRun(deps, date, run);
      for (const [name, value] of eodMetricValues(report, Math.max(0, clock.now().getTime() - Date.parse(startedAt)))) metrics.add(name, value);
      return portfolioView(deps, report);
    },
    { deps: appDeps, ...options },
  );
}

export const handler = createHandler();
