/**
 * Non-accrual (表外, 非应计) per the finance rules for banks' loans (《金融企业会计制度》: interest on a loan 90 days
 * past due is no longer income and what was booked is reversed to off-balance accounts): from
 * `nonAccrualFromDpd` days past due (default 91) the contract, penalty and compound interest the facility
 * goes on accruing are still owed and in the payoff, but every amount booked is held in the memo account
 * OFF_BALANCE_INTEREST (against OFF_BALANCE_INTEREST_CONTRA), not as a receivable and income. A payment of
 * such interest reverses the memo and is income when received (收付实现制).
 *
 * On the day the facility turns non-accrual, the interest already receivable (booked as income, unpaid) is
 * reversed to the memo account too: the income of a loan that has stopped paying is not kept in the
 * accounts. It returns to accrual with its cure (classification.ts): no arrears and a performing class
 * again, i.e. for the default thresholds at the end of the observation period; what it still owes then
 * (interest not yet due) goes back on balance sheet as receivable and income.
 */
import { fromDay, type BusinessDate } from './calendar.ts';
import { bookedInterest, transfer } from './postings.ts';
import type { Account, DomainEvent, FacilityState, Posting } from './state.ts';

/** Contract interest (利息) or penalty and compound interest (罚息、复利): their receivable and income accounts differ. */
export type InterestKind = 'INTEREST' | 'PENALTY';

const RECEIVABLE: Record<InterestKind, Account> = { INTEREST: 'INTEREST_RECEIVABLE', PENALTY: 'PENALTY_RECEIVABLE' };
const INCOME: Record<InterestKind, Account> = { INTEREST: 'INTEREST_INCOME', PENALTY: 'PENALTY_INCOME' };

export function isNonAccrual(state: Pick<FacilityState, 'nonAccrualSince'>): boolean {
  return state.nonAccrualSince !== null;
}

/**
 * Interest that becomes an amount owed in the books (settled, crystallised by a payment, accrued at a month
 * end): receivable and income while the facility accrues, the memo account while it is non-accrual.
 */
export function bookInterest(state: FacilityState, kind: InterestKind, amountFen: number): Posting[] {
  if (isNonAccrual(state)) return transfer('OFF_BALANCE_INTEREST', 'OFF_BALANCE_INTEREST_CONTRA', amountFen);
  return transfer(RECEIVABLE[kind], INCOME[kind], amountFen);
}

/**
 * A payment meeting booked interest: it clears the receivable; for a non-accrual facility it clears the memo
 * instead, and the interest is income now that it is received.
 */
export function collectInterest(state: FacilityState, kind: InterestKind, amountFen: number): Posting[] {
  if (!isNonAccrual(state)) return transfer('BORROWER_SETTLEMENT', RECEIVABLE[kind], amountFen);
  return [...transfer('OFF_BALANCE_INTEREST_CONTRA', 'OFF_BALANCE_INTEREST', amountFen), ...transfer('BORROWER_SETTLEMENT', INCOME[kind], amountFen)];
}

/**
 * Moves a facility into or out of non-accrual on `day` (mutates the draft) and records the change as an
 * event dated `eventDate`, with the postings that move its booked interest off or back on balance sheet.
 * `dpd` is the day's DPD; `performing` whether its class (after the classification rule ran) is NORMAL or
 * SPECIAL_MENTION; `cureReason` the classification's reason when it returns (`observation ended`,
 * `arrears paid`).
 */
export function updateNonAccrual(state: FacilityState, day: number, dpd: number, performing: boolean, cureReason: string, events: DomainEvent[], eventDate: BusinessDate): void {
  const { interestFen, penaltyFen } = bookedInterest(state);
  const total = interestFen + penaltyFen;
  if (state.nonAccrualSince === null && dpd >= state.terms.nonAccrualFromDpd) {
    state.nonAccrualSince = fromDay(day);
    events.push({
      type: 'NonAccrualStarted',
      date: eventDate,
      data: { since: state.nonAccrualSince, daysPastDue: dpd, reason: `DPD ${dpd}`, interestReversedFen: interestFen, penaltyReversedFen: penaltyFen },
      postings: [
        ...transfer('INTEREST_INCOME', 'INTEREST_RECEIVABLE', interestFen),
        ...transfer('PENALTY_INCOME', 'PENALTY_RECEIVABLE', penaltyFen),
        ...transfer('OFF_BALANCE_INTEREST', 'OFF_BALANCE_INTEREST_CONTRA', total),
      ],
    });
  } else if (state.nonAccrualSince !== null && dpd === 0 && performing) {
    const since = state.nonAccrualSince;
    state.nonAccrualSince = null;
    events.push({
      type: 'NonAccrualEnded',
      date: eventDate,
      data: { since, endedOn: fromDay(day), reason: cureReason, interestRestoredFen: interestFen, penaltyRestoredFen: penaltyFen },
      postings: [
        ...transfer('OFF_BALANCE_INTEREST_CONTRA', 'OFF_BALANCE_INTEREST', total),
        ...transfer('INTEREST_RECEIVABLE', 'INTEREST_INCOME', interestFen),
        ...transfer('PENALTY_RECEIVABLE', 'PENALTY_INCOME', penaltyFen),
      ],
    });
  }
}
