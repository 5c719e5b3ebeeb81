/**
 * Non-accrual (表外) from DPD 91, hand-computed: the interest receivable reversed to the memo account on the
 * day it starts, what it goes on accruing booked there, payments turning it into income, and the return to
 * accrual with the cure.
 *
 * The short loan of facility-overdue.test.ts: 1 000 000.00 drawn 2026-01-05 for 10 days at 34 500 ppm
 * (penalty 51 750 ppm: 14 375 fen a day on 10^8 fen), unpaid from maturity 2026-01-15. Interest [Jan 5, Jan 15)
 * = 95 833, settled the evening of Jan 14, overdue from Jan 16 (DPD 1), so DPD 91 is 2026-04-16.
 * Compound on 95 833 at 51 750 ppm: 95 833 × 51 750 / 3.6e8 = 13.776 fen a day, rounded per settlement.
 */
import { describe, expect, it } from 'vitest';
import { balances } from '#domain/postings.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import type { DomainEvent } from '#domain/state.ts';
import { MILLION_YUAN, draw, eod, eventsOfType, openCommand, payableOn, payoffOn, repayCmd, run } from './support.ts';

const shortLoan = [openCommand(), draw('2026-01-05', MILLION_YUAN, { termDays: 10 })];

function books(events: readonly DomainEvent[]) {
  return balances(events.flatMap((e) => e.postings));
}

describe('non-accrual from DPD 91: the receivable goes off balance sheet', () => {
  const before = run([...shortLoan, eod('2026-04-14')]);
  const turned = run([eod('2026-04-15')], before);

  it('on 2026-04-15 (DPD 90) the facility still accrues; its receivables are on balance sheet', () => {
    expect(before.state.nonAccrualSince).toBeNull();
    // Interest 95 833. Penalty settled Jan 20 (6 days: 86 250), Feb 20 (31 days: 445 625), Mar 20 (28 days:
    // 402 500) = 934 375; compound 83 (6 days: 82.66) + 427 (31 days: 427.06) + 386 (28 days: 385.73) = 896.
    // Booked at the Mar 31 month end, not yet settled: penalty 11 days (Mar 21…31) × 14 375 = 158 125,
    // compound round(11 × 13.776 = 151.54) = 152. Penalty receivable 934 375 + 896 + 158 125 + 152 = 1 093 548
    expect(books(before.events)).toMatchObject({
      INTEREST_RECEIVABLE: 95_833,
      PENALTY_RECEIVABLE: 1_093_548,
      INTEREST_INCOME: -95_833,
      PENALTY_INCOME: -1_093_548,
      OFF_BALANCE_INTEREST: 0,
    });
  });

  it('at the end of 2026-04-15 it turns SUBSTANDARD and non-accrual: the 1 189 381 receivable is reversed to the memo account', () => {
    expect(turned.state.nonAccrualSince).toBe('2026-04-16');
    const started = eventsOfType(turned.events, 'NonAccrualStarted');
    expect(started.map((e) => [e.date, e.data])).toEqual([
      ['2026-04-15', { since: '2026-04-16', daysPastDue: 91, reason: 'DPD 91', interestReversedFen: 95_833, penaltyReversedFen: 1_093_548 }],
    ]);
    // 95 833 + 1 093 548 = 1 189 381 (the month-end booking included): out of income and receivable, into the memo pair
    expect(started[0]!.postings).toEqual([
      { account: 'INTEREST_INCOME', side: 'DR', amountFen: 95_833 },
      { account: 'INTEREST_RECEIVABLE', side: 'CR', amountFen: 95_833 },
      { account: 'PENALTY_INCOME', side: 'DR', amountFen: 1_093_548 },
      { account: 'PENALTY_RECEIVABLE', side: 'CR', amountFen: 1_093_548 },
      { account: 'OFF_BALANCE_INTEREST', side: 'DR', amountFen: 1_189_381 },
      { account: 'OFF_BALANCE_INTEREST_CONTRA', side: 'CR', amountFen: 1_189_381 },
    ]);
    // The class change comes first, the same evening
    expect(turned.events.filter((e) => e.date === '2026-04-15').map((e) => e.type)).toEqual(['ClassificationChanged', 'NonAccrualStarted']);
    expect(books(turned.events)).toMatchObject({ INTEREST_RECEIVABLE: 0, PENALTY_RECEIVABLE: 0, INTEREST_INCOME: 0, PENALTY_INCOME: 0, OFF_BALANCE_INTEREST: 1_189_381 });
  });

  it('what it owes is unchanged: the payoff is the same whether the interest is on or off balance sheet', () => {
    // Principal 10^8 + interest 95 833 + penalty 934 375 + 27 days (Mar 21…Apr 16) × 14 375 = 388 125
    // + compound 896 + round(95 833 × 27 × 51 750 / 3.6e8 = 371.95) = 372
    expect(payoffOn(turned.state, '2026-04-17')).toBe(100_000_000 + 95_833 + 934_375 + 388_125 + 896 + 372);
  });

  it('the settlement of 2026-04-20 books the rest of the period’s penalty and compound (287 775) to the memo account, not to income', () => {
    const settled = run([eod('2026-04-20')], turned);
    const event = eventsOfType(settled.events, 'InterestSettled').find((e) => e.date === '2026-04-20')!;
    // Penalty 31 days (Mar 21…Apr 20) × 14 375 = 445 625; compound round(95 833 × 31 × 51 750 / 3.6e8 = 427.06) = 427:
    // 446 052 settled, of which the Mar 31 month end booked 158 125 + 152; the rest 287 500 + 275 = 287 775
    expect(event.data).toMatchObject({ interestFen: 0, penaltyFen: 446_052 });
    expect(event.postings).toEqual([
      { account: 'OFF_BALANCE_INTEREST', side: 'DR', amountFen: 287_775 },
      { account: 'OFF_BALANCE_INTEREST_CONTRA', side: 'CR', amountFen: 287_775 },
    ]);
    // 1 189 381 + 287 775 = 1 477 156: every fen owed in interest, penalty and compound
    expect(books(settled.events)).toMatchObject({ PENALTY_INCOME: 0, OFF_BALANCE_INTEREST: 1_477_156 });
  });

  it('paid in full on 2026-04-21: the memo is reversed and the 1 477 156 of interest is income when received', () => {
    const settled = run([eod('2026-04-20')], turned);
    // Compound 896 + 427 = 1 323; penalty 934 375 + 445 625 = 1 380 000; interest 95 833; principal 10^8;
    // nothing accrued since (the payment day does not count)
    expect(payableOn(settled.state, '2026-04-21')).toMatchObject({ COMPOUND_INTEREST: 1_323, PENALTY_INTEREST: 1_380_000, OVERDUE_INTEREST: 95_833, OVERDUE_PRINCIPAL: MILLION_YUAN });
    const paid = run([repayCmd('2026-04-21', 101_477_156)], settled);
    const repayment = eventsOfType(paid.events, 'RepaymentApplied').at(-1)!;
    expect(repayment.postings).toEqual([
      { account: 'OFF_BALANCE_INTEREST_CONTRA', side: 'DR', amountFen: 1_323 },
      { account: 'OFF_BALANCE_INTEREST', side: 'CR', amountFen: 1_323 },
      { account: 'BORROWER_SETTLEMENT', side: 'DR', amountFen: 1_323 },
      { account: 'PENALTY_INCOME', side: 'CR', amountFen: 1_323 },
      { account: 'OFF_BALANCE_INTEREST_CONTRA', side: 'DR', amountFen: 1_380_000 },
      { account: 'OFF_BALANCE_INTEREST', side: 'CR', amountFen: 1_380_000 },
      { account: 'BORROWER_SETTLEMENT', side: 'DR', amountFen: 1_380_000 },
      { account: 'PENALTY_INCOME', side: 'CR', amountFen: 1_380_000 },
      { account: 'OFF_BALANCE_INTEREST_CONTRA', side: 'DR', amountFen: 95_833 },
      { account: 'OFF_BALANCE_INTEREST', side: 'CR', amountFen: 95_833 },
      { account: 'BORROWER_SETTLEMENT', side: 'DR', amountFen: 95_833 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 95_833 },
      { account: 'BORROWER_SETTLEMENT', side: 'DR', amountFen: MILLION_YUAN },
      { account: 'LOAN_PRINCIPAL', side: 'CR', amountFen: MILLION_YUAN },
    ]);
    // Over the loan's life the income is what was received: 95 833 of interest, 1 381 323 of penalty and compound
    expect(books(paid.events)).toMatchObject({
      LOAN_PRINCIPAL: 0,
      INTEREST_RECEIVABLE: 0,
      PENALTY_RECEIVABLE: 0,
      OFF_BALANCE_INTEREST: 0,
      OFF_BALANCE_INTEREST_CONTRA: 0,
      INTEREST_INCOME: -95_833,
      PENALTY_INCOME: -1_381_323,
    });
    // Paid, it stays non-accrual and SUBSTANDARD through the observation (6 months: Apr 21 → Oct 21)
    expect(paid.state).toMatchObject({ classification: 'SUBSTANDARD', nonAccrualSince: '2026-04-16', cureObservation: { startedOn: '2026-04-21', endsOn: '2026-10-21' } });
    const cured = run([eod('2026-10-20')], paid);
    expect(cured.state).toMatchObject({ classification: 'NORMAL', nonAccrualSince: null });
    expect(eventsOfType(cured.events, 'NonAccrualEnded').map((e) => [e.date, e.data])).toEqual([
      ['2026-10-20', { since: '2026-04-16', endedOn: '2026-10-21', reason: 'observation ended', interestRestoredFen: 0, penaltyRestoredFen: 0 }],
    ]);
  });

  it('the facility view’s valuation reports it: non-accrual since 2026-04-16 and 1 189 381 off balance sheet', () => {
    const v = valuationAsOf(turned.state, '2026-04-16');
    expect(v).toMatchObject({ nonAccrualSince: '2026-04-16', offBalanceInterestFen: 1_189_381 });
    expect(valuationAsOf(before.state, '2026-04-15')).toMatchObject({ nonAccrualSince: null, offBalanceInterestFen: 0 });
  });
});

describe('back to accrual with the cure: interest still owed returns to the balance sheet', () => {
  // Beside the short loan, 100 000.00 drawn the same day for 300 days (matures 2026-11-01). A two-month
  // observation (cureMinMonths 2; two monthly periods are two months too). On 2026-07-21 (DPD 187, SUBSTANDARD)
  // every arrear and the interest due are paid; the Aug 20 interest is paid on its 付息日 Aug 21. The
  // observation runs Jul 21 → Sep 21. The Sep 20 interest is due on Sep 21 and not yet overdue then.
  const terms = { cureMinMonths: 2 };
  const both = run([openCommand({}, terms), draw('2026-01-05', MILLION_YUAN, { termDays: 10 }), draw('2026-01-05', 100_000_00, { termDays: 300 })]);
  const july = payableOn(both.state, '2026-07-21');
  const paidUp = run([repayCmd('2026-07-21', july.COMPOUND_INTEREST + july.PENALTY_INTEREST + july.OVERDUE_INTEREST + july.OVERDUE_PRINCIPAL + july.INTEREST_DUE)], both);
  const august = run([repayCmd('2026-08-21', payableOn(paidUp.state, '2026-08-21').INTEREST_DUE)], paidUp);
  const cured = run([eod('2026-09-20')], august);

  it('paid up on 2026-07-21 it is still SUBSTANDARD and non-accrual, observed until 2026-09-21', () => {
    expect(paidUp.state).toMatchObject({ classification: 'SUBSTANDARD', nonAccrualSince: '2026-04-16', cureObservation: { startedOn: '2026-07-21', endsOn: '2026-09-21' } });
    // Jul 31 month end: 1e7 × 11 days (Jul 21…31) × 34 500 / 3.6e8 = 10 541.67 → 10 542, booked off balance sheet.
    // Aug 20 interest: 1e7 × 31 days (Jul 21…Aug 20) × 34 500 / 3.6e8 = 29 708.33 → 29 708, of which 29 708 − 10 542
    // = 19 166 is booked now, off balance sheet too
    const jul31 = eventsOfType(august.events, 'InterestAccrued').find((e) => e.date === '2026-07-31')!;
    expect(jul31.data).toMatchObject({ month: '2026-07', interestFen: 10_542, penaltyFen: 0, offBalance: true });
    expect(jul31.postings).toEqual([
      { account: 'OFF_BALANCE_INTEREST', side: 'DR', amountFen: 10_542 },
      { account: 'OFF_BALANCE_INTEREST_CONTRA', side: 'CR', amountFen: 10_542 },
    ]);
    const aug20 = eventsOfType(august.events, 'InterestSettled').find((e) => e.date === '2026-08-20')!;
    expect(aug20.data).toMatchObject({ interestFen: 29_708 });
    expect(aug20.postings).toEqual([
      { account: 'OFF_BALANCE_INTEREST', side: 'DR', amountFen: 19_166 },
      { account: 'OFF_BALANCE_INTEREST_CONTRA', side: 'CR', amountFen: 19_166 },
    ]);
  });

  it('at the end of 2026-09-20 the observation ends: NORMAL, accruing, and the Sep 20 interest (29 708) moves to receivable and income', () => {
    // Sep 20 interest: 1e7 × 31 days (Aug 21…Sep 20) × 34 500 / 3.6e8 = 29 708
    const ended = eventsOfType(cured.events, 'NonAccrualEnded');
    expect(ended.map((e) => [e.date, e.data])).toEqual([
      ['2026-09-20', { since: '2026-04-16', endedOn: '2026-09-21', reason: 'observation ended', interestRestoredFen: 29_708, penaltyRestoredFen: 0 }],
    ]);
    expect(ended[0]!.postings).toEqual([
      { account: 'OFF_BALANCE_INTEREST_CONTRA', side: 'DR', amountFen: 29_708 },
      { account: 'OFF_BALANCE_INTEREST', side: 'CR', amountFen: 29_708 },
      { account: 'INTEREST_RECEIVABLE', side: 'DR', amountFen: 29_708 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 29_708 },
    ]);
    expect(cured.state).toMatchObject({ classification: 'NORMAL', nonAccrualSince: null, cureObservation: null });
    expect(books(cured.events)).toMatchObject({ INTEREST_RECEIVABLE: 29_708, PENALTY_RECEIVABLE: 0, OFF_BALANCE_INTEREST: 0, OFF_BALANCE_INTEREST_CONTRA: 0 });
    // Paid on Sep 21 it is an ordinary receivable again
    const paid = run([repayCmd('2026-09-21', 29_708)], cured);
    expect(eventsOfType(paid.events, 'RepaymentApplied').at(-1)!.postings).toEqual([
      { account: 'BORROWER_SETTLEMENT', side: 'DR', amountFen: 29_708 },
      { account: 'INTEREST_RECEIVABLE', side: 'CR', amountFen: 29_708 },
    ]);
  });
});

describe('the threshold is a product term', () => {
  it('non-accrual from DPD 31 on a SPECIAL_MENTION line ends the day its arrears are paid, with its class', () => {
    const r = run([openCommand({}, { nonAccrualFromDpd: 31 }), draw('2026-01-05', MILLION_YUAN, { termDays: 10 }), eod('2026-02-15')]);
    // DPD 31 on Feb 15 (Jan 16 + 30 days): the event is dated the evening before
    expect(eventsOfType(r.events, 'NonAccrualStarted').map((e) => [e.date, e.data.reason])).toEqual([['2026-02-14', 'DPD 31']]);
    expect(r.state).toMatchObject({ classification: 'SPECIAL_MENTION', nonAccrualSince: '2026-02-15' });
    const paid = run([repayCmd('2026-02-16', payoffOn(r.state, '2026-02-16'))], r);
    expect(paid.state).toMatchObject({ classification: 'NORMAL', nonAccrualSince: null });
    expect(eventsOfType(paid.events, 'NonAccrualEnded').map((e) => [e.date, e.data.reason])).toEqual([['2026-02-16', 'arrears paid']]);
  });
});
