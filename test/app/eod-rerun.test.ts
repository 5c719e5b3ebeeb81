/**
 * End of day re-run for a past date (`POST /v1/ops/eod/{date}`, the README's example, or the nightly
 * run for yesterday on a line that took many commands today): it values each line as it stood at the
 * end of that date, from the last event on or before it. A line whose journal has moved on past the
 * date is read back far enough to find that event; one past even that is named among the failures,
 * never silently left out of the figures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { drawdown, openFacility, repay } from '#app/facilities.ts';
import { assertBookFitsOneRequest, runEod } from '#app/eod.ts';
import { addDays } from '#domain/calendar.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore, uniqueId } from '../setup/ledger.ts';

let deps: AppDeps;
const ctx = (date: string, key: string) => ({ date, idempotencyKey: key, actor: 'channel:test' });
const DATE = '2026-02-02';

beforeAll(async () => {
  const client = ledgerClient();
  deps = createAppDeps({ store: ledgerStore(client, { tableName: await freshTable(client, 'eod-rerun') }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
  await deps.lpr.publish({ date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
});

/** A line with 100 000.00 drawn on DATE, then `repayments` of 1.00 on the days after it (one event each). */
async function lineWithLaterRepayments(repayments: number): Promise<string> {
  const facilityId = uniqueId('RR');
  await openFacility(deps, { date: '2026-02-01', actor: 'channel:test' }, { facilityId, borrowerId: uniqueId('B'), limitFen: 1_000_000_00, effectiveDate: '2026-02-01', maturityDate: '2027-01-31', spreadBp: 45 });
  await drawdown(deps, facilityId, ctx(DATE, 'd'), { amountFen: 100_000_00 });
  for (let i = 1; i <= repayments; i++) await repay(deps, facilityId, ctx(addDays(DATE, i), `r${i}`), { amountFen: 1_00 });
  return facilityId;
}

describe('end of day re-run for a past date', () => {
  it('values a line that took 12 commands since, as it stood that day', async () => {
    await lineWithLaterRepayments(12);
    const report = await runEod(deps, DATE);
    expect(report).toMatchObject({ processed: 1, failures: 0, failed: [] });
    // Drawn that day, repaid only later: 100 000.00 outstanding, that day's interest at 3.45%:
    // 10 000 000 fen × 1 day × 34 500 / 360 000 000 = 958.33 fen → 9.58 yuan.
    expect(report.totals).toMatchObject({ facilities: 1, principalOutstandingFen: 100_000_00, accruedInterestFen: 958 });
  });

  it('names a line whose journal moved on more than 100 events since among the failures', async () => {
    const far = await lineWithLaterRepayments(101);
    const report = await runEod(deps, DATE);
    expect(report).toMatchObject({ processed: 2, failures: 1, failed: [{ facilityId: far, code: 'date-before-last-event' }] });
    // The other line is valued as before; the far one is not in the figures, and the report says so.
    expect(report.totals).toMatchObject({ facilities: 1, principalOutstandingFen: 100_000_00 });
  });
});

describe('the book POST /v1/ops/eod/{date} takes on in its one request', () => {
  it('refuses a book of more facilities than the bound with eod-book-too-large before writing anything, and accepts one at the bound', async () => {
    const client = ledgerClient();
    const own = createAppDeps({ store: ledgerStore(client, { tableName: await freshTable(client, 'eod-book') }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
    for (let i = 0; i < 3; i++) {
      await openFacility(own, { date: '2026-02-01', actor: 'channel:test' }, { facilityId: uniqueId('BK'), borrowerId: uniqueId('B'), limitFen: 1_000_00, effectiveDate: '2026-02-01', maturityDate: '2027-01-31', spreadBp: 45 });
    }
    await expect(assertBookFitsOneRequest(own, 2)).rejects.toMatchObject({ code: 'eod-book-too-large', details: { maxFacilities: 2 } });
    await expect(assertBookFitsOneRequest(own, 3)).resolves.toBeUndefined();
  });
});
