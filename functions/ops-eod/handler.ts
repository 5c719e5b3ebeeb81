/**
 * POST /v1/ops/eod/{date}: end of day for a date, every shard in turn (idempotent), keeping the
 * date's portfolio report like the nightly run does. In AWS the nightly run maps over shards;
 * this route lets operations run or re-run a date by hand (never a date after today: 422).
 * Deployed, it runs within one 10 s function, so a book too large for that is refused before
 * anything is written; locally (`npm start`, LOCAL_DEV=1) the handler runs in-process with no time
 * limit and there is no state machine to hand a large book to, so it takes any book.
 */
import { assertBookFitsOneRequest, assertEodDateNotInFuture, eodMetricValues, recordEodReport, runEod } from '#app/eod.ts';
import { portfolioView } from '#app/reports.ts';
import { LOCAL_DEV_ENV, flagEnv } from '#config/env.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsEodRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  opsEodRoute,
  async ({ deps, path, businessDate, clock, metrics }) => {
    assertEodDateNotInFuture(path.date, businessDate);
    if (!flagEnv(LOCAL_DEV_ENV)) await assertBookFitsOneRequest(deps);
    const started = clock.now().getTime();
    const report = await runEod(deps, path.date);
    await recordEodReport(deps, report);
    for (const [name, value] of eodMetricValues(report, clock.now().getTime() - started)) metrics.add(name, value);
    return { status: 200, body: await portfolioView(deps, report) };
  },
  { deps: appDeps },
);
