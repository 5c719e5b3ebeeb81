/**
 * `npm run eod -- --date YYYY-MM-DD`: end of day on the local store (the same use-case the
 * ops route and the nightly run use), range of shards by range with a progress bar, keeping the date's
 * report as they do (GET /v1/ops/portfolio?date= shows it). The on-disk store allows one
 * process: beside a running `npm start`, call POST /v1/ops/eod/{date} on it instead. A date after
 * today is refused (eod-date-in-future); `--business-date` stands in for today, as
 * x-dev-business-date does for the API.
 */
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { assertEodDateNotInFuture, EOD_LOCAL_GROUPS, recordEodReport, runEod } from '#app/eod.ts';
import { headlineFigures, portfolioView } from '#app/reports.ts';
import { DATA_DIR_ENV, PORT_ENV } from '#config/env.ts';
import { isBusinessDate, systemClock, today } from '#domain/calendar.ts';
import { DomainError } from '#domain/errors.ts';
import { formatYuan } from '#domain/money.ts';
import { formatPercent } from '#domain/rates.ts';
import { appDeps } from '../functions/wiring.ts';
import { startLocalStore } from './store.ts';

export const USAGE = `usage: npm run eod -- --date YYYY-MM-DD [--business-date YYYY-MM-DD]

Runs end of day for the date on the local store ($${DATA_DIR_ENV}, default .data/), as the nightly run
does in AWS: settlement on the 20th, overdue, penalty and compound interest, repricing,
classification; then keeps the date's portfolio report (GET /v1/ops/portfolio?date=) and prints
its headline policy figures (普惠小微, 信用贷款, 不良率, new lending, 首贷户, 无还本续贷).
Running a date twice changes nothing; a date after today is refused (--business-date stands in
for today locally). Stop \`npm start\` first, or run it through the API:
  curl -s -X POST localhost:3000/v1/ops/eod/YYYY-MM-DD -H x-dev-principal:ops:ops-desk`;

/** What to do instead when the store is held by a running `npm start` (leveldb's lock, or a closed handle). */
function inUse(date: string): string {
  const port = process.env[PORT_ENV] ?? '3000';
  return (
    `The local store is in use by a running \`npm start\` (it allows one process at a time).\n` +
    `Either stop npm start and run this again, or run end of day through the running API:\n` +
    `  curl -s -X POST localhost:${port}/v1/ops/eod/${date} -H x-dev-principal:ops:ops-desk`
  );
}

const STORE_BUSY = /Database is (closed|not open)|LOCK|lock hold|Resource temporarily unavailable|IO error/i;

async function main(argv: readonly string[]): Promise<number> {
  let values: { date?: string; 'business-date'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { date: { type: 'string' }, 'business-date': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const date = values.date;
  if (date === undefined || !isBusinessDate(date)) {
    console.error(`${date === undefined ? '--date is required' : `--date must be a calendar date YYYY-MM-DD, not ${date}`}\n\n${USAGE}`);
    return 2;
  }
  const stated = values['business-date'];
  if (stated !== undefined && !isBusinessDate(stated)) {
    console.error(`--business-date must be a calendar date YYYY-MM-DD, not ${stated}\n\n${USAGE}`);
    return 2;
  }
  try {
    assertEodDateNotInFuture(date, stated ?? today(systemClock));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(`${error.message} (${error.code}; --business-date YYYY-MM-DD stands in for today locally)`);
    return 2;
  }
  // dynalite reports a store held by another process (leveldb's LOCK) as "Database is closed",
  // thrown outside any request: turn it into what to do instead of a stack trace.
  const busy = (error: unknown) => {
    console.error(STORE_BUSY.test(String(error)) ? inUse(date) : `End of day ${date} failed: ${String(error)}`);
    process.exit(1);
  };
  process.once('uncaughtException', busy);
  process.once('unhandledRejection', busy);
  let store: Awaited<ReturnType<typeof startLocalStore>>;
  try {
    store = await startLocalStore();
  } catch (error) {
    console.error(STORE_BUSY.test(String(error)) ? inUse(date) : `Cannot open the local store: ${String(error)}`);
    return 1;
  }
  const bar = new SingleBar({ format: 'EOD {date} |{bar}| {value}/{total} ranges of shards | {facilities} facilities, {changed} changed', hideCursor: true }, Presets.shades_classic);
  try {
    let facilities = 0;
    let changed = 0;
    bar.start(EOD_LOCAL_GROUPS, 0, { date, facilities, changed });
    const report = await runEod(appDeps(), date, (part) => {
      facilities += part.processed;
      changed += part.changed;
      bar.increment(1, { facilities, changed });
    });
    bar.stop();
    await recordEodReport(appDeps(), report);
    const t = report.totals;
    console.log(
      `End of day ${date}: ${report.processed} facilities, ${report.changed} changed, ${report.failures} failed; ` +
        `events ${JSON.stringify(report.eventsByType)}; outstanding ${formatYuan(t.principalOutstandingFen)}, accrued ${formatYuan(t.accruedInterestFen)}, ` +
        `overdue principal ${formatYuan(t.overduePrincipalFen)} (${formatPercent(report.overdueRatioPpm)}%)`,
    );
    for (const failure of report.failed) console.log(`  failed: ${failure.facilityId} (${failure.code})`);
    // The day's headline policy figures (docs/reporting.md), as the portfolio report shows them.
    console.table(headlineFigures((await portfolioView(appDeps(), report)).policy));
    return report.failures === 0 ? 0 : 1;
  } catch (error) {
    bar.stop();
    console.error(STORE_BUSY.test(String(error)) ? inUse(date) : `End of day ${date} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await store.stop().catch(() => undefined);
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
  // The store's handles may keep the event loop alive after stop(); exit once output is flushed.
  setTimeout(() => process.exit(), 200).unref();
}
