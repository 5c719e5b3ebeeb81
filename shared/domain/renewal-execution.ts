/**
 * What a renewal (无还本续贷) does because a date passes. The date engine calls `renewalDayEnd` at
 * the end of every day it applies and asks `renewalBoundaryDay` for the one opening it must not
 * skip; everything else about renewal timing lives here.
 *
 *  - Execution at the old maturity M: an approved contract settles every outstanding drawdown
 *    (借据) by a new one at the opening of M. The old drawdown's contract interest ran for
 *    [drawn, M) and settles now, due on M and overdue from M + 1 + grace like any settled
 *    interest (利随本清 for the old 借据); its principal moves to the new drawdown with no cash
 *    (LOAN_PRINCIPAL debit on the new, credit on the old), and it closes as RENEWED. The new one
 *    runs at the contract's rate from M and matures at the earlier of the new facility maturity
 *    and M + the product's maximum drawdown term.
 *  - Expiry: a referred application still undecided at the end of the maturity date expires
 *    (`RenewalExpired`); the loan then follows the ordinary maturity and overdue rules.
 *  - A contract whose conditions no longer hold at M (the line is not ACTIVE, or something is
 *    overdue) lapses (`RenewalLapsed`) rather than renew a loan in arrears.
 *
 * The class is never touched here: a renewal neither improves nor (when the conditions hold)
 * worsens it, and the DPD history carries on.
 */
import { addDays, fromDay, toDay, type BusinessDate } from './calendar.ts';
import { daysPastDue } from './classification.ts';
import { accrueTo, overdueFromForSettlement, settleAccrued } from './drawdown-accrual.ts';
import { newDrawdown } from './drawdowns.ts';
import { bookInterest } from './non-accrual.ts';
import type { DomainEvent, Drawdown, FacilityState, Posting, RenewalContract } from './state.ts';

/** The opening the date engine must stop at: the old maturity date of an approved contract. */
export function renewalBoundaryDay(state: FacilityState): number | null {
  const contract = state.renewalContract ?? null;
  return contract === null ? null : toDay(contract.oldMaturityDate);
}

/** The end of `day` for renewals: execute a contract when the next day is its old maturity; expire a referral at the end of the maturity date. */
export function renewalDayEnd(state: FacilityState, day: number, events: DomainEvent[]): void {
  const contract = state.renewalContract ?? null;
  if (contract !== null && day + 1 === toDay(contract.oldMaturityDate)) executeRenewalContract(state, contract.oldMaturityDate, events);
  const pending = state.pendingRenewal;
  if (pending !== null && day >= toDay(state.maturityDate)) {
    state.pendingRenewal = null;
    state.expiredRenewal = { applicationId: pending.applicationId, expiredOn: fromDay(day) };
    events.push({
      type: 'RenewalExpired',
      date: fromDay(day),
      data: {
        applicationId: pending.applicationId,
        appliedOn: pending.appliedOn,
        oldMaturityDate: state.maturityDate,
        proposal: pending.proposal,
        referredChecks: pending.checks,
        history: [
          { status: 'REFERRED', date: pending.appliedOn, by: 'checks', note: null },
          { status: 'EXPIRED', date: fromDay(day), by: 'system', note: 'not decided by the end of the maturity date' },
        ],
      },
      postings: [],
    });
  }
}

/** Why a contract cannot be executed on its old maturity date, or null when it can. */
function lapseReason(state: FacilityState, date: BusinessDate): { reason: string; detail: string } | null {
  if (state.status !== 'ACTIVE') return { reason: 'facility-not-active', detail: `the line is ${state.status} on ${date}` };
  const dpd = daysPastDue(state, toDay(date));
  if (dpd > 0) return { reason: 'arrears-at-maturity', detail: `${dpd} days past due on ${date}: a loan in arrears is not renewed` };
  return null;
}

/**
 * Executes the contract at the opening of `date` (its old maturity): the state opens on `date`
 * (the date engine's end of the day before, or a same-day approval). Mutates the draft.
 */
export function executeRenewalContract(state: FacilityState, date: BusinessDate, events: DomainEvent[]): void {
  const contract = state.renewalContract!;
  state.renewalContract = null;
  const lapse = lapseReason(state, date);
  if (lapse !== null) {
    events.push({ type: 'RenewalLapsed', date, data: { applicationId: contract.applicationId, oldMaturityDate: contract.oldMaturityDate, ...lapse }, postings: [] });
    return;
  }
  const day = toDay(date);
  accrueTo(state, day);
  // The earlier of the new facility maturity and the product's longest drawdown term from M.
  const byTerm = addDays(date, state.terms.maxDrawdownTermDays);
  const loanMaturity = byTerm < contract.newMaturityDate ? byTerm : contract.newMaturityDate;
  const postings: Posting[] = [];
  const pairs: Record<string, unknown>[] = [];
  const renewed: Drawdown[] = [];
  for (const old of state.drawdowns) {
    if (old.status !== 'ACTIVE' || old.principalFen === 0) continue;
    // Interest to maturity, [drawn or last settlement, M): settled now, due on M (利随本清). What the
    // end of M − 1 already settled (a settlement day, or the loan's own maturity settlement) counts too.
    const { amountFen: unsettled, unbookedFen } = settleAccrued(state, old, 'interestFen');
    if (unsettled > 0) {
      old.interestItems.push({ settledOn: fromDay(day - 1), overdueFrom: overdueFromForSettlement(state, day - 1), amountFen: unsettled });
      postings.push(...bookInterest(state, 'INTEREST', unbookedFen));
    }
    const settledBefore = fromDay(day - 1);
    const interest = old.interestItems.filter((item) => item.settledOn === settledBefore).reduce((sum, item) => sum + item.amountFen, 0);
    const carried = old.principalFen;
    const loan = newDrawdown(state, {
      amountFen: carried,
      drawnDate: date,
      maturityDate: loanMaturity,
      ratePpm: contract.ratePpm,
      renewal: { number: contract.number, renewedFrom: old.drawdownId, principalCarriedFen: carried },
    });
    // The principal moves from the old 借据 to the new one: no cash, one balanced pair.
    postings.push({ account: 'LOAN_PRINCIPAL', side: 'DR', amountFen: carried }, { account: 'LOAN_PRINCIPAL', side: 'CR', amountFen: carried });
    pairs.push({
      from: old.drawdownId,
      to: loan.drawdownId,
      principalCarriedFen: carried,
      interestToMaturityFen: interest,
      oldRatePpm: old.ratePpm,
      newRatePpm: loan.ratePpm,
      oldMaturityDate: old.maturityDate,
      newMaturityDate: loan.maturityDate,
    });
    old.principalFen = 0;
    old.status = 'RENEWED';
    old.renewedTo = loan.drawdownId;
    renewed.push(loan);
  }
  state.drawdowns.push(...renewed);
  const oldSpreadBp = state.pricing.spreadBp;
  state.maturityDate = contract.newMaturityDate;
  state.pricing = { ...state.pricing, spreadBp: contract.spreadBp };
  state.renewalCount = contract.number;
  events.push({
    type: 'FacilityRenewed',
    date,
    data: {
      applicationId: contract.applicationId,
      renewalNumber: contract.number,
      approvedOn: contract.approvedOn,
      approvedBy: contract.approvedBy,
      oldMaturityDate: contract.oldMaturityDate,
      newMaturityDate: contract.newMaturityDate,
      oldSpreadBp,
      newSpreadBp: contract.spreadBp,
      newRatePpm: contract.ratePpm,
      lprPpm: contract.lprPpm,
      drawdowns: pairs,
      checks: contract.checks,
    },
    postings,
  });
}

/** The contract an approval records (executed later, at the old maturity). */
export function contractFor(
  state: FacilityState,
  input: { applicationId: string; approvedOn: BusinessDate; approvedBy: string; newMaturityDate: BusinessDate; spreadBp: number; ratePpm: number; lprPpm: number; checks: RenewalContract['checks'] },
): RenewalContract {
  return { ...input, number: state.renewalCount + 1, oldMaturityDate: state.maturityDate };
}
