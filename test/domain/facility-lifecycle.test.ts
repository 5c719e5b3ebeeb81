/**
 * The facility state machine: opening, drawdown rules, freeze/unfreeze, limit changes, maturity,
 * closing and the end-of-day command. Standard line: limit 2 000 000.00, 2026-01-01 → 2026-12-31.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { applyCommand, type Command } from '#domain/facility.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { MILLION_YUAN, draw, eod, eventsOfType, expectDomainError, openCommand, repayCmd, run, type Run } from './support.ts';

const open = openCommand();

/** Expects `command` on `r` to be refused with `code`, leaving the state exactly as it was. */
function refused(r: Run, command: Command, code: string) {
  const before = structuredClone(r.state);
  const error = expectDomainError(() => applyCommand(r.state, command), code);
  expect(r.state).toEqual(before);
  return error;
}

describe('opening a facility', () => {
  it('opens ACTIVE, NORMAL, at its business date, with one FacilityOpened event and no postings', () => {
    const r = run([open]);
    expect(r.state).toMatchObject({ facilityId: 'F1', borrowerId: 'B1', currency: 'CNY', limitFen: 2_000_000_00, status: 'ACTIVE', classification: 'NORMAL', businessDate: '2026-01-01', drawdowns: [] });
    expect(r.events.map((e) => [e.type, e.date, e.postings])).toEqual([['FacilityOpened', '2026-01-01', []]]);
    expect(valuationAsOf(r.state, '2026-01-01')).toMatchObject({ availableFen: 2_000_000_00, principalOutstandingFen: 0, payoffFen: 0, daysPastDue: 0 });
  });

  it('a facility opens once; other commands need one', () => {
    expectDomainError(() => applyCommand(run([open]).state, open), 'facility-exists');
    expectDomainError(() => applyCommand(null, draw('2026-01-05', MILLION_YUAN)), 'not-found');
  });
});

describe('drawdown rules', () => {
  it('a drawdown books principal: DR LOAN_PRINCIPAL / CR BORROWER_SETTLEMENT, named F1-D0001, F1-D0002…', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN, { termDays: 30 }), draw('2026-01-06', 100_00)]);
    expect(r.results[1]).toEqual({ drawdownId: 'F1-D0001', amountFen: MILLION_YUAN, ratePpm: 34_500, drawnDate: '2026-01-05', maturityDate: '2026-02-04' }); // Jan 5 + 30
    expect(eventsOfType(r.events, 'DrawdownMade')[0]!.postings).toEqual([
      { account: 'LOAN_PRINCIPAL', side: 'DR', amountFen: MILLION_YUAN },
      { account: 'BORROWER_SETTLEMENT', side: 'CR', amountFen: MILLION_YUAN },
    ]);
    expect(r.state.drawdowns.map((d) => d.drawdownId)).toEqual(['F1-D0001', 'F1-D0002']);
  });

  it('minimum drawdown: 99.99 yuan is refused, 100.00 is accepted', () => {
    const r = run([open]);
    expect(refused(r, draw('2026-01-05', 99_99), 'below-minimum-drawdown').details).toEqual({ minimum: '100.00' });
    expect(run([draw('2026-01-05', 100_00)], r).state.drawdowns[0]!.principalFen).toBe(100_00);
  });

  it('available limit: the whole limit can be drawn, not one fen more; repaid principal is available at once', () => {
    const full = run([open, draw('2026-01-05', 2_000_000_00)]);
    expect(refused(full, draw('2026-01-05', 100_00), 'insufficient-available-limit').details).toEqual({ available: '0.00' });
    const repaid = run([repayCmd('2026-01-05', 500_000_00), draw('2026-01-05', 500_000_00)], full);
    expect(valuationAsOf(repaid.state, '2026-01-05')).toMatchObject({ principalOutstandingFen: 2_000_000_00, availableFen: 0 });
  });

  it('maximum term: 365 days by default; 366 is refused', () => {
    const r = run([openCommand({ maturityDate: '2027-12-31' })]);
    refused(r, draw('2026-01-05', MILLION_YUAN, { termDays: 366 }), 'term-too-long');
    expect(run([draw('2026-01-05', MILLION_YUAN, { termDays: 365 })], r).state.drawdowns[0]!.maturityDate).toBe('2027-01-05');
    // No term given: the product maximum (365 days)
    expect(run([draw('2026-01-05', MILLION_YUAN)], r).state.drawdowns[0]!.maturityDate).toBe('2027-01-05');
  });

  it('no drawdown matures after the facility: an explicit term past it is refused, a default term is capped', () => {
    const r = run([open]);
    // Dec 1 + 31 days = 2027-01-01 > 2026-12-31
    refused(r, draw('2026-12-01', MILLION_YUAN, { termDays: 31 }), 'outside-facility-term');
    expect(run([draw('2026-12-01', MILLION_YUAN, { termDays: 30 })], r).state.drawdowns[0]!.maturityDate).toBe('2026-12-31');
    // Default: min(365, 360 days to maturity) → 2026-12-31
    expect(run([draw('2026-01-05', MILLION_YUAN)], r).state.drawdowns[0]!.maturityDate).toBe('2026-12-31');
  });

  it('no drawdown before the effective date or on/after the maturity date', () => {
    const later = run([openCommand({ effectiveDate: '2026-02-01' })]);
    refused(later, draw('2026-01-15', MILLION_YUAN), 'outside-facility-term');
    expect(run([draw('2026-02-01', MILLION_YUAN)], later).state.drawdowns).toHaveLength(1);
    const r = run([open]);
    refused(r, draw('2026-12-31', MILLION_YUAN), 'outside-facility-term');
    // The day before maturity works, for the one day left
    expect(run([draw('2026-12-30', MILLION_YUAN)], r).state.drawdowns[0]!.maturityDate).toBe('2026-12-31');
  });

  it('open drawdowns are capped (here at 2); a fully repaid one no longer counts', () => {
    const r = run([openCommand({}, { maxOpenDrawdowns: 2 }), draw('2026-01-05', 100_00), draw('2026-01-05', 100_00)]);
    expect(refused(r, draw('2026-01-06', 100_00), 'too-many-open-drawdowns').details).toEqual({ maximum: 2 });
    // Repaying 100.00 clears the principal of F1-D0001 (earliest); its 1 day of interest is still owed
    const after = run([repayCmd('2026-01-06', 100_00), draw('2026-01-06', 100_00)], r);
    expect(after.state.drawdowns.filter((d) => d.principalFen > 0).map((d) => d.drawdownId)).toEqual(['F1-D0002', 'F1-D0003']);
  });

  it('a command dated before the facility’s business date is refused', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), eod('2026-01-20')]); // opens on 01-21
    expect(refused(r, repayCmd('2026-01-20', 100_00), 'date-before-last-event').details).toEqual({ businessDate: '2026-01-21' });
    refused(r, draw('2026-01-10', 100_00), 'date-before-last-event');
  });
});

describe('freeze and unfreeze', () => {
  const drawn = [open, draw('2026-01-05', MILLION_YUAN)];

  it('a frozen line refuses drawdowns but takes repayments; unfreezing restores drawdowns', () => {
    const frozen = run([...drawn, { type: 'Freeze', date: '2026-01-10', reason: 'court order' }]);
    expect(frozen.state.status).toBe('FROZEN');
    expect(eventsOfType(frozen.events, 'FacilityFrozen')[0]!.data).toEqual({ reason: 'court order' });
    refused(frozen, draw('2026-01-10', 100_00), 'facility-frozen');
    const repaid = run([repayCmd('2026-01-11', 100_000_00)], frozen);
    expect(repaid.state.drawdowns[0]!.principalFen).toBe(900_000_00);
    const thawed = run([{ type: 'Unfreeze', date: '2026-01-12' }, draw('2026-01-12', 100_00)], repaid);
    expect(thawed.state.status).toBe('ACTIVE');
    expect(thawed.state.drawdowns).toHaveLength(2);
  });

  it('only an ACTIVE line freezes and only a FROZEN one unfreezes', () => {
    const active = run(drawn);
    refused(active, { type: 'Unfreeze', date: '2026-01-10' }, 'invalid-state');
    const frozen = run([{ type: 'Freeze', date: '2026-01-10' }], active);
    refused(frozen, { type: 'Freeze', date: '2026-01-10' }, 'invalid-state');
  });

  it('a frozen line still matures (FacilityMatured records it was FROZEN)', () => {
    const r = run([open, { type: 'Freeze', date: '2026-06-01' }, eod('2026-12-31')]);
    expect(r.state.status).toBe('MATURED');
    expect(eventsOfType(r.events, 'FacilityMatured')[0]!.data).toEqual({ previousStatus: 'FROZEN' });
  });
});

describe('limit changes', () => {
  const drawn = [open, draw('2026-01-05', 1_500_000_00)];

  it('the limit may go down to the outstanding principal, not below it', () => {
    const r = run(drawn);
    expect(refused(r, { type: 'ChangeLimit', date: '2026-01-06', limitFen: 1_500_000_00 - 1 }, 'limit-below-outstanding').details).toEqual({ outstanding: '1500000.00' });
    const down = run([{ type: 'ChangeLimit', date: '2026-01-06', limitFen: 1_500_000_00 }], r);
    expect(valuationAsOf(down.state, '2026-01-06')).toMatchObject({ limitFen: 1_500_000_00, availableFen: 0 });
    expect(eventsOfType(down.events, 'LimitChanged')[0]!.data).toEqual({ fromFen: 2_000_000_00, toFen: 1_500_000_00 });
    refused(down, draw('2026-01-06', 100_00), 'insufficient-available-limit');
  });

  it('raising the limit makes more available at once (also while frozen)', () => {
    const up = run([...drawn, { type: 'Freeze', date: '2026-01-06' }, { type: 'ChangeLimit', date: '2026-01-06', limitFen: 3_000_000_00 }]);
    expect(valuationAsOf(up.state, '2026-01-06').availableFen).toBe(1_500_000_00); // 3e8 − 1.5e8
  });

  it('a matured or closed line keeps its limit', () => {
    const matured = run([open, eod('2026-12-31')]);
    refused(matured, { type: 'ChangeLimit', date: '2027-01-01', limitFen: 100_00 }, 'facility-not-active');
    const closed = run([open, { type: 'Close', date: '2026-01-02' }]);
    refused(closed, { type: 'ChangeLimit', date: '2026-01-02', limitFen: 100_00 }, 'facility-not-active');
  });
});

describe('maturity and closing', () => {
  it('the line matures at the end of its maturity date: MATURED from the next day', () => {
    const r = run([open]);
    expect(advance(r.state, '2026-12-31').state.status).toBe('ACTIVE');
    const after = advance(r.state, '2027-01-01');
    expect(after.state.status).toBe('MATURED');
    expect(after.events.map((e) => [e.type, e.date, e.data])).toEqual([['FacilityMatured', '2026-12-31', { previousStatus: 'ACTIVE' }]]);
    refused({ ...r, state: after.state }, draw('2027-01-01', 100_00), 'facility-not-active');
  });

  it('closing is refused while anything is payable, and says how much', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN)]);
    // On Jan 5 nothing has accrued yet: the payable is the principal alone
    expect(refused(r, { type: 'Close', date: '2026-01-05' }, 'outstanding-balance').details).toEqual({ payable: '1000000.00' });
  });

  it('a closed line refuses everything but reads', () => {
    const closed = run([open, { type: 'Close', date: '2026-03-01' }]);
    expect(closed.state.status).toBe('CLOSED');
    expect(eventsOfType(closed.events, 'FacilityClosed')[0]!.data).toEqual({ previousStatus: 'ACTIVE' });
    refused(closed, { type: 'Close', date: '2026-03-01' }, 'facility-closed');
    refused(closed, repayCmd('2026-03-01', 1), 'facility-closed');
    refused(closed, draw('2026-03-01', 100_00), 'facility-not-active');
    refused(closed, { type: 'Freeze', date: '2026-03-01' }, 'invalid-state');
    // A closed line does not mature into anything else
    expect(advance(closed.state, '2027-06-01').state.status).toBe('CLOSED');
  });

  it('a matured line with nothing owed can close', () => {
    const r = run([open, draw('2026-12-01', MILLION_YUAN, { termDays: 10 })]);
    // Paid off on its maturity day 12-11: Dec 1…10 = 10 days × 10^8 × 34 500 / 3.6e8 = 95 833.33 → 95 833
    const paid = run([repayCmd('2026-12-11', MILLION_YUAN + 95_833), eod('2026-12-31'), { type: 'Close', date: '2027-01-05' }], r);
    expect(eventsOfType(paid.events, 'FacilityMatured')).toHaveLength(1);
    expect(paid.state.status).toBe('CLOSED');
  });

  it('the principal amount paid on the maturity day meets the interest due first; the rest of the principal falls overdue the next day', () => {
    const r = run([open, draw('2026-12-01', MILLION_YUAN, { termDays: 10 }), repayCmd('2026-12-11', MILLION_YUAN), eod('2026-12-11')]);
    // Interest [Dec 1, Dec 11) = 10 days = 95 833, settled the evening of Dec 10 and due on M: paid before principal
    expect(r.results[2]).toMatchObject({ allocation: { INTEREST_DUE: 95_833, PRINCIPAL: MILLION_YUAN - 95_833 } });
    expect(r.state.drawdowns[0]!).toMatchObject({ status: 'OVERDUE', overdueSince: '2026-12-12', principalFen: 95_833, interestItems: [] });
    const v = valuationAsOf(r.state, '2026-12-20');
    // Penalty Dec 11…20 = 10 days on the 95 833 left: 95 833 × 10 × 51 750 / 3.6e8 = 137.76 → 138
    expect(v.totals).toMatchObject({ OVERDUE_PRINCIPAL: 95_833, OVERDUE_INTEREST: 0, COMPOUND_INTEREST: 0, PENALTY_INTEREST: 138 });
    expect(v.daysPastDue).toBe(9); // overdue since Dec 12
    refused(r, { type: 'Close', date: '2026-12-12' }, 'outstanding-balance');
  });
});

describe('end of day', () => {
  const drawn = [open, draw('2026-01-05', MILLION_YUAN)];

  it('EndOfDay D applies the end of D: the state opens on D + 1, as advance(D + 1) would leave it', () => {
    const r = run(drawn);
    const viaEod = applyCommand(r.state, eod('2026-01-20'));
    const viaAdvance = advance(r.state, '2026-01-21');
    expect(viaEod.state.businessDate).toBe('2026-01-21');
    expect(viaEod.state).toEqual(viaAdvance.state);
    expect(viaEod.events).toEqual(viaAdvance.events);
  });

  it('running it twice changes nothing the second time', () => {
    const once = run([...drawn, eod('2026-01-20')]);
    const second = applyCommand(once.state, eod('2026-01-20'));
    expect(second.events).toEqual([]);
    expect(second.state).toEqual(once.state);
    const twice = run([...drawn, eod('2026-01-20'), eod('2026-01-20')]);
    expect(twice.state).toEqual(once.state);
    expect(twice.events).toEqual(once.events);
  });

  it('an end of day already applied (an earlier date) is a no-op', () => {
    const r = run([...drawn, eod('2026-01-20')]);
    expect(applyCommand(r.state, eod('2026-01-10'))).toEqual({ state: r.state, events: [], result: undefined });
  });

  it('end of day on an ordinary day only moves the date', () => {
    const r = run(drawn);
    const t = applyCommand(r.state, eod('2026-01-06'));
    expect(t.events).toEqual([]);
    expect({ ...t.state, businessDate: r.state.businessDate }).toEqual(r.state);
    expect(t.state.businessDate).toBe('2026-01-07');
  });
});
