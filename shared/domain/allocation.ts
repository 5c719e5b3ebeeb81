/**
 * Repayment allocation (docs/lending-rules.md). The default order: compound interest → penalty interest →
 * overdue interest → overdue principal → interest due → principal → accrued, not yet settled
 * interest; configurable per product. Within a category, drawdowns are met earliest maturity
 * first, then earliest drawdown; settled interest items (overdue interest, interest due) are met
 * oldest first across all drawdowns, so a payment of arrears clears the oldest and lowers the days
 * past due. Accrued amounts are crystallised (rounded once) when a payment reaches them.
 */
import { nextSettlementDay, toDay, fromDay, type BusinessDate } from './calendar.ts';
import { overdueFromForSettlement, settleAccrued } from './drawdown-accrual.ts';
import { invariant } from './errors.ts';
import { bookInterest, collectInterest } from './non-accrual.ts';
import { transfer } from './postings.ts';
import type { AllocationCategory } from './terms.ts';
import type { Drawdown, FacilityState, InterestItem, Posting } from './state.ts';
import { zeroAmounts, type CategoryAmounts, type DrawdownAmounts } from './valuation.ts';

export interface Allocation {
  totals: CategoryAmounts;
  byDrawdown: { drawdownId: string; amounts: CategoryAmounts }[];
  postings: Posting[];
}

/** Earliest maturity first, then earliest drawdown. */
function allocationOrder(drawdowns: readonly Drawdown[]): Drawdown[] {
  return [...drawdowns].sort(
    (a, b) => a.maturityDate.localeCompare(b.maturityDate) || a.drawnDate.localeCompare(b.drawnDate) || a.ordinal - b.ordinal,
  );
}

/**
 * Applies `amountFen` to a draft state accrued to `date` (mutates it). `due` are the
 * per-drawdown amounts on that date; the caller has checked amount ≤ their total.
 */
export function allocate(state: FacilityState, date: BusinessDate, amountFen: number, due: readonly DrawdownAmounts[]): Allocation {
  const day = toDay(date);
  const dueById = new Map(due.map((row) => [row.drawdownId, row]));
  const ordered = allocationOrder(state.drawdowns);
  const totals = zeroAmounts();
  const perDrawdown = new Map(ordered.map((d) => [d.drawdownId, zeroAmounts()]));
  const postings: Posting[] = [];
  let remaining = amountFen;

  const pay = (d: Drawdown, category: AllocationCategory, amount: number) => {
    totals[category] += amount;
    perDrawdown.get(d.drawdownId)![category] += amount;
    remaining -= amount;
  };

  for (const category of state.terms.allocationOrder) {
    if (category === 'OVERDUE_INTEREST' || category === 'INTEREST_DUE') {
      const overdue = category === 'OVERDUE_INTEREST';
      const eligible = (item: InterestItem) => (toDay(item.overdueFrom) <= day) === overdue;
      const paid = payItemsOldestFirst(ordered, dueById, category, remaining, eligible);
      for (const d of ordered) {
        const amount = paid.get(d.drawdownId) ?? 0;
        if (amount === 0) continue;
        postings.push(...collectInterest(state, 'INTEREST', amount));
        pay(d, category, amount);
      }
      continue;
    }
    for (const d of ordered) {
      if (remaining === 0) break;
      const owed = dueById.get(d.drawdownId)?.[category] ?? 0;
      if (owed === 0) continue;
      const amount = Math.min(remaining, owed);
      switch (category) {
        case 'COMPOUND_INTEREST':
          d.compoundDueFen = payPenaltyKind(state, d, 'compoundFen', d.compoundDueFen, amount, postings);
          break;
        case 'PENALTY_INTEREST':
          d.penaltyDueFen = payPenaltyKind(state, d, 'penaltyFen', d.penaltyDueFen, amount, postings);
          break;
        case 'OVERDUE_PRINCIPAL':
        case 'PRINCIPAL':
          d.principalFen -= amount;
          postings.push(...transfer('BORROWER_SETTLEMENT', 'LOAN_PRINCIPAL', amount));
          break;
        case 'ACCRUED_INTEREST': {
          // Crystallised when paid: the unpaid rest stays as interest due when it would have fallen due anyway.
          const { amountFen: crystallised, unbookedFen } = settleAccrued(state, d, 'interestFen');
          postings.push(...bookInterest(state, 'INTEREST', unbookedFen));
          if (crystallised > amount) {
            d.interestItems.push({ settledOn: date, overdueFrom: accruedDueOverdueFrom(state, d, day), amountFen: crystallised - amount });
          }
          postings.push(...collectInterest(state, 'INTEREST', amount));
          break;
        }
      }
      pay(d, category, amount);
    }
  }
  invariant(remaining === 0, 'allocation left money unapplied');
  for (const d of state.drawdowns) {
    d.interestItems = d.interestItems.filter((item) => item.amountFen > 0);
    if (d.principalFen === 0 && d.status !== 'REPAID' && d.status !== 'RENEWED') {
      d.status = 'REPAID';
      d.overdueSince = null;
    }
  }
  return {
    totals,
    byDrawdown: ordered.map((d) => ({ drawdownId: d.drawdownId, amounts: perDrawdown.get(d.drawdownId)! })),
    postings,
  };
}

/**
 * Penalty (罚息) and compound (复利) interest: crystallise what has accrued, book what month-end accrual has not
 * (as income, or off balance sheet for a non-accrual facility), then pay `amount` of it. Returns the receivable left.
 */
function payPenaltyKind(state: FacilityState, d: Drawdown, kind: 'penaltyFen' | 'compoundFen', dueFen: number, amount: number, postings: Posting[]): number {
  const { amountFen: crystallised, unbookedFen } = settleAccrued(state, d, kind);
  postings.push(...bookInterest(state, 'PENALTY', unbookedFen));
  postings.push(...collectInterest(state, 'PENALTY', amount));
  return dueFen + crystallised - amount;
}

/**
 * Settled interest items of one category, oldest first across the drawdowns (by the day they fall overdue,
 * then the day they were settled, then the drawdowns' allocation order), up to `amountFen` and to what each
 * drawdown owes in the category. Mutates the items; returns the fen paid per drawdown. Oldest first is what
 * days past due count from: paying the oldest arrears must lower them, whichever loan they are on.
 */
function payItemsOldestFirst(
  ordered: readonly Drawdown[],
  dueById: ReadonlyMap<string, DrawdownAmounts>,
  category: 'OVERDUE_INTEREST' | 'INTEREST_DUE',
  amountFen: number,
  eligible: (item: InterestItem) => boolean,
): Map<string, number> {
  const candidates = ordered.flatMap((d, rank) => d.interestItems.filter(eligible).map((item) => ({ d, rank, item })));
  candidates.sort((a, b) => a.item.overdueFrom.localeCompare(b.item.overdueFrom) || a.item.settledOn.localeCompare(b.item.settledOn) || a.rank - b.rank);
  const paid = new Map<string, number>();
  let remaining = amountFen;
  for (const { d, item } of candidates) {
    if (remaining === 0) break;
    const sofar = paid.get(d.drawdownId) ?? 0;
    const amount = Math.min(remaining, item.amountFen, (dueById.get(d.drawdownId)?.[category] ?? 0) - sofar);
    if (amount <= 0) continue;
    item.amountFen -= amount;
    paid.set(d.drawdownId, sofar + amount);
    remaining -= amount;
  }
  let owed = 0;
  for (const d of ordered) owed += dueById.get(d.drawdownId)?.[category] ?? 0;
  invariant(amountFen - remaining === Math.min(amountFen, owed), 'interest items did not cover the amount allocated to them');
  return paid;
}

/** Unpaid crystallised interest falls overdue when the next settlement's would (or at maturity for 利随本清). */
function accruedDueOverdueFrom(state: FacilityState, d: Drawdown, day: number): BusinessDate {
  const settlement = nextSettlementDay(day, state.terms.settlementCycle);
  // Interest of the maturity settlement (the end of M − 1) is overdue from M + 1 + grace.
  const maturityOverdue = toDay(overdueFromForSettlement(state, toDay(d.maturityDate) - 1));
  if (settlement === null) return fromDay(Math.max(maturityOverdue, day + 1));
  const settlementOverdue = toDay(overdueFromForSettlement(state, settlement));
  return fromDay(Math.max(day + 1, Math.min(settlementOverdue, maturityOverdue)));
}
