/**
 * Repayment allocation (docs/lending-rules.md): compound → penalty → overdue interest → overdue principal →
 * interest due → principal → accrued interest (crystallised when paid); within a category, earliest
 * maturity first, then earliest drawdown. Rate 34 500 ppm ACT/360 unless said otherwise.
 */
import { describe, expect, it } from 'vitest';
import { valuationAsOf } from '#domain/valuation.ts';
import { ALLOCATION_CATEGORIES } from '#domain/terms.ts';
import type { RepaymentResult } from '#domain/facility.ts';
import { MILLION_YUAN, draw, eod, eventsOfType, expectDomainError, ledgerReceivables, openCommand, payoffOn, repayCmd, run } from './support.ts';

const open = openCommand();
const lastResult = (r: { results: unknown[] }) => r.results.at(-1) as RepaymentResult;

describe('within a category: earliest maturity first, then earliest drawdown', () => {
  it('principal is met by maturity, ties broken by drawdown date', () => {
    const r = run([
      open,
      draw('2026-01-05', 100_000_00, { termDays: 60 }), // D0001 matures 03-06
      draw('2026-01-08', 100_000_00, { termDays: 22 }), // D0002 matures 01-30
      draw('2026-01-10', 100_000_00, { termDays: 20 }), // D0003 matures 01-30, drawn later than D0002
      repayCmd('2026-01-12', 150_000_00),
    ]);
    const result = lastResult(r);
    // 15 000 000 fen: D0002 in full (10 000 000), then 5 000 000 of D0003, nothing to D0001
    expect(result.byDrawdown).toEqual([
      { drawdownId: 'F1-D0002', amounts: expect.objectContaining({ PRINCIPAL: 100_000_00 }) },
      { drawdownId: 'F1-D0003', amounts: expect.objectContaining({ PRINCIPAL: 50_000_00 }) },
      { drawdownId: 'F1-D0001', amounts: expect.objectContaining({ PRINCIPAL: 0 }) },
    ]);
    const principal = Object.fromEntries(r.state.drawdowns.map((d) => [d.drawdownId, d.principalFen]));
    expect(principal).toEqual({ 'F1-D0001': 100_000_00, 'F1-D0002': 0, 'F1-D0003': 50_000_00 });
    // D0002 keeps its accrued interest (4 days × 10^7 = 4e7 fen-days), so it stays, marked REPAID
    expect(r.state.drawdowns.find((d) => d.drawdownId === 'F1-D0002')!.status).toBe('REPAID');
    // Principal repaid frees the limit at once: 2e8 − 1e7 − 5e6 outstanding = 1.85e8 available
    expect(valuationAsOf(r.state, '2026-01-12').availableFen).toBe(2_000_000_00 - 150_000_00);
  });

  it('same maturity and same day: the one drawn first (lower ordinal) is met first', () => {
    const r = run([open, draw('2026-01-05', 100_000_00, { termDays: 30 }), draw('2026-01-05', 100_000_00, { termDays: 30 }), repayCmd('2026-01-05', 150_000_00)]);
    expect(r.state.drawdowns.map((d) => [d.drawdownId, d.principalFen])).toEqual([['F1-D0002', 50_000_00]]);
  });

  it('interest due across drawdowns: the earlier-maturing drawdown’s interest first', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), draw('2026-01-10', 500_000_00, { termDays: 30 }), eod('2026-01-20'), repayCmd('2026-01-21', 60_000)]);
    // Settled on the 20th: D0001 16 days → 153 333; D0002 (matures 02-09) 11 days × 5e7 = 5.5e8 × 34 500 / 3.6e8 = 52 708.33 → 52 708
    // 60 000 → D0002 52 708 first, then D0001 7 292 (60 000 − 52 708); D0001 keeps 146 041 (153 333 − 7 292)
    expect(lastResult(r).allocation.INTEREST_DUE).toBe(60_000);
    expect(r.state.drawdowns.map((d) => d.interestItems.map((i) => i.amountFen))).toEqual([[146_041], []]);
  });
});

describe('partial payments', () => {
  it('interest due, partly paid: the rest falls overdue on schedule', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), eod('2026-01-20'), repayCmd('2026-01-21', 100_000)]);
    expect(lastResult(r).allocation).toMatchObject({ INTEREST_DUE: 100_000, PRINCIPAL: 0 });
    // 153 333 − 100 000 = 53 333 still due, overdue from the 22nd
    const v = valuationAsOf(r.state, '2026-01-22');
    expect(v.totals.OVERDUE_INTEREST).toBe(53_333);
    expect(v.daysPastDue).toBe(1);
  });

  it('accrued interest is crystallised when a payment reaches it; the unpaid rest becomes interest due', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), repayCmd('2026-01-12', MILLION_YUAN + 10_000)]);
    // 7 days (5th…11th): 7e8 × 34 500 / 3.6e8 = 67 083.33 → 67 083 crystallised; 10 000 paid; 57 083 left
    expect(lastResult(r).allocation).toMatchObject({ PRINCIPAL: MILLION_YUAN, ACCRUED_INTEREST: 10_000 });
    const d = r.state.drawdowns[0]!;
    expect(d.interestAcc).toEqual([]);
    // …due with the next settlement’s interest: settled 01-20 would be overdue 01-22
    expect(d.interestItems).toEqual([{ settledOn: '2026-01-12', overdueFrom: '2026-01-22', amountFen: 57_083 }]);
    expect(eventsOfType(r.events, 'RepaymentApplied')[0]!.postings).toEqual([
      { account: 'BORROWER_SETTLEMENT', side: 'DR', amountFen: MILLION_YUAN },
      { account: 'LOAN_PRINCIPAL', side: 'CR', amountFen: MILLION_YUAN },
      { account: 'INTEREST_RECEIVABLE', side: 'DR', amountFen: 67_083 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 67_083 },
      { account: 'BORROWER_SETTLEMENT', side: 'DR', amountFen: 10_000 },
      { account: 'INTEREST_RECEIVABLE', side: 'CR', amountFen: 10_000 },
    ]);
    // Nothing more accrues or settles: the 20th adds nothing
    const later = run([eod('2026-01-20')], r);
    expect(eventsOfType(later.events, 'InterestSettled')).toEqual([]);
    expect(valuationAsOf(later.state, '2026-01-21').totals).toMatchObject({ INTEREST_DUE: 57_083, ACCRUED_INTEREST: 0 });
    expect(valuationAsOf(later.state, '2026-01-22').totals).toMatchObject({ OVERDUE_INTEREST: 57_083 });
  });

  it('a product may put principal first: a configurable order is followed', () => {
    const principalFirst = ['PRINCIPAL', ...ALLOCATION_CATEGORIES.filter((c) => c !== 'PRINCIPAL')] as const;
    const r = run([openCommand({}, { allocationOrder: [...principalFirst] }), draw('2026-01-05', MILLION_YUAN), eod('2026-01-20'), repayCmd('2026-01-21', MILLION_YUAN)]);
    expect(lastResult(r).allocation).toMatchObject({ PRINCIPAL: MILLION_YUAN, INTEREST_DUE: 0 });
    expect(r.state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(153_333);
  });
});

describe('overpayment is refused, never kept', () => {
  it('one fen above the payable is refused with code overpayment and the payable in yuan; the state is untouched', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), eod('2026-01-20')]);
    const before = structuredClone(r.state);
    // Payable on the 21st: interest due 153 333 + principal 10^8 (the 21st itself not yet accrued) = 100 153 333
    expect(payoffOn(r.state, '2026-01-21')).toBe(100_153_333);
    const error = expectDomainError(() => run([repayCmd('2026-01-21', 100_153_334)], r), 'overpayment');
    expect(error.details).toEqual({ payable: '1001533.33' });
    expect(r.state).toEqual(before);
    const paid = run([repayCmd('2026-01-21', 100_153_333)], r);
    expect(paid.state.drawdowns).toEqual([]);
    expect(lastResult(paid).allocation).toMatchObject({ INTEREST_DUE: 153_333, PRINCIPAL: MILLION_YUAN });
  });

  it('nothing owed: any payment is an overpayment', () => {
    const r = run([open]);
    expect(expectDomainError(() => run([repayCmd('2026-01-05', 1)], r), 'overpayment').details).toEqual({ payable: '0.00' });
  });
});

describe('full payoff', () => {
  it('valuation as of D − 1 gives the payoff for day D; paying it clears the line, which can then close', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN)]);
    // Jan 5…12 = 8 days: 8e8 × 34 500 / 3.6e8 = 76 666.67 → 76 667; payoff 100 076 667
    const payoff = valuationAsOf(r.state, '2026-01-12').payoffFen;
    expect(payoff).toBe(100_076_667);
    expect(payoffOn(r.state, '2026-01-13')).toBe(payoff);
    const paid = run([repayCmd('2026-01-13', payoff), { type: 'Close', date: '2026-01-13' }], r);
    expect(paid.state.status).toBe('CLOSED');
    expect(eventsOfType(paid.events, 'FacilityClosed')).toHaveLength(1);
    expect(ledgerReceivables(paid.events)).toEqual({ LOAN_PRINCIPAL: 0, INTEREST_RECEIVABLE: 0, PENALTY_RECEIVABLE: 0 });
  });

  it('a payoff whose remaining accrual is worth less than half a fen still lets the line close', () => {
    // 100.00 drawn and 50.00 repaid on Jan 5; on Jan 6 the payable is 5 000 fen of principal and
    // round(5 000 × 1 × 34 500 / 3.6e8 = 0.479) = 0 fen of interest.
    const r = run([open, draw('2026-01-05', 100_00), repayCmd('2026-01-05', 50_00)]);
    expect(valuationAsOf(r.state, '2026-01-05').payoffFen).toBe(50_00);
    const paid = run([repayCmd('2026-01-06', 50_00)], r);
    expect(valuationAsOf(paid.state, '2026-01-06').payoffFen).toBe(0);
    expect(run([{ type: 'Close', date: '2026-01-06' }], paid).state.status).toBe('CLOSED');
  });

  it('… also with interest paid with principal (利随本清), where no monthly settlement would clear the rest', () => {
    const r = run([openCommand({}, { settlementCycle: 'WITH_PRINCIPAL' }), draw('2026-01-05', 100_00), repayCmd('2026-01-05', 50_00), repayCmd('2026-01-06', 50_00)]);
    expect(valuationAsOf(r.state, '2026-01-06').payoffFen).toBe(0);
    expect(run([{ type: 'Close', date: '2026-01-06' }], r).state.status).toBe('CLOSED');
  });

  it('… and after overdue, where sub-fen penalty would otherwise keep a 利随本清 line open for ever', () => {
    const wp = openCommand({}, { settlementCycle: 'WITH_PRINCIPAL' });
    const r = run([wp, draw('2026-01-05', 100_00, { termDays: 10 }), eod('2026-01-15')]);
    // 10 000 fen × 10 days (5th…14th) × 34 500 / 3.6e8 = 9.58 → 10 fen, due the 15th, overdue from the 16th with the principal
    expect(r.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-01-14', overdueFrom: '2026-01-16', amountFen: 10 }]);
    // Jan 16: penalty for the 15th 10 000 × 51 750 / 3.6e8 = 1.44 → 1 fen (compound 10 × 51 750 / 3.6e8 → 0),
    // 10 fen of overdue interest and 7 000 of overdue principal → 3 000 fen left
    const partly = run([repayCmd('2026-01-16', 7_011)], r);
    expect(partly.state.drawdowns[0]!.principalFen).toBe(3_000);
    // Jan 17 pays through Jan 16: penalty 3 000 × 51 750 / 3.6e8 = 0.43 → 0, so the payoff is the principal
    expect(payoffOn(partly.state, '2026-01-17')).toBe(3_000);
    const paid = run([repayCmd('2026-01-17', 3_000), { type: 'Close', date: '2026-01-17' }], partly);
    expect(paid.state.status).toBe('CLOSED');
    expect(paid.state.drawdowns).toEqual([]);
  });
});
