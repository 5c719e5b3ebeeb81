/**
 * Month-end accrual (计提): at the end of each month's last day the interest accrued since the last settlement
 * (the 21st → the month end, or since the drawdown or a payment that crystallised it) is booked as receivable
 * and income — to the memo account for a non-accrual facility (non-accrual.ts) — so each calendar month's
 * income is complete. Nothing is rounded twice: the booking is the rounded value of the accumulator so far,
 * kept on the drawdown (`accruedBooked`); the settlement still rounds the whole period once and books only
 * the rest (`settleAccrued`). Penalty and compound interest accrue and are booked the same way, each on its own.
 */
import { interestFen } from './accrual.ts';
import { fromDay, yearBasisDays } from './calendar.ts';
import { ACCRUAL_KINDS, accrualBuckets } from './drawdown-accrual.ts';
import { invariant } from './errors.ts';
import { bookInterest } from './non-accrual.ts';
import type { AccruedBooked, DomainEvent, FacilityState, Posting } from './state.ts';

/**
 * Books the month's accrual at the end of `day` (a month end) on a draft accrued through it, as one
 * `InterestAccrued` event; nothing when no drawdown has accrued a fen more than is booked.
 */
export function bookMonthEndAccrual(state: FacilityState, day: number, events: DomainEvent[]): void {
  const basis = yearBasisDays(state.terms.dayCount);
  const rows: Record<string, unknown>[] = [];
  let interestTotal = 0;
  let penaltyTotal = 0;
  for (const d of state.drawdowns) {
    const booked: AccruedBooked = d.accruedBooked ?? { interestFen: 0, penaltyFen: 0, compoundFen: 0 };
    const added: AccruedBooked = { interestFen: 0, penaltyFen: 0, compoundFen: 0 };
    for (const kind of ACCRUAL_KINDS) {
      const accrued = interestFen(accrualBuckets(d, kind), basis, state.terms.rounding);
      invariant(accrued >= booked[kind], 'an accumulator is worth less than was booked of it');
      added[kind] = accrued - booked[kind];
    }
    if (added.interestFen + added.penaltyFen + added.compoundFen === 0) continue;
    d.accruedBooked = { interestFen: booked.interestFen + added.interestFen, penaltyFen: booked.penaltyFen + added.penaltyFen, compoundFen: booked.compoundFen + added.compoundFen };
    interestTotal += added.interestFen;
    penaltyTotal += added.penaltyFen + added.compoundFen;
    rows.push({ drawdownId: d.drawdownId, ...added });
  }
  if (rows.length === 0) return;
  const postings: Posting[] = [...bookInterest(state, 'INTEREST', interestTotal), ...bookInterest(state, 'PENALTY', penaltyTotal)];
  const date = fromDay(day);
  events.push({
    type: 'InterestAccrued',
    date,
    data: { month: date.slice(0, 7), interestFen: interestTotal, penaltyFen: penaltyTotal, offBalance: state.nonAccrualSince !== null, drawdowns: rows },
    postings,
  });
}
