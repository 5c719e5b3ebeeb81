/**
 * The month's policy report (GET /v1/ops/reports/policy?month=) against reading the month's 31
 * end-of-day reports and adding up their day flows — what a month report would cost without the
 * monotonic counters (docs/reporting.md). Both on one embedded store, in the same run.
 *
 *   ours      policyPeriodReport: the month end's report (whose month-to-date flows are the
 *             month's) and the year-start report for the growth figures, formatted as the route
 *             answers.
 *   baseline  the 31 reports of the month read one by one (GetItem each, as the store reads
 *             them), their day flows summed: new lending count, amount and Σ amount × rate.
 *
 * The reports are those of a book of 10 000 facilities (320 in quick mode), one borrower each:
 * every day's report is built by the same `summarise` end of day uses, from shard results and
 * each borrower's part (balances, class, flows), and kept with `putEodReport`. A report holds
 * aggregates only, so its size does not grow with the book; the comparison is one or two reads
 * against thirty-one.
 */
import { summarise, type EodPart } from '#app/eod.ts';
import { policyPeriodReport } from '#app/reports.ts';
import { addDays } from '#domain/calendar.ts';
import { emptyPart, zeroFlows, type BorrowerPart, type FlowCounters } from '#domain/policy.ts';
import { zeroLedger } from '#domain/postings.ts';
import { BORROWER_TYPES, ENTERPRISE_SIZES, COLLATERAL_TYPES } from '#domain/profile.ts';
import type { Classification } from '#domain/state.ts';
import { EOD_SHARD_COUNT } from '#ledger/schema.ts';
import { eodDeps } from './eod.ts';
import { type BenchContext, type ResultRow, measureRounds, medianRatio, seededRandom, speedFigures } from './harness.ts';
import { startBenchStore } from './ledger-fixture.ts';

export const SIZES = {
  full: { facilities: 10_000, rounds: 12, warmupMs: 300, minSampleMs: 300 },
  quick: { facilities: 320, rounds: 2, warmupMs: 0, minSampleMs: 0 },
} as const;

export const MONTH = '2026-01';
const MONTH_DAYS = 31;
const UNIT = 'month reports/s';
const CLASSES: Classification[] = ['NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL'];

/** The shard results of one day of the book and each borrower's part, its flows growing through the month. */
function dayShards(date: string, day: number, facilities: number, random: () => number): { shards: EodPart[]; borrowers: BorrowerPart[] } {
  const shards: EodPart[] = Array.from({ length: EOD_SHARD_COUNT }, (_, shard) => ({
    date,
    from: shard,
    to: shard + 1,
    processed: 0,
    changed: 0,
    failures: 0,
    failed: [],
    eventsByType: {},
    totals: { facilities: 0, principalOutstandingFen: 0, accruedInterestFen: 0, interestDueFen: 0, overdueInterestFen: 0, overduePrincipalFen: 0, penaltyInterestFen: 0, byClassification: {} },
    borrowerChunks: 0,
    ledger: zeroLedger(),
  }));
  const borrowers: BorrowerPart[] = [];
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  for (let n = 0; n < facilities; n++) {
    const shard = shards[n % EOD_SHARD_COUNT]!;
    const balanceFen = Math.floor(random() * 500) * 10_000_00;
    const drawnToday = random() < 0.05;
    const today: FlowCounters = drawnToday ? { newLendingCount: 1, newLendingFen: 100_000_00, newLendingFenPpm: String(100_000_00 * 35_000), renewalCount: 0, renewalPrincipalFen: 0 } : zeroFlows();
    // Month to date: about one drawdown in twenty borrowers a day so far.
    const monthCount = Math.round(day * 0.05);
    const month: FlowCounters = { newLendingCount: monthCount, newLendingFen: monthCount * 100_000_00, newLendingFenPpm: String(monthCount * 100_000_00 * 35_000), renewalCount: 0, renewalPrincipalFen: 0 };
    const part: BorrowerPart = {
      ...emptyPart(`BOR-${String(n).padStart(5, '0')}`),
      creditFen: balanceFen * 2,
      balanceFen,
      balanceByClass: balanceFen === 0 ? {} : { [pick(CLASSES)]: balanceFen },
      firstDrawdownDate: '2025-06-01',
      flows: { day: today, month, year: month },
      facts: { borrowerType: pick(BORROWER_TYPES), enterpriseSize: pick(ENTERPRISE_SIZES), collateral: pick(COLLATERAL_TYPES), priorBankLoan: pick([true, false, 'unknown'] as const) },
    };
    part.worstClass = (Object.keys(part.balanceByClass)[0] as Classification | undefined) ?? null;
    borrowers.push(part);
    shard.processed += 1;
    shard.totals.facilities += 1;
    shard.totals.principalOutstandingFen += balanceFen;
  }
  return { shards, borrowers };
}

export async function run(context: BenchContext): Promise<ResultRow[]> {
  const size = context.quick ? SIZES.quick : SIZES.full;
  const bench = await startBenchStore();
  try {
    let started = performance.now();
    const random = seededRandom(20260131);
    const deps = eodDeps(bench.client, bench.tableName);
    const dates = ['2025-12-31', ...Array.from({ length: MONTH_DAYS }, (_, i) => addDays(`${MONTH}-01`, i))];
    let reportBytes = 0;
    for (const [i, date] of dates.entries()) {
      const { shards, borrowers } = dayShards(date, i, size.facilities, random);
      const report = summarise(date, shards, borrowers);
      reportBytes = Math.max(reportBytes, JSON.stringify(report).length);
      await deps.store.putEodReport(report);
    }
    context.log(`report-month: ${dates.length} reports of ${size.facilities} facilities kept in ${(performance.now() - started).toFixed(0)} ms`);

    const monthEnd = (await deps.store.getEodReport(dates.at(-1)!))!.policy.flows.month.newLending;
    const readAll = async () => {
      let count = 0;
      let amountFen = 0;
      let fenPpm = 0n;
      for (const date of dates.slice(1)) {
        const day = (await deps.store.getEodReport(date))!.policy.flows.day.newLending;
        count += day.count;
        amountFen += day.amountFen;
        fenPpm += BigInt(day.amountRateFenPpm);
      }
      return count + amountFen + Number(fenPpm % 1_000_000n);
    };
    const monthReport = async () => {
      const r = await policyPeriodReport(deps, { month: MONTH }, '2026-02-05');
      if (r.asOf !== dates.at(-1) || !r.complete) throw new Error(`the month report read ${r.asOf}`);
      return r.flows.newLending.count + r.policy.borrowersWithBalance;
    };
    started = performance.now();
    const samples = await measureRounds(
      { ours: { ops: 1, run: monthReport }, baseline: { ops: 1, run: readAll } },
      { rounds: size.rounds, warmupMs: size.warmupMs, minSampleMs: size.minSampleMs, log: context.log },
    );
    context.log(`report-month: measured in ${(performance.now() - started).toFixed(0)} ms`);
    return [
      {
        id: 'report-month',
        title: 'month policy report vs reading the month’s 31 end-of-day reports and summing their day flows',
        ratio: medianRatio(samples.ours!.opsPerSec, samples.baseline!.opsPerSec),
        // No target in DESIGN §12: the month report must at least not cost more than the naive read.
        target: 1,
        ours: speedFigures('policyPeriodReport (month end report + year-start report)', UNIT, samples.ours!, { reportsRead: 2 }),
        baseline: speedFigures('31 reports read, day flows summed', UNIT, samples.baseline!, { reportsRead: MONTH_DAYS }),
        details: {
          facilities: size.facilities,
          month: MONTH,
          reportBytes,
          monthNewLending: { count: monthEnd.count, amountFen: monthEnd.amountFen },
          roundRatios: samples.ours!.opsPerSec.map((v, i) => v / samples.baseline!.opsPerSec[i]!),
        },
      },
    ];
  } finally {
    await bench.stop();
  }
}
