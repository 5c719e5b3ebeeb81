/**
 * Double entry on a small chart of accounts. Every event's postings balance (Σ DR = Σ CR), and
 * the balances they add up to must equal the state snapshot (checked on random sequences by test/domain/properties.test.ts and against the reference model).
 */
import { invariant } from './errors.ts';
import type { Account, FacilityState, Posting } from './state.ts';

export const ACCOUNTS: readonly Account[] = [
  'LOAN_PRINCIPAL',
  'INTEREST_RECEIVABLE',
  'PENALTY_RECEIVABLE',
  'INTEREST_INCOME',
  'PENALTY_INCOME',
  'BORROWER_SETTLEMENT',
  'OFF_BALANCE_INTEREST',
  'OFF_BALANCE_INTEREST_CONTRA',
];

/** A debit to `debit` and a credit to `credit` of the same amount; nothing for zero. */
export function transfer(debit: Account, credit: Account, amountFen: number): Posting[] {
  invariant(Number.isSafeInteger(amountFen) && amountFen >= 0, 'posting amount must be whole fen');
  if (amountFen === 0) return [];
  return [
    { account: debit, side: 'DR', amountFen },
    { account: credit, side: 'CR', amountFen },
  ];
}

export function isBalanced(postings: readonly Posting[]): boolean {
  let net = 0;
  for (const p of postings) net += p.side === 'DR' ? p.amountFen : -p.amountFen;
  return net === 0;
}

export function zeroLedger(): Record<Account, number> {
  return Object.fromEntries(ACCOUNTS.map((a) => [a, 0])) as Record<Account, number>;
}

/** Adds postings to debit-positive balances (mutates `ledger`). */
export function applyPostings(ledger: Record<Account, number>, postings: Iterable<Posting>): void {
  for (const p of postings) ledger[p.account] = (ledger[p.account] ?? 0) + (p.side === 'DR' ? p.amountFen : -p.amountFen);
}

/** Debit-positive balance of every account. */
export function balances(postings: Iterable<Posting>): Record<Account, number> {
  const out = zeroLedger();
  applyPostings(out, postings);
  return out;
}

/**
 * The interest a state has booked and not yet been paid, in two kinds: contract interest (the interest
 * items and what month-end accrual booked) and penalty with compound interest (settled or booked). Where it is held, receivable or memo, is the non-accrual rule's
 * (non-accrual.ts).
 */
export function bookedInterest(state: FacilityState): { interestFen: number; penaltyFen: number } {
  let interestFen = 0;
  let penaltyFen = 0;
  for (const d of state.drawdowns) {
    for (const item of d.interestItems) interestFen += item.amountFen;
    penaltyFen += d.penaltyDueFen + d.compoundDueFen;
    // Month-end accrual (计提): booked, not yet settled.
    if (d.accruedBooked !== undefined) {
      interestFen += d.accruedBooked.interestFen;
      penaltyFen += d.accruedBooked.penaltyFen + d.accruedBooked.compoundFen;
    }
  }
  return { interestFen, penaltyFen };
}

export type StateAccounts = Pick<Record<Account, number>, 'LOAN_PRINCIPAL' | 'INTEREST_RECEIVABLE' | 'PENALTY_RECEIVABLE' | 'OFF_BALANCE_INTEREST' | 'OFF_BALANCE_INTEREST_CONTRA'>;

/**
 * The balances a state implies: what the asset and memo accounts must hold. While the facility accrues its
 * booked interest is receivable; while it is non-accrual (表外) all of it is in the memo account.
 */
export function stateBalances(state: FacilityState): StateAccounts {
  let principal = 0;
  for (const d of state.drawdowns) principal += d.principalFen;
  const { interestFen, penaltyFen } = bookedInterest(state);
  const offBalance = state.nonAccrualSince !== null;
  return {
    LOAN_PRINCIPAL: principal,
    INTEREST_RECEIVABLE: offBalance ? 0 : interestFen,
    PENALTY_RECEIVABLE: offBalance ? 0 : penaltyFen,
    OFF_BALANCE_INTEREST: offBalance ? interestFen + penaltyFen : 0,
    OFF_BALANCE_INTEREST_CONTRA: offBalance ? 0 - (interestFen + penaltyFen) : 0,
  };
}
