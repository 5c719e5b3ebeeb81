/**
 * Interest on a revolving line, hand-computed. Unless a case says otherwise: the standard line of
 * support.ts, LPR 3.00% + 45 bp = 34 500 ppm, ACT/360, monthly settlement on the 20th, half-up.
 * One day of 1 000 000.00 yuan (10^8 fen) at 34 500 ppm / 360 = 9 583.33… fen.
 */
import { describe, expect, it } from 'vitest';
import { valuationAsOf } from '#domain/valuation.ts';
import { MILLION_YUAN, draw, eod, eventsOfType, openCommand, payoffOn, repayCmd, run } from './support.ts';

const open = openCommand();

describe('docs/lending-rules.md worked examples', () => {
  it('1 000 000.00 drawn 2026-01-05, settled 2026-01-20: 16 days, 153 333 fen', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN)]);
    // 10^8 × 15 days (5th…19th) = 1.5e9; × 34 500 / 3.6e8 = 143 750 exactly
    expect(valuationAsOf(r.state, '2026-01-19').totals.ACCRUED_INTEREST).toBe(143_750);
    // 10^8 × 16 = 1.6e9; × 34 500 / 3.6e8 = 153 333.33… → 153 333
    expect(valuationAsOf(r.state, '2026-01-20').totals.ACCRUED_INTEREST).toBe(153_333);

    const settled = run([eod('2026-01-20')], r);
    expect(settled.state.businessDate).toBe('2026-01-21');
    // Settled on the 20th, due the 21st, overdue from the 22nd (20 + 2 + 0 grace days)
    expect(settled.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-01-20', overdueFrom: '2026-01-22', amountFen: 153_333 }]);
    const [event] = eventsOfType(settled.events, 'InterestSettled');
    expect(event!.date).toBe('2026-01-20');
    expect(event!.data).toMatchObject({ interestFen: 153_333, penaltyFen: 0 });
    expect(event!.postings).toEqual([
      { account: 'INTEREST_RECEIVABLE', side: 'DR', amountFen: 153_333 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 153_333 },
    ]);
  });

  it('same, with 400 000.00 repaid 2026-01-12: 7 × 10^8 + 9 × 6 × 10^7 = 1.24e9 → 118 833 fen', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), repayCmd('2026-01-12', 400_000_00)]);
    // The repayment day counts at the new balance: 5th…11th at 10^8 (7 days), 12th at 6 × 10^7
    // 7e8 + 6e7 = 7.6e8; × 34 500 / 3.6e8 = 72 833.33… → 72 833
    expect(valuationAsOf(r.state, '2026-01-12').totals.ACCRUED_INTEREST).toBe(72_833);
    const v = valuationAsOf(r.state, '2026-01-20');
    expect(v.principalOutstandingFen).toBe(600_000_00);
    // 1.24e9 × 34 500 / 3.6e8 = 118 833.33… → 118 833
    expect(v.totals.ACCRUED_INTEREST).toBe(118_833);
    expect(run([eod('2026-01-20')], r).state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(118_833);
  });
});

describe('算头不算尾: the first day counts, the last does not', () => {
  it('drawn on the 1st, repaid on the 11th: 10 days', () => {
    const r = run([open, draw('2026-02-01', MILLION_YUAN), repayCmd('2026-02-11', MILLION_YUAN)]);
    // Principal comes before accrued interest, so the payment of exactly the principal clears it.
    expect(r.state.drawdowns[0]!.principalFen).toBe(0);
    // 10^8 × 10 days = 1e9; × 34 500 / 3.6e8 = 95 833.33… → 95 833, and no more after the 11th
    expect(valuationAsOf(r.state, '2026-02-11').totals.ACCRUED_INTEREST).toBe(95_833);
    expect(valuationAsOf(r.state, '2026-02-20').totals.ACCRUED_INTEREST).toBe(95_833);
    expect(run([eod('2026-02-20')], r).state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-02-20', overdueFrom: '2026-02-22', amountFen: 95_833 }]);
  });

  it('drawn and fully repaid the same day: no interest, nothing left, the line can close', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), repayCmd('2026-01-05', MILLION_YUAN)]);
    expect(r.state.drawdowns).toEqual([]); // nothing owed: the drawdown leaves the state
    const v = valuationAsOf(r.state, '2026-01-20');
    expect(v.payoffFen).toBe(0);
    expect(v.availableFen).toBe(2_000_000_00);
    expect(eventsOfType(run([eod('2026-01-20')], r).events, 'InterestSettled')).toEqual([]);
    expect(run([{ type: 'Close', date: '2026-01-05' }], r).state.status).toBe('CLOSED');
  });

  it('drawn on the settlement day itself: that day is settled the same evening (1 day, 9 583 fen)', () => {
    const r = run([open, draw('2026-01-20', MILLION_YUAN), eod('2026-01-20')]);
    // 10^8 × 1 × 34 500 / 3.6e8 = 9 583.33… → 9 583
    expect(r.state.drawdowns[0]!.interestItems[0]).toEqual({ settledOn: '2026-01-20', overdueFrom: '2026-01-22', amountFen: 9_583 });
  });

  it('drawn the day after settlement: the first settlement is a month later (21st…20th = 31 days)', () => {
    const r = run([open, draw('2026-01-21', MILLION_YUAN), eod('2026-01-31')]);
    expect(eventsOfType(r.events, 'InterestSettled')).toEqual([]);
    // Jan 21…Feb 20: 11 + 20 = 31 days; 3.1e9 × 34 500 / 3.6e8 = 297 083.33… → 297 083
    expect(valuationAsOf(r.state, '2026-02-20').totals.ACCRUED_INTEREST).toBe(297_083);
  });

  it('a repayment on the settlement day changes that day’s balance: 15 × 10^8 + 1 × 6 × 10^7', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), repayCmd('2026-01-20', 400_000_00), eod('2026-01-20')]);
    // 1.5e9 + 6e7 = 1.56e9; × 34 500 / 3.6e8 = 149 500 exactly
    expect(r.state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(149_500);
  });
});

describe('settlement periods run from the 21st through the 20th', () => {
  it('the second period, after the first interest was paid on its due day: 31 days', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN), eod('2026-01-20'), repayCmd('2026-01-21', 153_333)]);
    // The whole payment meets the interest due (it comes before principal)
    expect(r.state.drawdowns[0]!.interestItems).toEqual([]);
    expect(r.state.drawdowns[0]!.principalFen).toBe(MILLION_YUAN);
    // Jan 21…Feb 20 = 31 days → 297 083 (as above)
    expect(valuationAsOf(r.state, '2026-02-20').totals).toMatchObject({ ACCRUED_INTEREST: 297_083, INTEREST_DUE: 0, OVERDUE_INTEREST: 0, COMPOUND_INTEREST: 0 });
  });

  it('month end: drawn 2026-01-31, settled 2026-02-20 after 21 days (1 + 20)', () => {
    const r = run([open, draw('2026-01-31', MILLION_YUAN), eod('2026-02-20')]);
    // 2.1e9 × 34 500 / 3.6e8 = 201 250 exactly
    expect(r.state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(201_250);
  });

  it('February 2026 (28 days) against the leap February 2028 (29 days)', () => {
    const y2026 = run([open, draw('2026-02-21', MILLION_YUAN), eod('2026-03-20')]);
    // Feb 21…28 = 8, Mar 1…20 = 20: 28 days; 2.8e9 × 34 500 / 3.6e8 = 268 333.33… → 268 333
    expect(y2026.state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(268_333);
    const open2028 = openCommand({ date: '2028-01-01', effectiveDate: '2028-01-01', maturityDate: '2028-12-31' });
    const y2028 = run([open2028, draw('2028-02-21', MILLION_YUAN), eod('2028-03-20')]);
    // Feb 21…29 = 9, Mar 1…20 = 20: 29 days; 2.9e9 × 34 500 / 3.6e8 = 277 916.67 → 277 917
    expect(y2028.state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(277_917);
  });

  it('drawn on the leap day 2028-02-29: two days by 2028-03-01', () => {
    const open2028 = openCommand({ date: '2028-01-01', effectiveDate: '2028-01-01', maturityDate: '2028-12-31' });
    const r = run([open2028, draw('2028-02-29', MILLION_YUAN)]);
    expect(r.state.drawdowns[0]!.drawnDate).toBe('2028-02-29');
    // Feb 29 and Mar 1: 2e8 × 34 500 / 3.6e8 = 19 166.67 → 19 167
    expect(valuationAsOf(r.state, '2028-03-01').totals.ACCRUED_INTEREST).toBe(19_167);
  });

  it('across the year end: settled 2026-12-20, then 2026-12-21…2027-01-20 (31 days)', () => {
    const twoYears = openCommand({ maturityDate: '2027-12-31' });
    const r = run([twoYears, draw('2026-12-10', MILLION_YUAN), eod('2026-12-20')]);
    // Dec 10…20 = 11 days: 1.1e9 × 34 500 / 3.6e8 = 105 416.67 → 105 417
    expect(r.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-12-20', overdueFrom: '2026-12-22', amountFen: 105_417 }]);
    const paid = run([repayCmd('2026-12-21', 105_417)], r);
    // Dec 21…31 = 11, Jan 1…20 = 20: 31 days → 297 083
    expect(valuationAsOf(paid.state, '2027-01-20').totals.ACCRUED_INTEREST).toBe(297_083);
    const next = run([eod('2027-01-20')], paid);
    expect(next.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2027-01-20', overdueFrom: '2027-01-22', amountFen: 297_083 }]);
    // Nothing was settled in between (no settlement on 2026-12-31 or 2027-01-01)
    expect(eventsOfType(next.events, 'InterestSettled').map((e) => e.date)).toEqual(['2026-12-20', '2027-01-20']);
  });
});

describe('each drawdown has its own rate and its own rounding', () => {
  it('two drawdowns at different LPRs: separate buckets, separate items', () => {
    const r = run([open, draw('2026-01-05', MILLION_YUAN, { lprPpm: 30_000 }), draw('2026-01-10', 500_000_00, { lprPpm: 31_000 }), eod('2026-01-20')]);
    const [d1, d2] = r.state.drawdowns;
    expect(d1!.ratePpm).toBe(34_500); // 3.00% + 0.45%
    expect(d2!.ratePpm).toBe(35_500); // 3.10% + 0.45%
    expect(d2!.penaltyRatePpm).toBe(53_250); // 35 500 × 1.5
    // d1: 16 days → 153 333 (worked example 1)
    expect(d1!.interestItems[0]!.amountFen).toBe(153_333);
    // d2: Jan 10…20 = 11 days; 5e7 × 11 = 5.5e8; × 35 500 / 3.6e8 = 54 236.11 → 54 236
    expect(d2!.interestItems[0]!.amountFen).toBe(54_236);
    expect(eventsOfType(r.events, 'InterestSettled')[0]!.data).toMatchObject({ interestFen: 207_569 }); // 153 333 + 54 236
  });

  it('rounding is once per drawdown: two drawdowns worth 1.3 fen each settle 1 + 1, not round(2.6) = 3', () => {
    const zeroSpread = openCommand({ pricing: { spreadBp: 0, floorPpm: 0 } });
    const r = run([zeroSpread, draw('2026-01-20', 130_00, { lprPpm: 36_000 }), draw('2026-01-20', 130_00, { lprPpm: 36_000 }), eod('2026-01-20')]);
    // 13 000 fen × 1 day × 36 000 / 3.6e8 = 1.3 → 1 for each drawdown
    expect(r.state.drawdowns.map((d) => d.interestItems[0]!.amountFen)).toEqual([1, 1]);
    expect(eventsOfType(r.events, 'InterestSettled')[0]!.data).toMatchObject({ interestFen: 2 });
  });

  it('the floor: LPR 2.00% − 50 bp = 1.50% is lifted to the 2.80% floor', () => {
    const floored = openCommand({ pricing: { spreadBp: -50, floorPpm: 28_000 } });
    const r = run([floored, draw('2026-01-05', MILLION_YUAN, { lprPpm: 20_000 })]);
    expect(r.results[1]).toMatchObject({ ratePpm: 28_000 });
    // 1.6e9 × 28 000 / 3.6e8 = 124 444.44 → 124 444
    expect(valuationAsOf(r.state, '2026-01-20').totals.ACCRUED_INTEREST).toBe(124_444);
  });
  it('a rate change mid-period (floating rate repriced on 1 January): two buckets, still one rounding', () => {
    const floating = openCommand({ maturityDate: '2027-12-31' }, { rateType: 'FLOATING', repricing: 'JANUARY_FIRST' });
    const lpr = [
      { date: '2026-11-20', oneYearPpm: 30_000 },
      { date: '2026-12-22', oneYearPpm: 29_000 }, // in force on 2027-01-01: 2.90% + 0.45% = 3.35%
    ];
    const r = run([floating, draw('2026-12-10', 10_200_00), eod('2026-12-20')]);
    // Dec 10…20 = 11 days: 1 020 000 × 11 × 34 500 / 3.6e8 = 1 075.25 → 1 075
    expect(r.state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(1_075);
    const next = run([repayCmd('2026-12-21', 1_075), { type: 'EndOfDay', date: '2027-01-20', lpr }], r);
    expect(eventsOfType(next.events, 'Repriced').map((e) => [e.date, e.data])).toEqual([
      ['2026-12-31', { drawdownId: 'F1-D0001', fromPpm: 34_500, toPpm: 33_500, lprPpm: 29_000, effectiveDate: '2027-01-01' }],
    ]);
    // Dec 21…31 = 11 days at 34 500: 1 020 000 × 11 × 34 500 / 3.6e8 = 1 075.25
    // Jan 1…20 = 20 days at 33 500: 1 020 000 × 20 × 33 500 / 3.6e8 = 1 898.33…
    // One rounding: 2 973.58… → 2 974 (rounding each bucket would give 1 075 + 1 898 = 2 973)
    expect(next.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2027-01-20', overdueFrom: '2027-01-22', amountFen: 2_974 }]);
    expect(next.state.drawdowns[0]!.penaltyRatePpm).toBe(50_250); // 33 500 × 1.5
  });
});

describe('day count and rounding options', () => {
  it('ACT/365: worked example 1 is 1.6e9 × 34 500 / 3.65e8 = 151 232.88 → 151 233 fen', () => {
    const r = run([openCommand({}, { dayCount: 'ACT_365' }), draw('2026-01-05', MILLION_YUAN), eod('2026-01-20')]);
    expect(r.state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(151_233);
  });

  it.each([
    // amount (fen), LPR, day count, rounding, expected interest for 2 days (19th and 20th)
    [125_00, 36_000, 'ACT_360', 'HALF_UP', 3], // 25 000 × 36 000 / 3.6e8 = 2.5 → 3
    [125_00, 36_000, 'ACT_360', 'HALF_EVEN', 2], // 2.5 → 2 (even)
    [175_00, 36_000, 'ACT_360', 'HALF_UP', 4], // 35 000 → 3.5 → 4
    [175_00, 36_000, 'ACT_360', 'HALF_EVEN', 4], // 3.5 → 4 (even)
    [130_00, 36_000, 'ACT_360', 'HALF_EVEN', 3], // 26 000 → 2.6 → 3: not a tie
    [125_00, 36_500, 'ACT_365', 'HALF_UP', 3], // 25 000 × 36 500 / 3.65e8 = 2.5 → 3
    [125_00, 36_500, 'ACT_365', 'HALF_EVEN', 2], // 2.5 → 2
  ] as const)('%i fen at LPR %i ppm, %s, %s → %i fen', (amount, lpr, dayCount, rounding, expected) => {
    const r = run([openCommand({ pricing: { spreadBp: 0, floorPpm: 0 } }, { dayCount, rounding }), draw('2026-01-19', amount, { lprPpm: lpr }), eod('2026-01-20')]);
    expect(r.state.drawdowns[0]!.interestItems[0]!.amountFen).toBe(expected);
  });
});

describe('settlement cycles', () => {
  it('quarterly: nothing on 20 Jan or 20 Feb; 75 days settled on 20 Mar', () => {
    const r = run([openCommand({}, { settlementCycle: 'QUARTERLY' }), draw('2026-01-05', MILLION_YUAN), eod('2026-02-28')]);
    expect(eventsOfType(r.events, 'InterestSettled')).toEqual([]);
    expect(r.state.drawdowns[0]!.interestItems).toEqual([]);
    // Jan 5…31 = 27, Feb = 28, Mar 1…20 = 20: 75 days; 7.5e9 × 34 500 / 3.6e8 = 718 750 exactly
    expect(valuationAsOf(r.state, '2026-03-20').totals.ACCRUED_INTEREST).toBe(718_750);
    const q = run([eod('2026-03-20')], r);
    expect(q.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-03-20', overdueFrom: '2026-03-22', amountFen: 718_750 }]);
  });

  it('with principal (利随本清): nothing settles before the eve of maturity; paid off on maturity day with 90 days’ interest', () => {
    const r = run([openCommand({}, { settlementCycle: 'WITH_PRINCIPAL' }), draw('2026-01-05', MILLION_YUAN, { termDays: 90 }), eod('2026-04-03')]);
    expect(r.state.drawdowns[0]!.maturityDate).toBe('2026-04-05'); // Jan 5 + 90 days
    expect(eventsOfType(r.events, 'InterestSettled')).toEqual([]);
    // Interest [Jan 5, Apr 5) = 90 days; 9e9 × 34 500 / 3.6e8 = 862 500 exactly, settled the evening of Apr 4, due on Apr 5
    expect(payoffOn(r.state, '2026-04-05')).toBe(MILLION_YUAN + 862_500);
    const paid = run([repayCmd('2026-04-05', MILLION_YUAN + 862_500)], r);
    expect(paid.state.drawdowns).toEqual([]);
    expect(paid.results.at(-1)).toMatchObject({ allocation: { PRINCIPAL: MILLION_YUAN, INTEREST_DUE: 862_500, PENALTY_INTEREST: 0 } });
  });

  it('with principal, unpaid at maturity: 90 days’ interest (the maturity day does not count), overdue from the next day', () => {
    const r = run([openCommand({}, { settlementCycle: 'WITH_PRINCIPAL' }), draw('2026-01-05', MILLION_YUAN, { termDays: 90 }), eod('2026-04-05')]);
    const d = r.state.drawdowns[0]!;
    // 9e9 × 34 500 / 3.6e8 = 862 500, settled the evening of Apr 4; the principal accrues penalty from Apr 5
    expect(d.interestItems).toEqual([{ settledOn: '2026-04-04', overdueFrom: '2026-04-06', amountFen: 862_500 }]);
    expect(d.status).toBe('OVERDUE');
    expect(d.overdueSince).toBe('2026-04-06');
    expect(valuationAsOf(r.state, '2026-04-06').daysPastDue).toBe(1);
  });

  it('grace days: with 3 grace days interest settled on the 20th is overdue from the 25th', () => {
    const r = run([openCommand({}, { graceDays: 3 }), draw('2026-01-05', MILLION_YUAN), eod('2026-01-20')]);
    expect(r.state.drawdowns[0]!.interestItems[0]!.overdueFrom).toBe('2026-01-25'); // 20 + 2 + 3
    const on24 = valuationAsOf(r.state, '2026-01-24');
    expect(on24.daysPastDue).toBe(0);
    expect(on24.totals.INTEREST_DUE).toBe(153_333);
    const on25 = valuationAsOf(r.state, '2026-01-25');
    expect(on25.daysPastDue).toBe(1);
    expect(on25.totals.OVERDUE_INTEREST).toBe(153_333);
    expect(on25.classification).toBe('SPECIAL_MENTION');
  });
});
