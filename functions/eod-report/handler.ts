/**
 * Step Functions task { date, startedAt, shards }: combines every shard's result into the date's
 * portfolio report, keeps it (EOD#<date>) and emits the end-of-day metrics the alarms watch.
 */
import { combineShards, eodMetricValues, recordEodReport } from '#app/eod.ts';
import { eodReportView } from '#app/views.ts';
import { appDeps } from '#app/wiring.ts';
import { jobHandler, type JobHandlerOptions } from '#http/job.ts';
import { jobOf } from '../jobs.ts';

/** Tests build it with their own clock and metrics; Lambda runs `handler`. */
export function createHandler(options: JobHandlerOptions = {}) {
  return jobHandler(
    jobOf('eod-report'),
    async ({ date, startedAt, shards }, { clock, metrics }) => {
      const report = combineShards(date, shards);
      await recordEodReport(appDeps(), report);
      for (const [name, value] of eodMetricValues(report, Math.max(0, clock.now().getTime() - Date.parse(startedAt)))) metrics.add(name, value);
      return eodReportView(report);
    },
    options,
  );
}

export const handler = createHandler();
