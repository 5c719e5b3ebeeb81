/**
 * Scenarios a bank's risk and finance testers write (docs/lending-rules.md, docs/renewal.md), each worked
 * to the fen by hand from the rules, the arithmetic beside the assertion.
 *
 * The standard line (test/domain/support.ts): 2 000 000.00, 2026-01-01 → 2026-12-31, 1-year LPR 3.00% +
 * 45 bp = 3.45% (34 500 ppm), ACT/360, half-up; penalty rate 34 500 × 1.5 = 51 750 ppm. On 10^8 fen
 * (1 000 000.00) a day of contract interest is 9 583.33 fen and a day of penalty interest 14 375 fen.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { applyCommand, type RepaymentResult } from '#domain/facility.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import type { ApplyRenewalCommand, RenewalResult } from '#domain/renewal-commands.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { draw, eod, eventsOfType, expectDomainError, LPR_3_00, MILLION_YUAN, openCommand, payableOn, payoffOn, repayCmd, run, smallEnterpriseProfile } from '../domain/support.ts';

const lastRepayment = (r: { results: unknown[] }) => r.results.at(-1) as RepaymentResult;

describe('drawn and partly repaid on the same day', () => {
  // 1 000 000.00 drawn on 2026-01-05 and 400 000.00 repaid the same day.
  const r = run([openCommand(), draw('2026-01-05', MILLION_YUAN), repayCmd('2026-01-05', 400_000_00)]);

  it('the repayment meets principal only: no interest has accrued yet (the day itself counts from its end)', () => {
    expect(lastRepayment(r).allocation).toEqual({
      COMPOUND_INTEREST: 0,
      PENALTY_INTEREST: 0,
      OVERDUE_INTEREST: 0,
      OVERDUE_PRINCIPAL: 0,
      INTEREST_DUE: 0,
      PRINCIPAL: 400_000_00,
      ACCRUED_INTEREST: 0,
    });
    // The limit is free again at once: 2 000 000.00 − 600 000.00
    expect(valuationAsOf(r.state, '2026-01-05').availableFen).toBe(1_400_000_00);
  });

  it('interest runs on the 600 000.00 from the first day: 16 days (5…20 Jan) × 6 × 10^7 × 34 500 / 3.6e8 = 92 000 exactly', () => {
    const settled = run([eod('2026-01-20')], r);
    expect(settled.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-01-20', overdueFrom: '2026-01-22', amountFen: 92_000 }]);
  });
});

describe('penalty interest on a loan maturing on the 31st, repaid at DPD 5', () => {
  // 500 000.00 (5 × 10^7 fen) drawn 2026-03-01 for 30 days: maturity M = 2026-03-31.
  // The Mar 20 settlement, 1…20 Mar = 20 days: 10^9 × 34 500 / 3.6e8 = 95 833.33 → 95 833, paid on its 付息日 the 21st.
  const paidMarch = run([openCommand(), draw('2026-03-01', 500_000_00, { termDays: 30 }), eod('2026-03-20'), repayCmd('2026-03-21', 95_833)]);

  it('is normal on M: the interest [21 Mar, 31 Mar) = 10 days is due, and no penalty is charged for a payment on M', () => {
    expect(paidMarch.state.drawdowns[0]!.maturityDate).toBe('2026-03-31');
    // 10 days × 5 × 10^7 = 5 × 10^8 × 34 500 / 3.6e8 = 47 916.67 → 47 917, settled the evening of Mar 30, due on Mar 31
    expect(payableOn(paidMarch.state, '2026-03-31')).toMatchObject({ INTEREST_DUE: 47_917, PRINCIPAL: 500_000_00, PENALTY_INTEREST: 0, COMPOUND_INTEREST: 0 });
    // 50 000 000 + 47 917 = 50 047 917 pays it off on M; one fen more is refused, never kept
    expect(payoffOn(paidMarch.state, '2026-03-31')).toBe(50_047_917);
    const refused = expectDomainError(() => run([repayCmd('2026-03-31', 50_047_918)], paidMarch), 'overpayment');
    expect(refused.details).toEqual({ payable: '500479.17' });
  });

  it('repaid on 2026-04-05: 逾期天数 = 还款日 − 到期日 = 5 days of penalty (Mar 31…Apr 4) and of compound interest', () => {
    const due = payableOn(paidMarch.state, '2026-04-05');
    // Penalty: 5 days × 5 × 10^7 = 2.5 × 10^8 × 51 750 / 3.6e8 = 35 937.5 → 35 938 (half-up, one rounding although
    //   month-end accrual booked the Mar 31 day, 7 187.5 → 7 188, on its own)
    // Compound on the 47 917 due on Mar 31, from Mar 31: 5 × 47 917 = 239 585 × 51 750 / 3.6e8 = 34.44 → 34
    expect(due).toEqual({
      COMPOUND_INTEREST: 34,
      PENALTY_INTEREST: 35_938,
      OVERDUE_INTEREST: 47_917,
      OVERDUE_PRINCIPAL: 500_000_00,
      INTEREST_DUE: 0,
      PRINCIPAL: 0,
      ACCRUED_INTEREST: 0,
    });
    // The view as of Apr 4 (the day before) quotes the payoff for Apr 5: 50 000 000 + 47 917 + 35 938 + 34 = 50 083 889
    expect(valuationAsOf(paidMarch.state, '2026-04-04').payoffFen).toBe(50_083_889);
    const paid = run([repayCmd('2026-04-05', 50_083_889)], paidMarch);
    expect(paid.state.drawdowns).toEqual([]);
    // Overdue from Apr 1 (DPD 1), so DPD 5 on Apr 5, the peak of the closed episode
    expect(paid.state.dpdHistory).toEqual([{ from: '2026-04-01', to: '2026-04-05', maxDpd: 5 }]);
    expect(paid.state.classification).toBe('NORMAL');
  });
});

describe('grace days (宽限期) cover settled interest, the maturity settlement too, but not principal', () => {
  // 3 grace days; the short loan: 1 000 000.00 drawn 2026-01-05 for 10 days, M = 2026-01-15, unpaid. Its interest
  // [Jan 5, Jan 15) = 10 days = 95 833, settled the evening of Jan 14, due on Jan 15, overdue from Jan 15 + 1 + 3 = Jan 19,
  // compounding from the last day of grace, Jan 18. The principal is overdue from Jan 16 (DPD 1), penalty from M.
  const r = run([openCommand({}, { graceDays: 3 }), draw('2026-01-05', MILLION_YUAN, { termDays: 10 })]);

  it('on Jan 18 the interest is still merely due (no compound), the principal 3 days overdue (3 days of penalty)', () => {
    expect(payableOn(r.state, '2026-01-18')).toMatchObject({ INTEREST_DUE: 95_833, OVERDUE_INTEREST: 0, COMPOUND_INTEREST: 0, OVERDUE_PRINCIPAL: MILLION_YUAN, PENALTY_INTEREST: 43_125 });
    expect(valuationAsOf(r.state, '2026-01-18').daysPastDue).toBe(3);
  });

  it('paid in full on Jan 20 (DPD 5): penalty 5 days (Jan 15…19) = 71 875, compound 2 days (Jan 18, 19) = 191 666 × 51 750 / 3.6e8 = 27.55 → 28', () => {
    expect(payableOn(r.state, '2026-01-20')).toEqual({
      COMPOUND_INTEREST: 28,
      PENALTY_INTEREST: 71_875,
      OVERDUE_INTEREST: 95_833,
      OVERDUE_PRINCIPAL: MILLION_YUAN,
      INTEREST_DUE: 0,
      PRINCIPAL: 0,
      ACCRUED_INTEREST: 0,
    });
    // 10^8 + 95 833 + 71 875 + 28
    expect(payoffOn(r.state, '2026-01-20')).toBe(100_167_736);
  });
});

describe('a partial payment of arrears on two loans meets the oldest overdue interest first', () => {
  // D0001: 1 000 000.00 drawn 2026-01-05, maturing with the line. Its Jan 20 interest, 16 days = 153 333, is due on the
  //   21st, unpaid, overdue from the 22nd.
  // D0002: 100 000.00 (10^7 fen) drawn 2026-01-21 (DPD 0 that day, so allowed) for 20 days: M = 2026-02-10. Its interest
  //   [Jan 21, Feb 10) = 20 days × 10^7 × 34 500 / 3.6e8 = 19 166.67 → 19 167, due Feb 10; unpaid, it and the principal
  //   are overdue from Feb 11.
  const r = run([openCommand(), draw('2026-01-05', MILLION_YUAN), draw('2026-01-21', 100_000_00, { termDays: 20 })]);

  it('on 2026-02-12 the arrears date from Jan 22: DPD 22', () => {
    // Through Feb 11 (what a payment on Feb 12 meets):
    //   compound D0001: 153 333 from Jan 21, 22 days: 3 373 326 × 51 750 / 3.6e8 = 484.92 → 485
    //   compound D0002: 19 167 from Feb 10, 2 days: 38 334 × 51 750 / 3.6e8 = 5.51 → 6
    //   penalty D0002: 10^7 from Feb 10, 2 days: 2 × 10^7 × 51 750 / 3.6e8 = 2 875
    expect(payableOn(r.state, '2026-02-12')).toMatchObject({ COMPOUND_INTEREST: 491, PENALTY_INTEREST: 2_875, OVERDUE_INTEREST: 172_500, OVERDUE_PRINCIPAL: 100_000_00 });
    expect(valuationAsOf(r.state, '2026-02-12').daysPastDue).toBe(22); // Jan 22 … Feb 12
  });

  it('paying the charges and 153 333 clears January’s interest of the later-maturing loan: DPD falls to 2', () => {
    // 491 + 2 875 + 153 333 = 156 699. The oldest item (D0001's, overdue since Jan 22) is met before D0002's
    // (overdue since Feb 11), although D0002 matures first: days past due count from the oldest unpaid item.
    const paid = run([repayCmd('2026-02-12', 156_699)], r);
    expect(lastRepayment(paid).allocation).toMatchObject({ COMPOUND_INTEREST: 491, PENALTY_INTEREST: 2_875, OVERDUE_INTEREST: 153_333, OVERDUE_PRINCIPAL: 0 });
    expect(lastRepayment(paid).byDrawdown).toEqual([
      { drawdownId: 'F1-D0002', amounts: expect.objectContaining({ COMPOUND_INTEREST: 6, PENALTY_INTEREST: 2_875, OVERDUE_INTEREST: 0 }) },
      { drawdownId: 'F1-D0001', amounts: expect.objectContaining({ COMPOUND_INTEREST: 485, PENALTY_INTEREST: 0, OVERDUE_INTEREST: 153_333 }) },
    ]);
    expect(paid.state.drawdowns.map((d) => d.interestItems)).toEqual([[], [{ settledOn: '2026-02-09', overdueFrom: '2026-02-11', amountFen: 19_167 }]]);
    const v = valuationAsOf(paid.state, '2026-02-12');
    // What is left dates from Feb 11 (D0002's interest and principal): DPD 2; still SPECIAL_MENTION
    expect(v.daysPastDue).toBe(2);
    expect(v.classification).toBe('SPECIAL_MENTION');
  });

  it('the next day’s payment of D0002’s interest and charges leaves only its overdue principal: DPD 3 on Feb 13', () => {
    const first = run([repayCmd('2026-02-12', 156_699)], r);
    // Accrued since the first payment crystallised everything through Feb 11, one day (Feb 12):
    //   compound on D0002's 19 167: 19 167 × 51 750 / 3.6e8 = 2.76 → 3; penalty on 10^7: 1 437.5 → 1 438 (half-up)
    expect(payableOn(first.state, '2026-02-13')).toMatchObject({ COMPOUND_INTEREST: 3, PENALTY_INTEREST: 1_438, OVERDUE_INTEREST: 19_167 });
    const second = run([repayCmd('2026-02-13', 3 + 1_438 + 19_167)], first);
    expect(second.state.drawdowns.flatMap((d) => d.interestItems)).toEqual([]);
    // D0002's principal is overdue since Feb 11: DPD 3 on Feb 13
    expect(valuationAsOf(second.state, '2026-02-13').daysPastDue).toBe(3);
  });
});

describe('non-accrual (表外): a payment received while non-accrual is income when received', () => {
  // The short loan: 1 000 000.00 drawn 2026-01-05 for 10 days, M = 2026-01-15, never paid. Interest [Jan 5, Jan 15) =
  // 95 833, overdue from Jan 16 with the principal. DPD 91 on 2026-04-16: non-accrual (and SUBSTANDARD) from then.
  const unpaid = run([openCommand(), draw('2026-01-05', MILLION_YUAN, { termDays: 10 })]);

  it('on 2026-04-17 it pays the penalty and compound interest only: 1 323 768, all penalty income; the contract interest stays off balance sheet', () => {
    // Penalty, 14 375 a day from Jan 15: settled Jan 20 (6 days) 86 250, Feb 20 (31) 445 625, Mar 20 (28) 402 500,
    //   accrued Mar 21…Apr 16 (27) 388 125 → 1 322 500.
    // Compound on the 95 833 from Jan 15: 6 days 574 998 × 51 750 / 3.6e8 = 82.66 → 83; 31 days 427.06 → 427;
    //   28 days 385.73 → 386; 27 days 2 587 491 × 51 750 / 3.6e8 = 371.95 → 372 → 1 268.
    expect(payableOn(unpaid.state, '2026-04-17')).toMatchObject({ PENALTY_INTEREST: 1_322_500, COMPOUND_INTEREST: 1_268, OVERDUE_INTEREST: 95_833 });
    const paid = run([repayCmd('2026-04-17', 1_323_768)], unpaid);
    expect(lastRepayment(paid).allocation).toMatchObject({ COMPOUND_INTEREST: 1_268, PENALTY_INTEREST: 1_322_500, OVERDUE_INTEREST: 0 });
    expect(paid.state.nonAccrualSince).toBe('2026-04-16');
    // What was booked as income before Apr 16 (95 833 of interest; 1 093 548 of penalty and compound, settled or
    // accrued at month ends) was written back on Apr 16, so over the loan's life income is exactly the cash received.
    expect(paid.state.ledger).toMatchObject({
      INTEREST_INCOME: 0,
      PENALTY_INCOME: -1_323_768,
      INTEREST_RECEIVABLE: 0,
      PENALTY_RECEIVABLE: 0,
      // The contract interest still owed, held in the memo account
      OFF_BALANCE_INTEREST: 95_833,
      OFF_BALANCE_INTEREST_CONTRA: -95_833,
    });
    const v = valuationAsOf(paid.state, '2026-04-17');
    // The principal and the contract interest are still overdue since Jan 16: DPD 92, SUBSTANDARD, still non-accrual
    expect(v).toMatchObject({ daysPastDue: 92, classification: 'SUBSTANDARD', nonAccrualSince: '2026-04-16', offBalanceInterestFen: 95_833 });
  });
});

describe('LOSS and back: the cure of a non-performing loan', () => {
  // The short loan unpaid: overdue since 2026-01-16, DPD n on Jan 16 + n − 1.
  const unpaid = run([openCommand(), draw('2026-01-05', MILLION_YUAN, { termDays: 10 })]);

  it('moves down by days past due: SPECIAL_MENTION DPD 1, SUBSTANDARD DPD 91, DOUBTFUL DPD 271, LOSS DPD 361', () => {
    const r = run([eod('2027-01-11')], unpaid);
    // Each change is recorded the evening before the new tier's first day:
    //   DPD 1 = Jan 16; DPD 91 = Jan 16 + 90 = Apr 16; DPD 271 = Jan 16 + 270 = Oct 13; DPD 361 = Jan 16 + 360 = 2027-01-11
    expect(eventsOfType(r.events, 'ClassificationChanged').map((e) => [e.date, e.data['to']])).toEqual([
      ['2026-01-15', 'SPECIAL_MENTION'],
      ['2026-04-15', 'SUBSTANDARD'],
      ['2026-10-12', 'DOUBTFUL'],
      ['2027-01-10', 'LOSS'],
    ]);
    expect(r.state.status).toBe('MATURED'); // the line matured on 2026-12-31
  });

  it('paid in full at DPD 370 it stays LOSS and non-accrual for six months of observation, then NORMAL and accruing', () => {
    const payoff = payoffOn(unpaid.state, '2027-01-20');
    const paid = run([repayCmd('2027-01-20', payoff)], unpaid);
    expect(paid.state.drawdowns).toEqual([]);
    // 2027-01-20 − 2026-01-16 = 369 days: DPD 370 on the day of payment
    expect(paid.state.dpdHistory).toEqual([{ from: '2026-01-16', to: '2027-01-20', maxDpd: 370 }]);
    // The longer of two monthly periods (to Mar 20) and six months (to Jul 20)
    expect(paid.state).toMatchObject({ classification: 'LOSS', nonAccrualSince: '2026-04-16', cureObservation: { startedOn: '2027-01-20', endsOn: '2027-07-20' } });
    // Nothing is owed: no new arrears can interrupt it.
    expect(valuationAsOf(paid.state, '2027-07-19')).toMatchObject({ classification: 'LOSS', nonAccrualSince: '2026-04-16', payoffFen: 0 });
    const cured = run([eod('2027-07-19')], paid);
    expect(cured.state).toMatchObject({ classification: 'NORMAL', nonAccrualSince: null, cureObservation: null });
    expect(eventsOfType(cured.events, 'ClassificationChanged').at(-1)).toMatchObject({ date: '2027-07-19', data: { from: 'LOSS', to: 'NORMAL', reason: 'observation ended' } });
    // The memo account is empty: nothing was left to bring back on balance sheet
    expect(cured.state.ledger.OFF_BALANCE_INTEREST).toBe(0);
  });
});

describe('floating rate: the LPR fixing published on the repricing date itself', () => {
  // Floating, repriced on each anniversary. 1 000 000.00 drawn 2026-01-20 at LPR 3.00% + 45 bp = 3.45% for 400 days.
  // Its first anniversary, 2027-01-20, is an LPR publication day (9:15): end of day opens that day (at 00:30) before
  // the fixing exists, so the repricing uses the fixing published before it, 2026-12-21's 2.95%: 2.95% + 0.45% = 3.40%.
  const open = openCommand({ maturityDate: '2027-12-31' }, { rateType: 'FLOATING', repricing: 'ANNIVERSARY', maxDrawdownTermDays: 700 });
  const drawn = run([open, draw('2026-01-20', MILLION_YUAN, { termDays: 400 })]);
  const before = [
    { date: '2025-12-22', oneYearPpm: 30_000 },
    { date: '2026-12-21', oneYearPpm: 29_500 },
  ];
  const published = [...before, { date: '2027-01-20', oneYearPpm: 28_500 }];

  it('reprices to 3.40% whether the 2027-01-20 fixing was already published or not', () => {
    const atNight = advance(drawn.state, '2027-01-20', before);
    const afterPublication = advance(drawn.state, '2027-01-20', published);
    for (const t of [atNight, afterPublication]) {
      expect(eventsOfType(t.events, 'Repriced').map((e) => e.data)).toEqual([
        { drawdownId: 'F1-D0001', fromPpm: 34_500, toPpm: 34_000, lprPpm: 29_500, effectiveDate: '2027-01-20' },
      ]);
      // Penalty rate follows: 34 000 × 1.5 = 51 000
      expect(t.state.drawdowns[0]).toMatchObject({ ratePpm: 34_000, penaltyRatePpm: 51_000 });
    }
    expect(afterPublication.state).toEqual(atNight.state);
  });

  it('the Jan 20 settlement has two rate buckets, one rounding: (30 days × 34 500 + 1 day × 34 000) × 10^8 / 3.6e8 = 296 944.44 → 296 944', () => {
    const settled = advance(drawn.state, '2027-01-21', published).state;
    // Period 2026-12-21 … 2027-01-20: Dec 21 … Jan 19 at 3.45% (30 days), Jan 20 at 3.40%
    expect(settled.drawdowns[0]!.interestItems.find((i) => i.settledOn === '2027-01-20')).toEqual({ settledOn: '2027-01-20', overdueFrom: '2027-01-22', amountFen: 296_944 });
  });
});

describe('renewal (无还本续贷) on a line maturing on the 21st, the day the December interest is due', () => {
  // Line 2026-01-01 → 2026-12-21; 1 000 000.00 drawn 2026-11-25 (maturing with the line). The Dec 20 settlement,
  // 25 Nov … 20 Dec = 26 days: 2.6e9 × 34 500 / 3.6e8 = 249 166.67 → 249 167, is due on 2026-12-21 = M.
  // Applied for on 2026-12-10 (window opens Nov 21): every check passes; renewal at 3.00% + 61 bp = 3.61%.
  const profile = smallEnterpriseProfile();
  const apply: ApplyRenewalCommand = { type: 'ApplyRenewal', date: '2026-12-10', applicationId: 'F1-A1', profile, config: DEFAULT_PRODUCT.renewal, lprPpm: LPR_3_00, spreadBp: 61 };
  const approved = run([openCommand({ maturityDate: '2026-12-21' }), draw('2026-11-25', MILLION_YUAN), apply]);
  const renewed = run([eod('2026-12-20')], approved);

  it('is approved at once, and executed at the opening of M although the December interest is still due (not arrears)', () => {
    expect((approved.results.at(-1) as RenewalResult).status).toBe('APPROVED');
    const [event] = eventsOfType(renewed.events, 'FacilityRenewed');
    expect(event).toMatchObject({
      date: '2026-12-21',
      data: {
        oldMaturityDate: '2026-12-21',
        // addMonths: 2026-12-21 + 12 months
        newMaturityDate: '2027-12-21',
        drawdowns: [
          {
            from: 'F1-D0001',
            to: 'F1-D0002',
            principalCarriedFen: MILLION_YUAN,
            // The interest of the period ending the evening before M: all of the Dec 20 settlement
            interestToMaturityFen: 249_167,
            oldRatePpm: 34_500,
            newRatePpm: 36_100,
            // min(2027-12-21, 2026-12-21 + 365 days = 2027-12-21)
            newMaturityDate: '2027-12-21',
          },
        ],
      },
    });
    expect(renewed.state).toMatchObject({ maturityDate: '2027-12-21', renewalCount: 1, classification: 'NORMAL', pricing: { spreadBp: 61 } });
    expect(eventsOfType(renewed.events, 'RenewalLapsed')).toEqual([]);
  });

  it('paid on M, nothing is overdue; the new 借据 settles Jan 20 at 3.61%: 31 days × 10^8 × 36 100 / 3.6e8 = 310 861.11 → 310 861', () => {
    expect(payableOn(renewed.state, '2026-12-21')).toMatchObject({ INTEREST_DUE: 249_167, OVERDUE_INTEREST: 0, PRINCIPAL: MILLION_YUAN });
    const paid = run([repayCmd('2026-12-21', 249_167), eod('2027-01-20')], renewed);
    const d2 = paid.state.drawdowns.find((d) => d.drawdownId === 'F1-D0002')!;
    expect(d2.interestItems).toEqual([{ settledOn: '2027-01-20', overdueFrom: '2027-01-22', amountFen: 310_861 }]);
    // The old 借据 has nothing left and has left the state
    expect(paid.state.drawdowns.map((d) => d.drawdownId)).toEqual(['F1-D0002']);
    expect(paid.state.classification).toBe('NORMAL');
  });

  it('unpaid, the old 借据’s interest is arrears from M + 1 like any settled interest: DPD 1, SPECIAL_MENTION, one day of compound', () => {
    const v = valuationAsOf(renewed.state, '2026-12-22');
    expect(v).toMatchObject({ daysPastDue: 1, classification: 'SPECIAL_MENTION' });
    // Compound from the 付息日 (Dec 21) at the old loan's penalty rate: 249 167 × 51 750 / 3.6e8 = 35.82 → 36
    expect(payableOn(renewed.state, '2026-12-22')).toMatchObject({ OVERDUE_INTEREST: 249_167, COMPOUND_INTEREST: 36, PENALTY_INTEREST: 0, OVERDUE_PRINCIPAL: 0 });
    // The renewal did not reset the history: the episode is recorded on the line
    const late = run([repayCmd('2026-12-22', 249_203)], renewed);
    expect(late.state.dpdHistory).toEqual([{ from: '2026-12-22', to: '2026-12-22', maxDpd: 1 }]);
    expect(late.state.classification).toBe('NORMAL');
  });
});

describe('a frozen line (冻结)', () => {
  // 1 000 000.00 drawn 2026-01-05; frozen on 2026-02-01.
  const frozen = run([openCommand(), draw('2026-01-05', MILLION_YUAN), eod('2026-01-20'), repayCmd('2026-01-21', 153_333), { type: 'Freeze', date: '2026-02-01', reason: 'court order' }]);

  it('lends nothing, but interest runs and settles as before, and the borrower can repay', () => {
    expectDomainError(() => run([draw('2026-02-02', 100_00)], frozen), 'facility-frozen');
    // Feb 20 settlement: 21 Jan … 20 Feb = 31 days: 3.1e9 × 34 500 / 3.6e8 = 297 083.33 → 297 083
    const settled = run([eod('2026-02-20')], frozen);
    expect(settled.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-02-20', overdueFrom: '2026-02-22', amountFen: 297_083 }]);
    const repaid = run([repayCmd('2026-02-21', 297_083 + 500_000_00)], settled);
    expect(lastRepayment(repaid).allocation).toMatchObject({ INTEREST_DUE: 297_083, PRINCIPAL: 500_000_00 });
    expect(repaid.state.status).toBe('FROZEN');
  });

  it('a renewal of a frozen line is rejected (facility-status: facility-frozen)', () => {
    const state = run([eod('2026-12-09')], frozen).state;
    const command: ApplyRenewalCommand = {
      type: 'ApplyRenewal', date: '2026-12-10', applicationId: 'F1-A1', profile: null, config: DEFAULT_PRODUCT.renewal, lprPpm: LPR_3_00, spreadBp: 61,
    };
    const t = applyCommand(state, command);
    const result = t.result as RenewalResult;
    expect(result.status).toBe('REJECTED');
    expect(result.checks.find((c) => c.code === 'facility-status')).toMatchObject({ outcome: 'REJECT', reason: 'facility-frozen' });
  });
});
