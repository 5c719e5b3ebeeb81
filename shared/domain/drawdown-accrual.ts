/**
 * Accrual on a facility's drawdowns (积数计息 applied to the state): bring the accumulators up to a
 * day, read the overdue interest that compounds, crystallise (round once) what has accrued. The
 * date engine (advance.ts), valuation, allocation and renewal share these; none of them needs the
 * date engine for it.
 */
import { accumulate, interestFen, type RateBucket } from './accrual.ts';
import { fromDay, toDay, yearBasisDays, type BusinessDate } from './calendar.ts';
import type { Drawdown, FacilityState } from './state.ts';

/** Principal, overdue interest and their rates are constant between boundaries, so one multiply covers a span. */
export function accrueTo(state: FacilityState, untilDay: number): void {
  const from = toDay(state.accruedUntil);
  const days = untilDay - from;
  if (days <= 0) return;
  const compound = state.terms.compoundInterest;
  for (const d of state.drawdowns) {
    if (d.principalFen > 0) {
      if (d.status === 'ACTIVE') accumulate(d.interestAcc, d.ratePpm, d.principalFen, days);
      else if (d.status === 'OVERDUE') accumulate(d.penaltyAcc, d.penaltyRatePpm, d.principalFen, days);
    }
    if (compound) {
      const overdueInterest = overdueInterestOn(d, from);
      if (overdueInterest > 0) accumulate(d.compoundAcc, d.penaltyRatePpm, overdueInterest, days);
    }
  }
  state.accruedUntil = fromDay(untilDay);
}

/** Settled interest of the drawdown that is overdue on `day`. */
export function overdueInterestOn(d: Drawdown, day: number): number {
  let sum = 0;
  for (const item of d.interestItems) if (toDay(item.overdueFrom) <= day) sum += item.amountFen;
  return sum;
}

/** Rounds the accumulated buckets once and empties them; returns the fen crystallised. */
export function crystallise(state: FacilityState, buckets: RateBucket[]): number {
  const amount = interestFen(buckets, yearBasisDays(state.terms.dayCount), state.terms.rounding);
  buckets.length = 0;
  return amount;
}

/** When interest settled on `settledDay` turns overdue: due the next day, overdue after the grace days. */
export function overdueFromForSettlement(state: FacilityState, settledDay: number): BusinessDate {
  return fromDay(settledDay + 2 + state.terms.graceDays);
}
