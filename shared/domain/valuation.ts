/**
 * What a facility owes, by repayment category, without changing it. Two views share one
 * computation:
 *  - `payableOn(state, D)`: what a payment made during day D meets (interest through D − 1:
 *    the payment day itself does not accrue, 算头不算尾);
 *  - `valuationAsOf(state, D)`: the facility as of day D with day D's interest included and the
 *    categories as they stand on D (D's own end-of-day settlement and overdue moves show on D + 1).
 */
import { interestFen } from './accrual.ts';
import { fromDay, toDay, yearBasisDays, type BusinessDate } from './calendar.ts';
import { daysPastDue, reportedClassification } from './classification.ts';
import { advance } from './advance.ts';
import { accrueTo, overdueInterestOn } from './drawdown-accrual.ts';
import { stateBalances } from './postings.ts';
import type { AllocationCategory } from './terms.ts';
import type { LprSchedule } from './repricing.ts';
import type { Classification, Drawdown, FacilityState } from './state.ts';

export type CategoryAmounts = Record<AllocationCategory, number>;

export interface DrawdownAmounts extends CategoryAmounts {
  drawdownId: string;
}

export interface Valuation {
  asOf: BusinessDate;
  /** The facility as it stands on `asOf` (its statuses and dates), accrued through `asOf`. */
  state: FacilityState;
  limitFen: number;
  availableFen: number;
  principalOutstandingFen: number;
  totals: CategoryAmounts;
  /** Everything owed at the end of `asOf` (day `asOf`'s interest included). */
  payoffFen: number;
  /** What a repayment made during `asOf` may pay: interest through `asOf` − 1 (算头不算尾), the repayment's own ceiling. */
  payableFen: number;
  daysPastDue: number;
  /** The facility's own class. */
  classification: Classification;
  /** The class reports and renewal use (`reportedClassification`): the borrower's for ENTERPRISE debtors. */
  borrowerClassification: Classification;
  /** Non-accrual (表外) since this day, or null while the facility accrues (non-accrual.ts). */
  nonAccrualSince: BusinessDate | null;
  /** Interest owed and booked off balance sheet (the OFF_BALANCE_INTEREST memo balance); 0 while accruing. */
  offBalanceInterestFen: number;
  drawdowns: DrawdownAmounts[];
}

export function zeroAmounts(): CategoryAmounts {
  return {
    COMPOUND_INTEREST: 0,
    PENALTY_INTEREST: 0,
    OVERDUE_INTEREST: 0,
    OVERDUE_PRINCIPAL: 0,
    INTEREST_DUE: 0,
    PRINCIPAL: 0,
    ACCRUED_INTEREST: 0,
  };
}

/** A drawdown's amounts on `day`, given accumulators that already cover every day to count. */
function drawdownAmounts(state: FacilityState, d: Drawdown, day: number): DrawdownAmounts {
  const basis = yearBasisDays(state.terms.dayCount);
  const rounding = state.terms.rounding;
  const overdueInterest = overdueInterestOn(d, day);
  let settledInterest = 0;
  for (const item of d.interestItems) settledInterest += item.amountFen;
  return {
    drawdownId: d.drawdownId,
    COMPOUND_INTEREST: d.compoundDueFen + interestFen(d.compoundAcc, basis, rounding),
    PENALTY_INTEREST: d.penaltyDueFen + interestFen(d.penaltyAcc, basis, rounding),
    OVERDUE_INTEREST: overdueInterest,
    OVERDUE_PRINCIPAL: d.status === 'OVERDUE' ? d.principalFen : 0,
    INTEREST_DUE: settledInterest - overdueInterest,
    PRINCIPAL: d.status === 'OVERDUE' ? 0 : d.principalFen,
    ACCRUED_INTEREST: interestFen(d.interestAcc, basis, rounding),
  };
}

export function sumAmounts(rows: readonly CategoryAmounts[]): CategoryAmounts {
  const total = zeroAmounts();
  for (const row of rows) for (const key of Object.keys(total) as AllocationCategory[]) total[key] += row[key];
  return total;
}

export function payoffOf(amounts: CategoryAmounts): number {
  let sum = 0;
  for (const value of Object.values(amounts)) sum += value;
  return sum;
}

export function principalOutstanding(state: FacilityState): number {
  let sum = 0;
  for (const d of state.drawdowns) sum += d.principalFen;
  return sum;
}

/**
 * What a payment during `date` meets, per drawdown, on a draft already advanced to `date`: accrues
 * it through `date` − 1 (the payment day itself does not accrue, 算头不算尾) and reads the amounts.
 * Commands call this on the draft they go on to change.
 */
export function payableOnDraft(draft: FacilityState, date: BusinessDate): DrawdownAmounts[] {
  const day = toDay(date);
  accrueTo(draft, day);
  return draft.drawdowns.map((d) => drawdownAmounts(draft, d, day));
}

/** What a payment made during `date` meets, per drawdown, without changing `state`. */
export function payableOn(state: FacilityState, date: BusinessDate, lpr?: LprSchedule): DrawdownAmounts[] {
  return payableOnDraft(advance(state, date, lpr).state, date);
}

/**
 * The facility's own class once the end of `date` is applied, without changing `state`: what end of day
 * compares across a borrower's facilities, whichever shard or order it meets them in. A state already
 * past that day keeps its class.
 */
export function classificationAfterEndOfDay(state: FacilityState, date: BusinessDate, lpr?: LprSchedule): Classification {
  const next = toDay(date) + 1;
  if (state.status === 'CLOSED' || next < toDay(state.businessDate)) return state.classification;
  return advance(state, fromDay(next), lpr).state.classification;
}

/** The facility as of the end of `date` (day `date`'s interest counted), without changing `state`. */
export function valuationAsOf(state: FacilityState, date: BusinessDate, lpr?: LprSchedule): Valuation {
  const opened = advance(state, date, lpr).state;
  const day = toDay(date);
  // First what a payment during the day meets (the repayment's own ceiling), then the day's own interest.
  const payableFen = payoffOf(sumAmounts(payableOnDraft(opened, date)));
  accrueTo(opened, day + 1);
  const drawdowns = opened.drawdowns.map((d) => drawdownAmounts(opened, d, day));
  const totals = sumAmounts(drawdowns);
  const outstanding = principalOutstanding(opened);
  const dpd = daysPastDue(opened, day);
  return {
    asOf: date,
    state: opened,
    limitFen: opened.limitFen,
    availableFen: opened.limitFen - outstanding,
    principalOutstandingFen: outstanding,
    totals,
    payoffFen: payoffOf(totals),
    payableFen,
    daysPastDue: dpd,
    classification: opened.classification,
    borrowerClassification: reportedClassification(opened),
    nonAccrualSince: opened.nonAccrualSince,
    offBalanceInterestFen: stateBalances(opened).OFF_BALANCE_INTEREST,
    drawdowns,
  };
}
