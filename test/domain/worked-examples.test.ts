import { describe, expect, it } from 'vitest';
import { applyCommand, type Command } from '#domain/facility.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import type { FacilityState } from '#domain/state.ts';

function run(commands: Command[]): FacilityState {
  let state: FacilityState | null = null;
  for (const c of commands) state = applyCommand(state, c).state;
  return state!;
}

const open: Command = {
  type: 'OpenFacility',
  date: '2026-01-01',
  facilityId: 'F1',
  borrowerId: 'B1',
  limitFen: 2_000_000_00,
  effectiveDate: '2026-01-01',
  maturityDate: '2026-12-31',
  pricing: { spreadBp: 45, floorPpm: 0 },
};

describe('DESIGN §4 worked examples', () => {
  it('1 000 000.00 drawn 2026-01-05 at 3.45% ACT/360, settled 2026-01-20: 1 533.33 yuan', () => {
    const s = run([open, { type: 'Drawdown', date: '2026-01-05', amountFen: 1_000_000_00, lprPpm: 30_000 }]);
    expect(valuationAsOf(s, '2026-01-20').totals.ACCRUED_INTEREST).toBe(153_333);
    const after = run([open, { type: 'Drawdown', date: '2026-01-05', amountFen: 1_000_000_00, lprPpm: 30_000 }, { type: 'EndOfDay', date: '2026-01-20' }]);
    expect(after.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-01-20', overdueFrom: '2026-01-22', amountFen: 153_333 }]);
    expect(valuationAsOf(after, '2026-01-21').totals.INTEREST_DUE).toBe(153_333);
    expect(valuationAsOf(after, '2026-01-22').totals.OVERDUE_INTEREST).toBe(153_333);
    expect(valuationAsOf(after, '2026-01-22').daysPastDue).toBe(1);
  });

  it('same, 400 000.00 repaid 2026-01-12: 1 188.33 yuan', () => {
    const s = run([
      open,
      { type: 'Drawdown', date: '2026-01-05', amountFen: 1_000_000_00, lprPpm: 30_000 },
      { type: 'Repayment', date: '2026-01-12', amountFen: 400_000_00 },
    ]);
    // Principal comes before accrued interest in the default order, so the whole payment is principal.
    const v = valuationAsOf(s, '2026-01-20');
    expect(v.principalOutstandingFen).toBe(600_000_00);
    expect(v.totals.ACCRUED_INTEREST).toBe(118_833);
  });
});
