/**
 * `npm run eod -- --date YYYY-MM-DD`: end of day on the local store (the same use-case the
 * ops route and the nightly run use), range of shards by range with a progress bar, keeping the date's
 * report as they do (GET /v1/ops/portfolio?date= shows it). Stop `npm start` first (the on-disk
 * store allows one process), or call POST /v1/ops/eod/{date} on it instead. A date after today
 * is refused (eod-date-in-future); `--business-date` stands in for today, as x-dev-business-date does
 * for the API.
 */
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { assertEodDateNotInFuture, EOD_LOCAL_GROUPS, recordEodReport, runEod } from '#app/eod.ts';
import { appDeps } from '../functions/wiring.ts';
import { parseBusinessDate, systemClock, today } from '#domain/calendar.ts';
import { DomainError } from '#domain/errors.ts';
import { formatYuan } from '#domain/money.ts';
import { formatPercent } from '#domain/rates.ts';
import { startLocalStore } from './store.ts';

const { values } = parseArgs({ options: { date: { type: 'string' }, 'business-date': { type: 'string' } } });
const date = parseBusinessDate(values.date, '--date');
const businessDate = values['business-date'] === undefined ? today(systemClock) : parseBusinessDate(values['business-date'], '--business-date');
try {
  assertEodDateNotInFuture(date, businessDate);
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.error(`${error.message} (${error.code}; --business-date YYYY-MM-DD stands in for today locally)`);
  process.exit(2);
}

const store = await startLocalStore().catch((error: unknown) => {
  console.error(`Cannot open the local store (is \`npm start\` running? then use POST /v1/ops/eod/${date}): ${String(error)}`);
  process.exit(1);
});
const bar = new SingleBar({ format: 'EOD {date} |{bar}| {value}/{total} ranges of shards | {facilities} facilities, {changed} changed', hideCursor: true }, Presets.shades_classic);
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
await store.stop();
process.exit(report.failures === 0 ? 0 : 1);
