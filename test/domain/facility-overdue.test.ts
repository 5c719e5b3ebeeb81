/**
 * Overdue principal and interest, penalty interest (罚息), compound interest (复利), days past due
 * and the five-tier classification, hand-computed.
 *
 * The short loan used throughout: 1 000 000.00 yuan drawn 2026-01-05 for 10 days, maturing
 * 2026-01-15, at 34 500 ppm; penalty rate 34 500 × 1.5 = 51 750 ppm, i.e. on 10^8 fen
 * 10^8 × 51 750 / 3.6e8 = 14 375 fen a day exactly.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { MILLION_YUAN, draw, eod, eventsOfType, expectDomainError, openCommand, repayCmd, run } from './support.ts';

const open = openCommand();
const shortLoan = [open, draw('2026-01-05', MILLION_YUAN, { termDays: 10 })];

describe('a drawdown unpaid at maturity', () => {
  it('is normal on its maturity day, with 11 days of interest accrued (5th…15th)', () => {
    const r = run(shortLoan);
    expect(r.state.drawdowns[0]!.maturityDate).toBe('2026-01-15');
    const v = valuationAsOf(r.state, '2026-01-15');
    // 1.1e9 × 34 500 / 3.6e8 = 105 416.67 → 105 417
    expect(v.totals).toMatchObject({ PRINCIPAL: MILLION_YUAN, OVERDUE_PRINCIPAL: 0, ACCRUED_INTEREST: 105_417, PENALTY_INTEREST: 0 });
    expect(v.daysPastDue).toBe(0);
    expect(v.classification).toBe('NORMAL');
  });

  it('at the end of maturity day: interest settled and overdue from maturity + 1, principal overdue (DPD 1)', () => {
    const r = run([...shortLoan, eod('2026-01-15')]);
    const d = r.state.drawdowns[0]!;
    expect(d.status).toBe('OVERDUE');
    expect(d.overdueSince).toBe('2026-01-16');
    expect(d.interestItems).toEqual([{ settledOn: '2026-01-15', overdueFrom: '2026-01-16', amountFen: 105_417 }]);
    expect(new Set(r.events.filter((e) => e.date === '2026-01-15').map((e) => e.type))).toEqual(
      new Set(['InterestSettled', 'PrincipalOverdue', 'InterestOverdue', 'ClassificationChanged']),
    );
    expect(eventsOfType(r.events, 'InterestSettled')[0]!.data).toMatchObject({ interestFen: 105_417, drawdowns: [{ reason: 'MATURITY', interestFen: 105_417 }] });
    expect(eventsOfType(r.events, 'PrincipalOverdue')[0]!.data).toMatchObject({ principalFen: MILLION_YUAN, overdueSince: '2026-01-16', penaltyRatePpm: 51_750 });
    expect(eventsOfType(r.events, 'ClassificationChanged')[0]!.data).toEqual({ from: 'NORMAL', to: 'SPECIAL_MENTION' });
    expect(r.state.classification).toBe('SPECIAL_MENTION');
  });

  it('day one overdue: penalty 14 375 on the principal and compound 15 on the overdue interest', () => {
    const v = valuationAsOf(run(shortLoan).state, '2026-01-16');
    expect(v.totals).toEqual({
      // 105 417 × 51 750 / 3.6e8 = 15.15 → 15
      COMPOUND_INTEREST: 15,
      // 10^8 × 51 750 / 3.6e8 = 14 375
      PENALTY_INTEREST: 14_375,
      OVERDUE_INTEREST: 105_417,
      OVERDUE_PRINCIPAL: MILLION_YUAN,
      INTEREST_DUE: 0,
      PRINCIPAL: 0,
      // Overdue principal stops accruing contract interest
      ACCRUED_INTEREST: 0,
    });
    expect(v.daysPastDue).toBe(1);
    expect(v.payoffFen).toBe(15 + 14_375 + 105_417 + MILLION_YUAN);
  });

  it('settlement on the 20th crystallises 5 days of penalty (71 875) and compound (76)', () => {
    const r = run([...shortLoan, eod('2026-01-20')]);
    const d = r.state.drawdowns[0]!;
    // Penalty: 14 375 × 5 (16th…20th) = 71 875
    expect(d.penaltyDueFen).toBe(71_875);
    // Compound: 105 417 × 5 = 527 085; × 51 750 / 3.6e8 = 75.77 → 76
    expect(d.compoundDueFen).toBe(76);
    expect(d.penaltyAcc).toEqual([]);
    expect(d.compoundAcc).toEqual([]);
    const settled = eventsOfType(r.events, 'InterestSettled').find((e) => e.date === '2026-01-20')!;
    expect(settled.data).toMatchObject({ interestFen: 0, penaltyFen: 71_951 }); // 71 875 + 76
    expect(settled.postings).toEqual([
      { account: 'PENALTY_RECEIVABLE', side: 'DR', amountFen: 71_951 },
      { account: 'PENALTY_INCOME', side: 'CR', amountFen: 71_951 },
    ]);
  });

  it('a month later (Feb 20), compound runs on the overdue interest only, not on the settled penalty', () => {
    const r = run([...shortLoan, eod('2026-02-20')]);
    const d = r.state.drawdowns[0]!;
    // Penalty: 71 875 + 31 days (Jan 21…Feb 20) × 14 375 = 71 875 + 445 625 = 517 500
    expect(d.penaltyDueFen).toBe(517_500);
    // Compound: 76 + round(105 417 × 31 × 51 750 / 3.6e8 = 469.76) = 76 + 470 = 546
    expect(d.compoundDueFen).toBe(546);
  });

  it('without compound interest, overdue interest accrues nothing', () => {
    const r = run([openCommand({}, { compoundInterest: false }), draw('2026-01-05', MILLION_YUAN, { termDays: 10 }), eod('2026-01-20')]);
    expect(r.state.drawdowns[0]!.compoundDueFen).toBe(0);
    expect(r.state.drawdowns[0]!.penaltyDueFen).toBe(71_875);
  });

  it('a 30% uplift: 34 500 × 1.3 = 44 850 ppm; 5 days = 5e8 × 44 850 / 3.6e8 = 62 291.67 → 62 292', () => {
    const r = run([openCommand({}, { penaltyUpliftPct: 30 }), draw('2026-01-05', MILLION_YUAN, { termDays: 10 }), eod('2026-01-20')]);
    expect(r.state.drawdowns[0]!.penaltyRatePpm).toBe(44_850);
    expect(r.state.drawdowns[0]!.penaltyDueFen).toBe(62_292);
  });
});

describe('long horizons', () => {
  it('a maximal 利随本清 loan in default, valued 34 years on, stays exact (balance × days passes 2^53)', () => {
    const max = openCommand({ limitFen: 1_000_000_000_000 }, { settlementCycle: 'WITH_PRINCIPAL' });
    const r = run([max, draw('2026-01-05', 1_000_000_000_000, { termDays: 10 })]);
    const v = valuationAsOf(r.state, '2060-01-01');
    // Interest at maturity: 10^12 × 11 days × 34 500 / 3.6e8 = 1 054 166 666.67 → 1 054 166 667, overdue from 2026-01-16
    // Penalty days 2026-01-16…2060-01-01 = 12 404; with no periodic settlement nothing is crystallised:
    //   penalty 10^12 × 12 404 × 51 750 / 3.6e8 = 1 783 075 000 000 exactly (10^12 × 12 404 ≈ 1.24e16 > 2^53)
    //   compound 1 054 166 667 × 12 404 × 51 750 / 3.6e8 = 1 879 658 229.76 → 1 879 658 230
    expect(v.totals).toMatchObject({ OVERDUE_PRINCIPAL: 1_000_000_000_000, OVERDUE_INTEREST: 1_054_166_667, PENALTY_INTEREST: 1_783_075_000_000, COMPOUND_INTEREST: 1_879_658_230 });
    expect(v.payoffFen).toBe(2_786_008_824_897);
    expect(v.classification).toBe('LOSS');
  });
});

describe('paying arrears: compound → penalty → overdue interest → overdue principal', () => {
  const settled = [...shortLoan, eod('2026-01-20')];

  it('100 000 fen on Jan 21 meets compound 76, penalty 71 875, and 28 049 of the overdue interest', () => {
    const r = run([...settled, repayCmd('2026-01-21', 100_000)]);
    // 100 000 − 76 − 71 875 = 28 049 left for the overdue interest of 105 417 → 77 368 stays overdue
    expect(r.results.at(-1)).toMatchObject({
      allocation: { COMPOUND_INTEREST: 76, PENALTY_INTEREST: 71_875, OVERDUE_INTEREST: 28_049, OVERDUE_PRINCIPAL: 0, INTEREST_DUE: 0, PRINCIPAL: 0, ACCRUED_INTEREST: 0 },
    });
    const d = r.state.drawdowns[0]!;
    expect(d.interestItems).toEqual([{ settledOn: '2026-01-15', overdueFrom: '2026-01-16', amountFen: 77_368 }]);
    expect(d.penaltyDueFen).toBe(0);
    expect(d.compoundDueFen).toBe(0);
    const v = valuationAsOf(r.state, '2026-01-21');
    // Compound from the 21st on the reduced base: 77 368 × 51 750 / 3.6e8 = 11.12 → 11
    expect(v.totals.COMPOUND_INTEREST).toBe(11);
    expect(v.totals.PENALTY_INTEREST).toBe(14_375);
    // Still 6 days past due (the principal and the rest of the interest are overdue since the 16th)
    expect(v.daysPastDue).toBe(6);
    expect(v.classification).toBe('SPECIAL_MENTION');
  });

  it('paying the principal down to 5 × 10^7 halves the penalty base: 7 187.5 → 7 188 a day', () => {
    // 76 + 71 875 + 105 417 + 50 000 000 = 50 177 368
    const r = run([...settled, repayCmd('2026-01-21', 50_177_368)]);
    expect(r.results.at(-1)).toMatchObject({ allocation: { COMPOUND_INTEREST: 76, PENALTY_INTEREST: 71_875, OVERDUE_INTEREST: 105_417, OVERDUE_PRINCIPAL: 50_000_000 } });
    const v1 = valuationAsOf(r.state, '2026-01-21');
    // 5e7 × 51 750 / 3.6e8 = 7 187.5: a tie, half-up → 7 188; no overdue interest left, so no compound
    expect(v1.totals).toMatchObject({ PENALTY_INTEREST: 7_188, COMPOUND_INTEREST: 0, OVERDUE_PRINCIPAL: 50_000_000 });
    // Two days: 14 375 exactly
    expect(valuationAsOf(r.state, '2026-01-22').totals.PENALTY_INTEREST).toBe(14_375);
  });

  it('the payoff taken from valuation as of the 21st clears everything on the 22nd; the episode closes at DPD 7', () => {
    const partly = run([...settled, repayCmd('2026-01-21', 100_000)]);
    // Through Jan 21: compound 11 + penalty 14 375 + overdue interest 77 368 + principal 10^8 = 100 091 754
    const payoff = valuationAsOf(partly.state, '2026-01-21').payoffFen;
    expect(payoff).toBe(100_091_754);
    expectDomainError(() => run([repayCmd('2026-01-22', payoff + 1)], partly), 'overpayment');
    const r = run([repayCmd('2026-01-22', payoff)], partly);
    expect(r.state.drawdowns).toEqual([]);
    expect(r.state.classification).toBe('NORMAL');
    expect(eventsOfType(r.events, 'ClassificationChanged').at(-1)!.data).toEqual({ from: 'SPECIAL_MENTION', to: 'NORMAL' });
    // Overdue since the 16th; on the 22nd, before the payment, DPD = 22 − 16 + 1 = 7
    expect(r.state.dpdHistory).toEqual([{ from: '2026-01-16', to: '2026-01-22', maxDpd: 7 }]);
    expect(run([{ type: 'Close', date: '2026-01-22' }], r).state.status).toBe('CLOSED');
  });
});

describe('days past due and the five-tier classification', () => {
  // Overdue since 2026-01-16 (DPD 1); DPD on day X = X − Jan 16 + 1.
  it.each([
    ['2026-01-15', 0, 'NORMAL'],
    ['2026-01-16', 1, 'SPECIAL_MENTION'],
    ['2026-04-15', 90, 'SPECIAL_MENTION'], // Jan 16 + 89 days
    ['2026-04-16', 91, 'SUBSTANDARD'],
    ['2026-07-14', 180, 'SUBSTANDARD'], // Jan 16 + 179
    ['2026-07-15', 181, 'DOUBTFUL'],
    ['2027-01-10', 360, 'DOUBTFUL'], // Jan 16 + 359
    ['2027-01-11', 361, 'LOSS'],
    ['2027-06-30', 531, 'LOSS'], // 361 + (Jan 11 → Jun 30 = 170 days)
  ] as const)('on %s: DPD %i, %s', (date, dpd, classification) => {
    const state = run(shortLoan).state;
    const v = valuationAsOf(state, date);
    expect(v.daysPastDue).toBe(dpd);
    expect(v.classification).toBe(classification);
    expect(advance(state, date).state.classification).toBe(classification);
  });

  it('each change is one ClassificationChanged event, dated the evening before the new tier', () => {
    const r = run([...shortLoan, eod('2027-01-31')]);
    expect(eventsOfType(r.events, 'ClassificationChanged').map((e) => [e.date, e.data])).toEqual([
      ['2026-01-15', { from: 'NORMAL', to: 'SPECIAL_MENTION' }],
      ['2026-04-15', { from: 'SPECIAL_MENTION', to: 'SUBSTANDARD' }],
      ['2026-07-14', { from: 'SUBSTANDARD', to: 'DOUBTFUL' }],
      ['2027-01-10', { from: 'DOUBTFUL', to: 'LOSS' }],
    ]);
    // The facility matured at the end of 2026-12-31 meanwhile
    expect(r.state.status).toBe('MATURED');
    expect(eventsOfType(r.events, 'FacilityMatured').map((e) => e.date)).toEqual(['2026-12-31']);
    // One open episode since Jan 16
    expect(r.state.dpdHistory).toEqual([{ from: '2026-01-16', to: null, maxDpd: 1 }]);
  });

  it('unpaid settled interest alone makes arrears: overdue from Jan 22, DPD 90 on Apr 21, 91 on Apr 22', () => {
    const state = run([open, draw('2026-01-05', MILLION_YUAN)]).state;
    expect(valuationAsOf(state, '2026-01-21').daysPastDue).toBe(0);
    expect(valuationAsOf(state, '2026-01-22').daysPastDue).toBe(1);
    // Jan 22 + 89 days = Apr 21
    expect(valuationAsOf(state, '2026-04-21')).toMatchObject({ daysPastDue: 90, classification: 'SPECIAL_MENTION' });
    expect(valuationAsOf(state, '2026-04-22')).toMatchObject({ daysPastDue: 91, classification: 'SUBSTANDARD' });
  });

  it('the InterestOverdue event is dated the evening before the interest falls overdue', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), eod('2026-01-22')]);
    expect(eventsOfType(r.events, 'InterestOverdue').map((e) => [e.date, e.data])).toEqual([['2026-01-21', { amountFen: 153_333, overdueFrom: '2026-01-22' }]]);
  });

  it('a drawdown in arrears blocks new drawdowns; interest merely due does not', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), eod('2026-01-20')]);
    expect(run([draw('2026-01-21', 100_00)], r).state.drawdowns).toHaveLength(2);
    const error = expectDomainError(() => run([draw('2026-01-22', 100_00)], r), 'facility-in-arrears');
    expect(error.details).toEqual({ daysPastDue: 1 });
    // Paying the overdue interest (153 333) lifts the block the same day
    expect(run([repayCmd('2026-01-22', 153_333), draw('2026-01-22', 100_00)], r).state.drawdowns).toHaveLength(2);
  });
});
