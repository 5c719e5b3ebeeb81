/**
 * A day's accrual (dayAccrualNumerator, what the statement shows) is exactly what accrueTo adds to the
 * accumulators that day: the statement's days add up to what settlement crystallises.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { accrueTo, dayAccrualNumerator } from '#domain/drawdown-accrual.ts';
import { fromDay, toDay } from '#domain/calendar.ts';
import type { FacilityState } from '#domain/state.ts';
import { draw, MILLION_YUAN, openCommand, repayCmd, run } from './support.ts';

/** Σ acc × rate over every accumulator of every drawdown (fen × ppm). */
function accumulated(state: FacilityState): bigint {
  let sum = 0n;
  for (const d of state.drawdowns) for (const b of [...d.interestAcc, ...d.penaltyAcc, ...d.compoundAcc]) sum += BigInt(b.accFenDays) * BigInt(b.ratePpm);
  return sum;
}

/**
 * Day by day from the state's opening to `to`: what accrueTo adds to the accumulators of the state opened on that
 * day (the date engine settling and moving statuses in between), against dayAccrualNumerator of that state.
 */
function compare(state: FacilityState, to: string): { byDays: bigint; byAccrual: bigint } {
  let byDays = 0n;
  let byAccrual = 0n;
  for (let day = toDay(state.businessDate); day < toDay(to); day++) {
    const opened = advance(state, fromDay(day)).state;
    accrueTo(opened, day);
    const before = accumulated(opened);
    byDays += dayAccrualNumerator(opened, day);
    accrueTo(opened, day + 1);
    byAccrual += accumulated(opened) - before;
  }
  return { byDays, byAccrual };
}

describe('a day’s accrual is what accrueTo adds that day', () => {
  it('across the maturity date: contract interest to M − 1, penalty and compound from M (Jan 21 … 27, M = Jan 25)', () => {
    // 1 000 000.00 drawn Jan 15 for 10 days; the 20th settled, the state opens on the 21st.
    const r = run([openCommand(), draw('2026-01-15', MILLION_YUAN, { termDays: 10 }), repayCmd('2026-01-21', 100)]);
    const { byDays, byAccrual } = compare(r.state, '2026-01-28');
    // Jan 21…24: 4 × 10^8 × 34 500; Jan 25…27: 3 × 10^8 × 51 750 penalty; compound at 51 750 on the Jan 20 interest
    // (57 500 − 100 = 57 400) from Jan 21 = 7 days, on the maturity interest (38 333) from Jan 25 = 3 days
    expect(byAccrual).toBe(4n * 100_000_000n * 34_500n + 3n * 100_000_000n * 51_750n + (57_400n * 7n + 38_333n * 3n) * 51_750n);
    expect(byDays).toBe(byAccrual);
  });

  it('after a payment that leaves part of the overdue principal and no interest: only its penalty runs', () => {
    const r = run([openCommand(), draw('2026-01-05', MILLION_YUAN, { termDays: 10 }), repayCmd('2026-01-16', MILLION_YUAN)]);
    // 10^8 paid on Jan 16 meets the compound (Jan 15: 95 833 × 51 750 / 3.6e8 = 13.78 → 14), the penalty (Jan 15: 14 375),
    // the overdue interest 95 833 and 99 889 778 of the principal: 110 222 of it stays overdue, with no interest left
    const { byDays, byAccrual } = compare(r.state, '2026-01-19');
    expect(byAccrual).toBe(3n * 110_222n * 51_750n);
    expect(byDays).toBe(byAccrual);
  });
});
