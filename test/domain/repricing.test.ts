import { describe, expect, it } from 'vitest';
import { advance, advanceEveryDay } from '#domain/advance.ts';
import { accrueTo } from '#domain/drawdown-accrual.ts';
import { applyCommand, type Command } from '#domain/facility.ts';
import { lprNeeded, nextRepricingDay } from '#domain/repricing.ts';
import { fromDay, toDay } from '#domain/calendar.ts';
import type { FacilityState } from '#domain/state.ts';

const schedule = [
  { date: '2026-11-20', oneYearPpm: 30_000 },
  { date: '2026-12-21', oneYearPpm: 29_000 },
  { date: '2027-01-20', oneYearPpm: 28_500 },
];

function floating(repricing: 'JANUARY_FIRST' | 'ANNIVERSARY', drawDate: string): FacilityState {
  let state: FacilityState | null = null;
  const commands: Command[] = [
    {
      type: 'OpenFacility',
      date: '2026-03-01',
      facilityId: 'FL',
      borrowerId: 'B',
      limitFen: 2_000_000_00,
      effectiveDate: '2026-03-01',
      maturityDate: '2028-02-28',
      pricing: { spreadBp: 45, floorPpm: 0 },
      terms: { rateType: 'FLOATING', repricing, maxDrawdownTermDays: 700 },
    },
    { type: 'Drawdown', date: drawDate, amountFen: 1_000_000_00, lprPpm: 30_000, termDays: 400 },
  ];
  for (const c of commands) state = applyCommand(state, c).state;
  return state!;
}

describe('floating rates reprice to LPR + spread on their repricing dates', () => {
  it('JANUARY_FIRST: 3.45% becomes 2.90% + 0.45% = 3.35% from 2027-01-01, in a new accrual bucket', () => {
    const state = floating('JANUARY_FIRST', '2026-12-01');
    const { state: after, events } = advance(state, '2027-01-21', schedule);
    expect(events.filter((e) => e.type === 'Repriced')).toEqual([
      expect.objectContaining({ date: '2026-12-31', data: expect.objectContaining({ fromPpm: 34_500, toPpm: 33_500, lprPpm: 29_000, effectiveDate: '2027-01-01' }) }),
    ]);
    // Dec settlement: 20 days × 1 000 000.00 × 3.45% / 360 = 1 916.666… → 1 916.67
    // Jan settlement: (11 days × 3.45% + 20 days × 3.35%) × 1 000 000.00 / 360 = 2 915.277… → 2 915.28
    expect(after.drawdowns[0]!.interestItems.map((i) => i.amountFen)).toEqual([191_667, 291_528]);
    expect(after.drawdowns[0]!.ratePpm).toBe(33_500);
  });

  it('jumping and walking every day give the same state (accrued to the same day)', () => {
    const state = floating('JANUARY_FIRST', '2026-12-01');
    const jump = advance(state, '2027-03-01', schedule).state;
    const walk = advanceEveryDay(state, '2027-03-01', schedule).state;
    accrueTo(jump, toDay('2027-03-01'));
    accrueTo(walk, toDay('2027-03-01'));
    expect(jump).toEqual(walk);
  });

  it('ANNIVERSARY: reprices on the anniversary of the drawdown', () => {
    const state = floating('ANNIVERSARY', '2026-03-15');
    const d = state.drawdowns[0]!;
    expect(fromDay(nextRepricingDay(state, d, toDay('2026-03-15'))!)).toBe('2027-03-15');
    const sched = [{ date: '2026-02-20', oneYearPpm: 30_000 }, { date: '2027-02-22', oneYearPpm: 31_000 }];
    const { state: after } = advance(state, '2027-03-16', sched);
    expect(after.drawdowns[0]!.ratePpm).toBe(35_500);
  });

  it('refuses to advance across a repricing date without the fixing, and says which fixings a command needs', () => {
    const state = floating('JANUARY_FIRST', '2026-12-01');
    expect(() => advance(state, '2027-01-02')).toThrow(expect.objectContaining({ code: 'lpr-not-found' }));
    expect(advance(state, '2026-12-31').state.drawdowns[0]!.ratePpm).toBe(34_500);
    expect(lprNeeded(state, '2027-01-02', schedule)).toEqual([{ date: '2026-12-21', oneYearPpm: 29_000 }]);
    expect(lprNeeded(state, '2026-12-31', schedule)).toEqual([]);
  });

  it('fixed-rate facilities need no fixings', () => {
    let state: FacilityState | null = null;
    state = applyCommand(state, {
      type: 'OpenFacility', date: '2026-03-01', facilityId: 'FX', borrowerId: 'B', limitFen: 1_000_000_00,
      effectiveDate: '2026-03-01', maturityDate: '2027-12-31', pricing: { spreadBp: 45, floorPpm: 0 },
    }).state;
    state = applyCommand(state, { type: 'Drawdown', date: '2026-12-01', amountFen: 100_000_00, lprPpm: 30_000 }).state;
    expect(lprNeeded(state, '2027-06-01', schedule)).toEqual([]);
    expect(advance(state, '2027-01-02').state.drawdowns[0]!.ratePpm).toBe(34_500);
  });
});
