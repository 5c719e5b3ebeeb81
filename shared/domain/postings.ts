/**
 * Double entry on a small chart of accounts. Every event's postings balance (Σ DR = Σ CR), and
 * the balances they add up to must equal the state snapshot (checked in tests and by `assertBooks`).
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

/** Debit-positive balance of every account. */
export function balances(postings: Iterable<Posting>): Record<Account, number> {
  const out = Object.fromEntries(ACCOUNTS.map((a) => [a, 0])) as Record<Account, number>;
  for (const p of postings) out[p.account] += p.side === 'DR' ? p.amountFen : -p.amountFen;
  return out;
}

/** The receivable balances a state implies: what the asset accounts must hold. */
export function stateBalances(state: FacilityState): Pick<Record<Account, number>, 'LOAN_PRINCIPAL' | 'INTEREST_RECEIVABLE' | 'PENALTY_RECEIVABLE'> {
  let principal = 0;
  let interest = 0;
  let penalty = 0;
  for (const d of state.drawdowns) {
    principal += d.principalFen;
    for (const item of d.interestItems) interest += item.amountFen;
    penalty += d.penaltyDueFen + d.compoundDueFen;
  }
  return { LOAN_PRINCIPAL: principal, INTEREST_RECEIVABLE: interest, PENALTY_RECEIVABLE: penalty };
}
