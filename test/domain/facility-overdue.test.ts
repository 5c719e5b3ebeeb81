/**
 * Overdue principal and interest, penalty interest (罚息), compound interest (复利), days past due
 * and the five-tier classification, hand-computed.
 *
 * The short loan used throughout: 1 000 000.00 yuan drawn 2026-01-05 for 10 days, maturing
 * 2026-01-15, at 34 500 ppm; penalty rate 34 500 × 1.5 = 51 750 ppm, i.e. on 10^8 fen
 * 10^8 × 51 750 / 3.6e8 = 14 375 fen a day exactly.
 *
 * The day count (DESIGN §4, corrected): contract interest runs for [drawn, M) = Jan 5…14, 10 days:
 * 1e9 × 34 500 / 3.6e8 = 95 833.33 → 95 833, settled the evening of Jan 14 and due on M (利随本清 for
 * the loan). Unpaid, the principal accrues penalty from M itself and the interest compound from M
 * (its 付息日): 逾期天数 = 还款日 − 到期日, so repaid at DPD n the loan has paid n days of each.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { MILLION_YUAN, draw, eod, eventsOfType, expectDomainError, openCommand, payableOn as payableOnTotals, payoffOn, repayCmd, run } from './support.ts';

const open = openCommand();
const shortLoan = [open, draw('2026-01-05', MILLION_YUAN, { termDays: 10 })];

describe('a drawdown unpaid at maturity', () => {
  it('is normal on its maturity day: 10 days of interest (5th…14th) due, and day M counted as penalty and compound should it stay unpaid', () => {
    const r = run(shortLoan);
    expect(r.state.drawdowns[0]!.maturityDate).toBe('2026-01-15');
    const v = valuationAsOf(r.state, '2026-01-15');
    // Interest [Jan 5, Jan 15) = 95 833 settled the evening of Jan 14, due today; "as of" the 15th counts
    // the 15th itself: penalty 14 375 on the principal, compound 95 833 × 51 750 / 3.6e8 = 13.78 → 14
    expect(v.totals).toEqual({ COMPOUND_INTEREST: 14, PENALTY_INTEREST: 14_375, OVERDUE_INTEREST: 0, OVERDUE_PRINCIPAL: 0, INTEREST_DUE: 95_833, PRINCIPAL: MILLION_YUAN, ACCRUED_INTEREST: 0 });
    expect(v.daysPastDue).toBe(0);
    expect(v.classification).toBe('NORMAL');
  });

  it('repaid in full on the maturity day (DPD 0): 10 days of interest and no penalty, 1 000 958.33', () => {
    // A payment on the 15th meets interest through the 14th: 10^8 + 95 833; day M itself is not charged (算头不算尾)
    expect(payoffOn(run(shortLoan).state, '2026-01-15')).toBe(100_095_833);
  });

  it('the issue\'s worked example: repaid in full on 2026-01-16 (DPD 1) pays 1 001 102.22', () => {
    const state = run(shortLoan).state;
    // Contract interest 10 days = 95 833; penalty 1 day (Jan 15) on the principal = 14 375;
    // compound 1 day on 958.33: 95 833 × 51 750 / 3.6e8 = 13.78 → 14.
    // 100 000 000 + 95 833 + 14 375 + 14 = 100 110 222 fen = 1 001 102.22 yuan
    expect(payableOnTotals(state, '2026-01-16')).toMatchObject({ COMPOUND_INTEREST: 14, PENALTY_INTEREST: 14_375, OVERDUE_INTEREST: 95_833, OVERDUE_PRINCIPAL: MILLION_YUAN });
    expect(payoffOn(state, '2026-01-16')).toBe(100_110_222);
    const r = run([repayCmd('2026-01-16', 100_110_222)], run(shortLoan));
    expect(r.state.drawdowns).toEqual([]);
    expect(r.state.dpdHistory).toEqual([{ from: '2026-01-16', to: '2026-01-16', maxDpd: 1 }]);
  });

  it('at the end of maturity day: interest (settled the evening before) overdue from maturity + 1, principal overdue (DPD 1)', () => {
    const r = run([...shortLoan, eod('2026-01-15')]);
    const d = r.state.drawdowns[0]!;
    expect(d.status).toBe('OVERDUE');
    expect(d.overdueSince).toBe('2026-01-16');
    expect(d.interestItems).toEqual([{ settledOn: '2026-01-14', overdueFrom: '2026-01-16', amountFen: 95_833 }]);
    expect(r.events.filter((e) => e.date === '2026-01-14').map((e) => e.type)).toEqual(['InterestSettled']);
    expect(new Set(r.events.filter((e) => e.date === '2026-01-15').map((e) => e.type))).toEqual(new Set(['PrincipalOverdue', 'InterestOverdue', 'ClassificationChanged']));
    expect(eventsOfType(r.events, 'InterestSettled')[0]!.data).toMatchObject({ interestFen: 95_833, drawdowns: [{ reason: 'MATURITY', interestFen: 95_833 }] });
    expect(eventsOfType(r.events, 'PrincipalOverdue')[0]!.data).toMatchObject({ principalFen: MILLION_YUAN, overdueSince: '2026-01-16', penaltyRatePpm: 51_750 });
    expect(eventsOfType(r.events, 'ClassificationChanged')[0]!.data).toEqual({ from: 'NORMAL', to: 'SPECIAL_MENTION', reason: 'DPD 1' });
    expect(r.state.classification).toBe('SPECIAL_MENTION');
  });

  it('as of day one overdue: penalty for the 15th and 16th (28 750) and compound 28 on the overdue interest', () => {
    const v = valuationAsOf(run(shortLoan).state, '2026-01-16');
    expect(v.totals).toEqual({
      // 95 833 × 2 × 51 750 / 3.6e8 = 27.55 → 28
      COMPOUND_INTEREST: 28,
      // 2 × 10^8 × 51 750 / 3.6e8 = 28 750
      PENALTY_INTEREST: 28_750,
      OVERDUE_INTEREST: 95_833,
      OVERDUE_PRINCIPAL: MILLION_YUAN,
      INTEREST_DUE: 0,
      PRINCIPAL: 0,
      // Overdue principal stops accruing contract interest
      ACCRUED_INTEREST: 0,
    });
    expect(v.daysPastDue).toBe(1);
    expect(v.payoffFen).toBe(28 + 28_750 + 95_833 + MILLION_YUAN);
  });

  it('settlement on the 20th crystallises 6 days of penalty (86 250) and compound (83)', () => {
    const r = run([...shortLoan, eod('2026-01-20')]);
    const d = r.state.drawdowns[0]!;
    // Penalty: 14 375 × 6 (15th…20th) = 86 250
    expect(d.penaltyDueFen).toBe(86_250);
    // Compound: 95 833 × 6 = 574 998; × 51 750 / 3.6e8 = 82.66 → 83
    expect(d.compoundDueFen).toBe(83);
    expect(d.penaltyAcc).toEqual([]);
    expect(d.compoundAcc).toEqual([]);
    const settled = eventsOfType(r.events, 'InterestSettled').find((e) => e.date === '2026-01-20')!;
    expect(settled.data).toMatchObject({ interestFen: 0, penaltyFen: 86_333 }); // 86 250 + 83
    expect(settled.postings).toEqual([
      { account: 'PENALTY_RECEIVABLE', side: 'DR', amountFen: 86_333 },
      { account: 'PENALTY_INCOME', side: 'CR', amountFen: 86_333 },
    ]);
  });

  it('a month later (Feb 20), compound runs on the overdue interest only, not on the settled penalty', () => {
    const r = run([...shortLoan, eod('2026-02-20')]);
    const d = r.state.drawdowns[0]!;
    // Penalty: 86 250 + 31 days (Jan 21…Feb 20) × 14 375 = 86 250 + 445 625 = 531 875
    expect(d.penaltyDueFen).toBe(531_875);
    // Compound: 83 + round(95 833 × 31 × 51 750 / 3.6e8 = 427.05) = 83 + 427 = 510
    expect(d.compoundDueFen).toBe(510);
  });

  it('without compound interest, overdue interest accrues nothing', () => {
    const r = run([openCommand({}, { compoundInterest: false }), draw('2026-01-05', MILLION_YUAN, { termDays: 10 }), eod('2026-01-20')]);
    expect(r.state.drawdowns[0]!.compoundDueFen).toBe(0);
    expect(r.state.drawdowns[0]!.penaltyDueFen).toBe(86_250);
  });

  it('a 30% uplift: 34 500 × 1.3 = 44 850 ppm; 6 days (15th…20th) = 6e8 × 44 850 / 3.6e8 = 74 750', () => {
    const r = run([openCommand({}, { penaltyUpliftPct: 30 }), draw('2026-01-05', MILLION_YUAN, { termDays: 10 }), eod('2026-01-20')]);
    expect(r.state.drawdowns[0]!.penaltyRatePpm).toBe(44_850);
    expect(r.state.drawdowns[0]!.penaltyDueFen).toBe(74_750);
  });
});

describe('penalty and compound run for the days past due (逾期天数 = 还款日 − 到期日)', () => {
  // The short loan unpaid: 95 833 interest due Jan 15 (overdue from the 16th), 10^8 principal overdue from the 16th.
  it('repaid in full at DPD 11 (Jan 26): 11 days of penalty, 11 days of compound', () => {
    const state = run(shortLoan).state;
    // Penalty Jan 15…25 = 11 days × 14 375 = 158 125 (86 250 crystallised on the 20th + 5 days × 14 375 = 71 875 since);
    // compound 83 (Jan 15…20) + 95 833 × 5 × 51 750 / 3.6e8 = 68.88 → 69 (Jan 21…25) = 152
    expect(payableOnTotals(state, '2026-01-26')).toMatchObject({ PENALTY_INTEREST: 158_125, COMPOUND_INTEREST: 152, OVERDUE_INTEREST: 95_833, OVERDUE_PRINCIPAL: MILLION_YUAN });
    // 10^8 + 95 833 + 158 125 + 152
    expect(payoffOn(state, '2026-01-26')).toBe(100_254_110);
    const paid = run([repayCmd('2026-01-26', 100_254_110)], run(shortLoan));
    expect(paid.state.drawdowns).toEqual([]);
    expect(paid.state.dpdHistory).toEqual([{ from: '2026-01-16', to: '2026-01-26', maxDpd: 11 }]);
  });

  it('repaid in full at DPD 91 (Apr 16): 91 days of penalty and compound, crystallised on each 20th and the rest accrued', () => {
    const state = run(shortLoan).state;
    expect(valuationAsOf(state, '2026-04-16').daysPastDue).toBe(91); // Jan 16 + 90 days
    // Penalty Jan 15…Apr 15 = 91 days × 14 375 = 1 308 125 (a whole number of fen a day, so the parts add up exactly).
    // Compound on 95 833, one rounding per settlement: Jan 15…20 (6 days) 82.66 → 83; Jan 21…Feb 20 (31) 427.05 → 427;
    // Feb 21…Mar 20 (28) 385.72 → 386; Mar 21…Apr 15 (26) accrued 358.17 → 358: 83 + 427 + 386 + 358 = 1 254
    expect(payableOnTotals(state, '2026-04-16')).toMatchObject({ PENALTY_INTEREST: 1_308_125, COMPOUND_INTEREST: 1_254, OVERDUE_INTEREST: 95_833, OVERDUE_PRINCIPAL: MILLION_YUAN });
    // 10^8 + 95 833 + 1 308 125 + 1 254
    expect(payoffOn(state, '2026-04-16')).toBe(101_405_212);
  });

  it('a drawdown straddling the 20th: interest settled on the 20th compounds from the 21st, interest settled at maturity from M', () => {
    // 1 000 000.00 drawn Jan 15 for 10 days, maturing Jan 25.
    const r = run([open, draw('2026-01-15', MILLION_YUAN, { termDays: 10 }), eod('2026-01-25')]);
    // Settlement on the 20th: [Jan 15, Jan 21) = 6 days, 6e8 × 34 500 / 3.6e8 = 57 500, due the 21st, overdue from the 22nd;
    // at maturity: [Jan 21, Jan 25) = 4 days, 4e8 × 34 500 / 3.6e8 = 38 333.33 → 38 333, due the 25th, overdue from the 26th
    expect(r.state.drawdowns[0]!.interestItems).toEqual([
      { settledOn: '2026-01-20', overdueFrom: '2026-01-22', amountFen: 57_500 },
      { settledOn: '2026-01-24', overdueFrom: '2026-01-26', amountFen: 38_333 },
    ]);
    // Paid on Jan 26: DPD 5 (the oldest item overdue since the 22nd), the principal at DPD 1.
    // Penalty 1 day (Jan 25) = 14 375; compound (57 500 × 5 days Jan 21…25 + 38 333 × 1 day Jan 25) × 51 750 / 3.6e8
    //   = 325 833 × 51 750 / 3.6e8 = 46.84 → 47 (one rounding for the drawdown's compound)
    expect(valuationAsOf(r.state, '2026-01-26').daysPastDue).toBe(5);
    expect(payableOnTotals(r.state, '2026-01-26')).toMatchObject({ PENALTY_INTEREST: 14_375, COMPOUND_INTEREST: 47, OVERDUE_INTEREST: 95_833, OVERDUE_PRINCIPAL: MILLION_YUAN });
    // 10^8 + 57 500 + 38 333 + 14 375 + 47
    expect(payoffOn(r.state, '2026-01-26')).toBe(100_110_255);
  });

  it('with grace days, compound starts on the last day of grace: paid at DPD 1 it has run one day', () => {
    // 3 grace days: interest settled on the 20th (153 333) is due the 21st, overdue from the 25th, compounds from the 24th
    const r = run([openCommand({}, { graceDays: 3 }), draw('2026-01-05', MILLION_YUAN), eod('2026-01-20')]);
    expect(payableOnTotals(r.state, '2026-01-24').COMPOUND_INTEREST).toBe(0); // paid within grace: nothing more
    // On the 25th (DPD 1): one day, 153 333 × 51 750 / 3.6e8 = 22.04 → 22
    expect(payableOnTotals(r.state, '2026-01-25').COMPOUND_INTEREST).toBe(22);
  });
});

describe('long horizons', () => {
  it('a maximal 利随本清 loan in default, valued 34 years on, stays exact (balance × days passes 2^53)', () => {
    const max = openCommand({ limitFen: 1_000_000_000_000 }, { settlementCycle: 'WITH_PRINCIPAL' });
    const r = run([max, draw('2026-01-05', 1_000_000_000_000, { termDays: 10 })]);
    const v = valuationAsOf(r.state, '2060-01-01');
    // Interest at maturity: 10^12 × 10 days × 34 500 / 3.6e8 = 958 333 333.33 → 958 333 333, due 2026-01-15, overdue from the 16th
    // Penalty and compound days 2026-01-15…2060-01-01 = 12 405; with no periodic settlement nothing is crystallised:
    //   penalty 10^12 × 12 405 × 51 750 / 3.6e8 = 1 783 218 750 000 exactly (10^12 × 12 405 ≈ 1.24e16 > 2^53)
    //   compound 958 333 333 × 12 405 × 51 750 / 3.6e8 = 1 708 917 968.16 → 1 708 917 968
    expect(v.totals).toMatchObject({ OVERDUE_PRINCIPAL: 1_000_000_000_000, OVERDUE_INTEREST: 958_333_333, PENALTY_INTEREST: 1_783_218_750_000, COMPOUND_INTEREST: 1_708_917_968 });
    // 10^12 + 958 333 333 + 1 783 218 750 000 + 1 708 917 968
    expect(v.payoffFen).toBe(2_785_886_001_301);
    expect(v.classification).toBe('LOSS');
  });
});

describe('paying arrears: compound → penalty → overdue interest → overdue principal', () => {
  const settled = [...shortLoan, eod('2026-01-20')];

  it('100 000 fen on Jan 21 meets compound 83, penalty 86 250, and 13 667 of the overdue interest', () => {
    const r = run([...settled, repayCmd('2026-01-21', 100_000)]);
    // 100 000 − 83 − 86 250 = 13 667 left for the overdue interest of 95 833 → 82 166 stays overdue
    expect(r.results.at(-1)).toMatchObject({
      allocation: { COMPOUND_INTEREST: 83, PENALTY_INTEREST: 86_250, OVERDUE_INTEREST: 13_667, OVERDUE_PRINCIPAL: 0, INTEREST_DUE: 0, PRINCIPAL: 0, ACCRUED_INTEREST: 0 },
    });
    const d = r.state.drawdowns[0]!;
    expect(d.interestItems).toEqual([{ settledOn: '2026-01-14', overdueFrom: '2026-01-16', amountFen: 82_166 }]);
    expect(d.penaltyDueFen).toBe(0);
    expect(d.compoundDueFen).toBe(0);
    const v = valuationAsOf(r.state, '2026-01-21');
    // Compound from the 21st on the reduced base: 82 166 × 51 750 / 3.6e8 = 11.81 → 12
    expect(v.totals.COMPOUND_INTEREST).toBe(12);
    expect(v.totals.PENALTY_INTEREST).toBe(14_375);
    // Still 6 days past due (the principal and the rest of the interest are overdue since the 16th)
    expect(v.daysPastDue).toBe(6);
    expect(v.classification).toBe('SPECIAL_MENTION');
  });

  it('paying the principal down to 5 × 10^7 halves the penalty base: 7 187.5 → 7 188 a day', () => {
    // 83 + 86 250 + 95 833 + 50 000 000 = 50 182 166
    const r = run([...settled, repayCmd('2026-01-21', 50_182_166)]);
    expect(r.results.at(-1)).toMatchObject({ allocation: { COMPOUND_INTEREST: 83, PENALTY_INTEREST: 86_250, OVERDUE_INTEREST: 95_833, OVERDUE_PRINCIPAL: 50_000_000 } });
    const v1 = valuationAsOf(r.state, '2026-01-21');
    // 5e7 × 51 750 / 3.6e8 = 7 187.5: a tie, half-up → 7 188; no overdue interest left, so no compound
    expect(v1.totals).toMatchObject({ PENALTY_INTEREST: 7_188, COMPOUND_INTEREST: 0, OVERDUE_PRINCIPAL: 50_000_000 });
    // Two days: 14 375 exactly
    expect(valuationAsOf(r.state, '2026-01-22').totals.PENALTY_INTEREST).toBe(14_375);
  });

  it('the payoff taken from valuation as of the 21st clears everything on the 22nd; the episode closes at DPD 7', () => {
    const partly = run([...settled, repayCmd('2026-01-21', 100_000)]);
    // Through Jan 21: compound 12 + penalty 14 375 + overdue interest 82 166 + principal 10^8 = 100 096 553
    const payoff = valuationAsOf(partly.state, '2026-01-21').payoffFen;
    expect(payoff).toBe(100_096_553);
    expectDomainError(() => run([repayCmd('2026-01-22', payoff + 1)], partly), 'overpayment');
    const r = run([repayCmd('2026-01-22', payoff)], partly);
    expect(r.state.drawdowns).toEqual([]);
    expect(r.state.classification).toBe('NORMAL');
    expect(eventsOfType(r.events, 'ClassificationChanged').at(-1)!.data).toEqual({ from: 'SPECIAL_MENTION', to: 'NORMAL', reason: 'arrears paid' });
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
    ['2026-07-15', 181, 'SUBSTANDARD'], // Jan 16 + 180: DOUBTFUL only after 270 days (2023 rule)
    ['2026-10-12', 270, 'SUBSTANDARD'], // Jan 16 + 269
    ['2026-10-13', 271, 'DOUBTFUL'],
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
      ['2026-01-15', { from: 'NORMAL', to: 'SPECIAL_MENTION', reason: 'DPD 1' }],
      ['2026-04-15', { from: 'SPECIAL_MENTION', to: 'SUBSTANDARD', reason: 'DPD 91' }],
      ['2026-10-12', { from: 'SUBSTANDARD', to: 'DOUBTFUL', reason: 'DPD 271' }],
      ['2027-01-10', { from: 'DOUBTFUL', to: 'LOSS', reason: 'DPD 361' }],
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
    // Paying the overdue interest (153 333) and its compound since the 21st (its 付息日):
    // 153 333 × 51 750 / 3.6e8 = 22.04 → 22, so 153 355 lifts the block the same day
    expectDomainError(() => run([repayCmd('2026-01-22', 153_333), draw('2026-01-22', 100_00)], r), 'facility-in-arrears');
    expect(run([repayCmd('2026-01-22', 153_355), draw('2026-01-22', 100_00)], r).state.drawdowns).toHaveLength(2);
  });
});

describe('no instant cure: a non-performing facility is observed before it moves up', () => {
  // The short loan unpaid: DPD 200 on 2026-08-03 (Jan 16 + 199 days), SUBSTANDARD (91–270).
  const unpaid = run(shortLoan);
  const cured = run([repayCmd('2026-08-03', payoffOn(unpaid.state, '2026-08-03'))], unpaid);

  it('paying every arrear at DPD 200 leaves it SUBSTANDARD and starts six months of observation', () => {
    expect(valuationAsOf(unpaid.state, '2026-08-03')).toMatchObject({ daysPastDue: 200, classification: 'SUBSTANDARD' });
    expect(cured.state.classification).toBe('SUBSTANDARD');
    // The longer of two monthly settlement periods (2 months) and six months: 2026-08-03 + 6 months
    expect(cured.state.cureObservation).toEqual({ startedOn: '2026-08-03', endsOn: '2027-02-03' });
    expect(eventsOfType(cured.events, 'CureObservationStarted').map((e) => e.data)).toEqual([
      { startedOn: '2026-08-03', endsOn: '2027-02-03', classification: 'SUBSTANDARD' },
    ]);
    expect(eventsOfType(cured.events, 'ClassificationChanged').filter((e) => e.date >= '2026-08-03')).toEqual([]);
  });

  it('the next day and the last day of observation it is still SUBSTANDARD; NORMAL from 2027-02-03', () => {
    expect(valuationAsOf(cured.state, '2026-08-04')).toMatchObject({ daysPastDue: 0, classification: 'SUBSTANDARD' });
    expect(valuationAsOf(cured.state, '2027-02-02').classification).toBe('SUBSTANDARD');
    const after = advance(cured.state, '2027-02-03');
    expect(after.state.classification).toBe('NORMAL');
    expect(after.state.cureObservation).toBeNull();
    expect(eventsOfType(after.events, 'ClassificationChanged').map((e) => [e.date, e.data])).toEqual([
      ['2027-02-02', { from: 'SUBSTANDARD', to: 'NORMAL', reason: 'observation ended' }],
    ]);
  });

  it('a SUBSTANDARD line under observation cannot draw, though its arrears are paid (facility-non-performing)', () => {
    // Still non-accrual too: since DPD 91 (Jan 16 + 90 days = Apr 16), until the observation ends
    const error = expectDomainError(() => run([draw('2026-08-10', 100_000_00, { termDays: 60 })], cured), 'facility-non-performing');
    expect(error.details).toMatchObject({ classification: 'SUBSTANDARD', nonAccrualSince: '2026-04-16', cureObservationEndsOn: '2027-02-03' });
  });

  it('new arrears during observation restart it: a second loan’s interest settled Aug 20 unpaid on the 22nd, paid on the 25th', () => {
    // Beside the short loan, 100 000.00 drawn the same day for 300 days (matures 2026-11-01), interest
    // settled monthly. On Aug 3 (DPD 200) only the arrears are paid: the short loan whole and the long
    // loan's overdue interest with its compound; its principal and the interest since Jul 21 stay.
    const both = run([open, draw('2026-01-05', MILLION_YUAN, { termDays: 10 }), draw('2026-01-05', 100_000_00, { termDays: 300 })]);
    const owed = payableOnTotals(both.state, '2026-08-03');
    const arrears = owed.COMPOUND_INTEREST + owed.PENALTY_INTEREST + owed.OVERDUE_INTEREST + owed.OVERDUE_PRINCIPAL;
    const paid = run([repayCmd('2026-08-03', arrears)], both);
    expect(paid.state.cureObservation).toEqual({ startedOn: '2026-08-03', endsOn: '2027-02-03' });
    // The long loan: 1e7 fen × 31 days (Jul 21…Aug 20) × 34 500 / 3.6e8 = 29 708.33 → 29 708, settled Aug 20,
    // due Aug 21, overdue from Aug 22 (DPD 1 on the opening of the 22nd, so the event is dated Aug 21)
    const late = run([eod('2026-08-24')], paid);
    expect(eventsOfType(late.events, 'InterestSettled').filter((e) => e.date === '2026-08-20').map((e) => e.data.interestFen)).toEqual([29_708]);
    expect(eventsOfType(late.events, 'CureObservationInterrupted').map((e) => [e.date, e.data])).toEqual([
      ['2026-08-21', { startedOn: '2026-08-03', daysPastDue: 1 }],
    ]);
    expect(late.state).toMatchObject({ classification: 'SUBSTANDARD', cureObservation: null });
    const due = payableOnTotals(late.state, '2026-08-25');
    const repaid = run([repayCmd('2026-08-25', due.OVERDUE_INTEREST + due.COMPOUND_INTEREST)], late);
    expect(valuationAsOf(repaid.state, '2026-08-25').daysPastDue).toBe(0);
    // A fresh six months from the day the new arrears were paid
    expect(repaid.state.cureObservation).toEqual({ startedOn: '2026-08-25', endsOn: '2027-02-25' });
    expect(valuationAsOf(repaid.state, '2027-02-03').classification).toBe('SUBSTANDARD');
  });

  it('SPECIAL_MENTION, by contrast, returns to NORMAL the day its arrears are paid (our policy choice)', () => {
    const late = run([repayCmd('2026-01-26', payoffOn(unpaid.state, '2026-01-26'))], unpaid);
    expect(late.state.classification).toBe('NORMAL');
    expect(late.state.cureObservation).toBeNull();
  });
});
