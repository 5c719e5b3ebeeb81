import { describe, expect, it } from 'vitest';
import { valuationAsOf } from '#domain/valuation.ts';
import { draw, eod, openCommand, repayCmd, run } from './support.ts';

// docs/lending-rules.md's two worked examples on the standard line (LPR 3.00% + 45 bp = 3.45%, ACT/360).
describe('docs/lending-rules.md worked examples', () => {
  it('1 000 000.00 drawn 2026-01-05 at 3.45% ACT/360, settled 2026-01-20: 1 533.33 yuan', () => {
    const drawn = run([openCommand(), draw('2026-01-05', 1_000_000_00)]);
    // 16 days × 100 000 000 fen × 34 500 / 360 000 000 = 153 333.33… → 153 333 fen
    expect(valuationAsOf(drawn.state, '2026-01-20').totals.ACCRUED_INTEREST).toBe(153_333);
    const settled = run([eod('2026-01-20')], drawn).state;
    expect(settled.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-01-20', overdueFrom: '2026-01-22', amountFen: 153_333 }]);
    expect(valuationAsOf(settled, '2026-01-21').totals.INTEREST_DUE).toBe(153_333);
    expect(valuationAsOf(settled, '2026-01-22').totals.OVERDUE_INTEREST).toBe(153_333);
    expect(valuationAsOf(settled, '2026-01-22').daysPastDue).toBe(1);
  });

  it('same, 400 000.00 repaid 2026-01-12: 1 188.33 yuan', () => {
    const s = run([openCommand(), draw('2026-01-05', 1_000_000_00), repayCmd('2026-01-12', 400_000_00)]).state;
    // Principal comes before accrued interest in the default order, so the whole payment is principal.
    // 7 days × 100 000 000 + 9 days × 60 000 000 = 1 240 000 000; × 34 500 / 360 000 000 = 118 833.33… → 118 833
    const v = valuationAsOf(s, '2026-01-20');
    expect(v.principalOutstandingFen).toBe(600_000_00);
    expect(v.totals.ACCRUED_INTEREST).toBe(118_833);
  });
});
