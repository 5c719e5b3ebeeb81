/**
 * Accrual on a facility's drawdowns (积数计息 applied to the state): bring the accumulators up to a
 * day, read the overdue interest that compounds, crystallise (round once) what has accrued. The
 * date engine (advance.ts), valuation, allocation and renewal share these; none of them needs the
 * date engine for it.
 */
import { accumulate, interestFen, type RateBucket } from './accrual.ts';
import { fromDay, toDay, yearBasisDays, type BusinessDate } from './calendar.ts';
import { invariant } from './errors.ts';
import type { AccruedBooked, Drawdown, FacilityState, InterestItem } from './state.ts';

/**
 * Adds the days [accruedUntil, untilDay) to the accumulators. Principal, unpaid interest and their
 * rates are constant between boundaries, so one multiply covers a span:
 *  - contract interest on the principal for [drawn, M) (算头不算尾: the maturity date M does not count);
 *  - penalty interest (罚息) on principal unpaid at maturity from M itself: 逾期天数 = 还款日 − 到期日, so
 *    principal repaid at DPD n has paid n penalty days;
 *  - compound interest (复利) on interest due and unpaid from its 付息日 (`compoundsFrom`).
 */
export function accrueTo(state: FacilityState, untilDay: number): void {
  const from = toDay(state.accruedUntil);
  const days = untilDay - from;
  if (days <= 0) return;
  const compound = state.terms.compoundInterest;
  for (const d of state.drawdowns) {
    if (d.principalFen > 0) {
      if (d.status === 'ACTIVE') {
        const contractDays = Math.max(0, Math.min(days, toDay(d.maturityDate) - from));
        accumulate(d.interestAcc, d.ratePpm, d.principalFen, contractDays);
        accumulate(d.penaltyAcc, d.penaltyRatePpm, d.principalFen, days - contractDays);
      } else if (d.status === 'OVERDUE') accumulate(d.penaltyAcc, d.penaltyRatePpm, d.principalFen, days);
    }
    if (compound) {
      const unpaid = compoundingInterestOn(d, from);
      if (unpaid > 0) accumulate(d.compoundAcc, d.penaltyRatePpm, unpaid, days);
    }
  }
  state.accruedUntil = fromDay(untilDay);
}

/**
 * The first day an unpaid interest item accrues compound interest: its 付息日 D (the 21st after a
 * monthly settlement, the maturity date for interest settled with principal), i.e. the last day
 * before it falls overdue. With grace days it is the last day of grace, so interest paid within
 * grace costs nothing more and interest paid at DPD n has paid n days of compound interest.
 */
export function compoundsFrom(item: InterestItem): number {
  return toDay(item.overdueFrom) - 1;
}

/**
 * What one day adds to the accumulators, Σ balance × rate over the drawdowns (fen × ppm), on a state opened on
 * `day`: the rates `accrueTo` applies that day (contract interest before M, penalty from M, compound on interest
 * from its 付息日). Divided by basis × 10^6 it is the day's interest, unrounded, as the statement shows it.
 */
export function dayAccrualNumerator(state: FacilityState, day: number): bigint {
  let numerator = 0n;
  for (const d of state.drawdowns) {
    if (d.principalFen > 0 && (d.status === 'ACTIVE' || d.status === 'OVERDUE')) {
      const contract = d.status === 'ACTIVE' && day < toDay(d.maturityDate);
      numerator += BigInt(d.principalFen) * BigInt(contract ? d.ratePpm : d.penaltyRatePpm);
    }
    if (state.terms.compoundInterest) numerator += BigInt(compoundingInterestOn(d, day)) * BigInt(d.penaltyRatePpm);
  }
  return numerator;
}

/** Settled interest of the drawdown that accrues compound interest on `day`. */
function compoundingInterestOn(d: Drawdown, day: number): number {
  let sum = 0;
  for (const item of d.interestItems) if (compoundsFrom(item) <= day) sum += item.amountFen;
  return sum;
}

/** Settled interest of the drawdown that is overdue on `day`. */
export function overdueInterestOn(d: Drawdown, day: number): number {
  let sum = 0;
  for (const item of d.interestItems) if (toDay(item.overdueFrom) <= day) sum += item.amountFen;
  return sum;
}

/** Rounds the accumulated buckets once and empties them; returns the fen crystallised. */
function crystallise(state: FacilityState, buckets: RateBucket[]): number {
  const amount = interestFen(buckets, yearBasisDays(state.terms.dayCount), state.terms.rounding);
  buckets.length = 0;
  return amount;
}

/** When interest settled on `settledDay` turns overdue: due the next day, overdue after the grace days. */
export function overdueFromForSettlement(state: FacilityState, settledDay: number): BusinessDate {
  return fromDay(settledDay + 2 + state.terms.graceDays);
}

/** A drawdown's three accumulators, named as month-end accrual books them. */
export type AccrualKind = keyof AccruedBooked;
export const ACCRUAL_KINDS: readonly AccrualKind[] = ['interestFen', 'penaltyFen', 'compoundFen'];
const BUCKETS = { interestFen: 'interestAcc', penaltyFen: 'penaltyAcc', compoundFen: 'compoundAcc' } as const satisfies Record<AccrualKind, keyof Drawdown>;

/** The accumulator of one kind. */
export function accrualBuckets(d: Drawdown, kind: AccrualKind): RateBucket[] {
  return d[BUCKETS[kind]];
}

/**
 * Crystallises one accumulator of a drawdown (settlement, maturity, a payment reaching it) and clears what
 * month-end accrual had booked of it: `amountFen` is the whole interest, rounded once; `unbookedFen` the part
 * the books have not seen yet (the whole less the month-end booking), which is what the caller posts.
 */
export function settleAccrued(state: FacilityState, d: Drawdown, kind: AccrualKind): { amountFen: number; unbookedFen: number } {
  const amountFen = crystallise(state, accrualBuckets(d, kind));
  const booked = d.accruedBooked?.[kind] ?? 0;
  invariant(booked <= amountFen, 'month-end accrual booked more than has accrued');
  if (d.accruedBooked !== undefined && booked > 0) {
    d.accruedBooked[kind] = 0;
    if (d.accruedBooked.interestFen + d.accruedBooked.penaltyFen + d.accruedBooked.compoundFen === 0) delete d.accruedBooked;
  }
  return { amountFen, unbookedFen: amountFen - booked };
}
