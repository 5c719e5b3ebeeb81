/**
 * Month-end accrual (计提), hand-computed: at the end of each month's last day the interest accrued since the
 * last settlement is booked as receivable and income, so the month's income is complete; the next settlement
 * still rounds its whole period once and books only the rest.
 *
 * 1 000 000.00 = 10^8 fen at 34 500 ppm ACT/360 accrues 10^8 × 34 500 / 3.6e8 = 9 583.33 fen a day.
 */
import { describe, expect, it } from 'vitest';
import { advance } from '#domain/advance.ts';
import { applyCommand, type Command } from '#domain/facility.ts';
import { balances } from '#domain/postings.ts';
import type { DomainEvent } from '#domain/state.ts';
import { MILLION_YUAN, draw, eod, eventsOfType, openCommand, payableOn, repayCmd, run, type Run } from './support.ts';

function books(events: readonly DomainEvent[]) {
  return balances(events.flatMap((e) => e.postings));
}

/** What an event posted to INTEREST_INCOME (credit positive). */
function incomeOf(event: DomainEvent): number {
  return event.postings.filter((p) => p.account === 'INTEREST_INCOME').reduce((sum, p) => sum + (p.side === 'CR' ? p.amountFen : -p.amountFen), 0);
}

/** Pays the interest due on each given day (its 付息日), so the loan never falls into arrears. */
function payInterestOn(start: Run, dates: readonly string[]): Run {
  let r = start;
  for (const date of dates) r = run([repayCmd(date, payableOn(r.state, date).INTEREST_DUE)], r);
  return r;
}

describe('a 31-day month: January 2026', () => {
  // Drawn 2026-01-05 for 90 days; the Jan 20 interest is paid on its 付息日, Jan 21.
  const january = payInterestOn(run([openCommand(), draw('2026-01-05', MILLION_YUAN, { termDays: 90 }), eod('2026-01-20')]), ['2026-01-21']);
  const ended = run([eod('2026-01-31')], january);

  it('the end of Jan 31 books 11 days (21st…31st): 10^8 × 11 × 34 500 / 3.6e8 = 105 416.67 → 105 417', () => {
    const accrued = eventsOfType(ended.events, 'InterestAccrued');
    expect(accrued.map((e) => [e.date, e.data])).toEqual([
      ['2026-01-31', { month: '2026-01', interestFen: 105_417, penaltyFen: 0, offBalance: false, drawdowns: [{ drawdownId: 'F1-D0001', interestFen: 105_417, penaltyFen: 0, compoundFen: 0 }] }],
    ]);
    expect(accrued[0]!.postings).toEqual([
      { account: 'INTEREST_RECEIVABLE', side: 'DR', amountFen: 105_417 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 105_417 },
    ]);
    expect(ended.state.drawdowns[0]!.accruedBooked).toEqual({ interestFen: 105_417, penaltyFen: 0, compoundFen: 0 });
    // The Jan 20 interest is paid: the receivable is the month-end booking alone
    expect(books(ended.events).INTEREST_RECEIVABLE).toBe(105_417);
  });

  it('January’s income is complete: 153 333 (Jan 5…20, settled) + 105 417 = 258 750 = 27 days × 9 583.33', () => {
    const januaryIncome = ended.events.filter((e) => e.date.startsWith('2026-01')).reduce((sum, e) => sum + incomeOf(e), 0);
    expect(januaryIncome).toBe(153_333 + 105_417);
    expect(januaryIncome).toBe(258_750);
  });

  it('nothing is booked on an ordinary day: end of day Jan 22…30 records no event', () => {
    const quiet = run([eod('2026-01-30')], january);
    expect(quiet.events.slice(january.events.length)).toEqual([]);
    // …and its state differs from January's only in the business date
    expect({ ...quiet.state, businessDate: january.state.businessDate, accruedUntil: january.state.accruedUntil }).toEqual(january.state);
  });

  it('the Feb 20 settlement rounds Jan 21…Feb 20 once (31 days: 297 083) and books only the rest: 297 083 − 105 417 = 191 666', () => {
    const february = run([eod('2026-02-20')], ended);
    const settled = eventsOfType(february.events, 'InterestSettled').find((e) => e.date === '2026-02-20')!;
    expect(settled.data).toMatchObject({ interestFen: 297_083 });
    expect(settled.postings).toEqual([
      { account: 'INTEREST_RECEIVABLE', side: 'DR', amountFen: 191_666 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 191_666 },
    ]);
    // The whole item is due: the booking is settled with it, nothing stays booked
    expect(february.state.drawdowns[0]!.interestItems).toEqual([{ settledOn: '2026-02-20', overdueFrom: '2026-02-22', amountFen: 297_083 }]);
    expect(february.state.drawdowns[0]!.accruedBooked).toBeUndefined();
    expect(books(february.events).INTEREST_RECEIVABLE).toBe(297_083);
  });

  it('a payment reaching accrued interest on Feb 3 crystallises Jan 21…Feb 2 (13 days: 124 583) and books only 124 583 − 105 417 = 19 166', () => {
    // Principal first, then the accrued interest: 10^8 × 13 × 34 500 / 3.6e8 = 124 583.33 → 124 583
    const paid = run([repayCmd('2026-02-03', MILLION_YUAN + 124_583)], ended);
    const repayment = eventsOfType(paid.events, 'RepaymentApplied').at(-1)!;
    expect(repayment.postings.filter((p) => p.account === 'INTEREST_INCOME')).toEqual([{ account: 'INTEREST_INCOME', side: 'CR', amountFen: 19_166 }]);
    expect(paid.state.drawdowns).toEqual([]);
    expect(books(paid.events)).toMatchObject({ LOAN_PRINCIPAL: 0, INTEREST_RECEIVABLE: 0, INTEREST_INCOME: -(153_333 + 124_583) });
  });

  it('jumping over the month end books the same as going day by day', () => {
    const jumped = advance(january.state, '2026-02-21');
    let walked = january.state;
    const walkedEvents: DomainEvent[] = [];
    for (const date of ['2026-01-23', '2026-01-31', '2026-02-01', '2026-02-20', '2026-02-21']) {
      const t = advance(walked, date);
      walked = t.state;
      walkedEvents.push(...t.events);
    }
    expect(walkedEvents).toEqual(jumped.events);
    expect(walked).toEqual(jumped.state);
    expect(jumped.events.map((e) => [e.date, e.type])).toEqual([
      ['2026-01-31', 'InterestAccrued'],
      ['2026-02-20', 'InterestSettled'],
    ]);
  });
});

describe('February of a leap year: 2028', () => {
  const open = openCommand({ date: '2028-01-01', effectiveDate: '2028-01-01', maturityDate: '2028-12-31' });
  const drawn = payInterestOn(run([open, draw('2028-02-01', MILLION_YUAN, { termDays: 120 }), eod('2028-02-20')]), ['2028-02-21']);
  const ended = run([eod('2028-02-29')], drawn);

  it('nothing on Feb 28; the end of Feb 29 books 9 days (21st…29th): 10^8 × 9 × 34 500 / 3.6e8 = 86 250', () => {
    expect(eventsOfType(run([eod('2028-02-28')], drawn).events, 'InterestAccrued')).toEqual([]);
    expect(eventsOfType(ended.events, 'InterestAccrued').map((e) => [e.date, e.data.month, e.data.interestFen])).toEqual([['2028-02-29', '2028-02', 86_250]]);
  });

  it('February’s income: 191 667 (Feb 1…20: 20 × 9 583.33 = 191 666.67) + 86 250 = 277 917; March 20 books 277 917 − 86 250 = 191 667', () => {
    const februaryIncome = ended.events.filter((e) => e.date.startsWith('2028-02')).reduce((sum, e) => sum + incomeOf(e), 0);
    expect(februaryIncome).toBe(191_667 + 86_250);
    // Feb 21…Mar 20 is 29 days in 2028: 10^8 × 29 × 34 500 / 3.6e8 = 277 916.67 → 277 917
    const march = run([eod('2028-03-20')], ended);
    const settled = eventsOfType(march.events, 'InterestSettled').at(-1)!;
    expect(settled.data).toMatchObject({ interestFen: 277_917 });
    expect(incomeOf(settled)).toBe(191_667);
  });
});

describe('a month with a rate change: a floating loan repriced on its anniversary, 2027-03-29', () => {
  // Floating, repriced each anniversary: drawn 2026-03-29 at LPR 3.00% + 0.45% = 34 500 ppm; from 2027-03-29 the
  // LPR in force is 2.90%, so 33 500 ppm (10^8 fen: 9 305.56 fen a day). Interest paid on every 付息日.
  const lpr = [
    { date: '2026-03-20', oneYearPpm: 30_000 },
    { date: '2027-03-22', oneYearPpm: 29_000 },
  ];
  const open = openCommand({ maturityDate: '2027-12-31' }, { rateType: 'FLOATING', repricing: 'ANNIVERSARY', maxDrawdownTermDays: 500 });
  const paydays = ['2026-04-21', '2026-05-21', '2026-06-21', '2026-07-21', '2026-08-21', '2026-09-21', '2026-10-21', '2026-11-21', '2026-12-21', '2027-01-21', '2027-02-21', '2027-03-21'];
  const withLpr = (c: Command): Command => ({ ...c, lpr }) as Command;
  let r: Run = run([open, draw('2026-03-29', MILLION_YUAN, { termDays: 450 })]);
  for (const date of paydays) {
    const t = applyCommand(r.state, withLpr(repayCmd(date, payableOn(r.state, date, lpr).INTEREST_DUE)));
    r = { state: t.state, events: [...r.events, ...t.events], results: [...r.results, t.result] };
  }
  const ended = run([withLpr(eod('2027-03-31'))], r);

  it('the end of 2027-03-31 rounds both rates once: (8 days × 34 500 + 3 days × 33 500) × 10^8 / 3.6e8 = 104 583.33 → 104 583', () => {
    // Mar 21…28 at 34 500: 76 666.67; Mar 29…31 at 33 500: 27 916.67; rounded apart they would make 104 584
    expect(eventsOfType(ended.events, 'Repriced').map((e) => [e.date, e.data.toPpm])).toEqual([['2027-03-28', 33_500]]);
    const accrued = eventsOfType(ended.events, 'InterestAccrued').find((e) => e.date === '2027-03-31')!;
    expect(accrued.data).toMatchObject({ month: '2027-03', interestFen: 104_583 });
    expect(ended.state.drawdowns[0]!.interestAcc).toEqual([
      { ratePpm: 34_500, accFenDays: 8 * MILLION_YUAN },
      { ratePpm: 33_500, accFenDays: 3 * MILLION_YUAN },
    ]);
  });

  it('March’s income: 191 666 (the Mar 20 settlement: 268 333 for Feb 21…Mar 20 less the 76 667 booked on Feb 28) + 104 583', () => {
    // Feb 2027 month end: Feb 21…28, 8 days × 9 583.33 = 76 666.67 → 76 667; Mar 20: 28 days = 268 333.33 → 268 333
    const feb = eventsOfType(ended.events, 'InterestAccrued').find((e) => e.date === '2027-02-28')!;
    expect(feb.data.interestFen).toBe(76_667);
    const marchIncome = ended.events.filter((e) => e.date.startsWith('2027-03')).reduce((sum, e) => sum + incomeOf(e), 0);
    expect(marchIncome).toBe(268_333 - 76_667 + 104_583);
  });

  it('the Apr 20 settlement: 8 days at 34 500 + 23 days at 33 500 = 76 666.67 + 214 027.78 = 290 694.44 → 290 694, books 290 694 − 104 583 = 186 111', () => {
    const april = run([withLpr(eod('2027-04-20'))], ended);
    const settled = eventsOfType(april.events, 'InterestSettled').at(-1)!;
    expect(settled.data).toMatchObject({ interestFen: 290_694 });
    expect(incomeOf(settled)).toBe(186_111);
  });
});
