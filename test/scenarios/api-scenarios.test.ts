/**
 * Banking-practice scenarios through the API, as a bank's tester drives them: a line opened with its
 * product options (`terms` of PUT /v1/facilities/{id}), commands on business dates, the facility view read
 * back in yuan. Figures worked by hand; the domain specifications are test/scenarios/banking-practice.test.ts.
 *
 * 1-year LPR 3.00% (published 2025-12-22).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, uniqueId, type E2e } from '../e2e/support.ts';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e('banking-scenarios');
  await e2e.publishLpr('2025-12-22', '3.00', '3.50');
});

afterAll(async () => {
  await e2e?.close();
  expect(e2e?.serverErrors ?? []).toEqual([]);
});

/** Opens a 2 000 000.00 line on 2026-01-01 maturing 2026-12-31 at 3.00% + `spreadBp`, with the given product options. */
async function openLine(spreadBp: number, terms?: Record<string, unknown>) {
  const facilityId = uniqueId('F');
  const body = { borrowerId: uniqueId('B'), limit: '2000000.00', effectiveDate: '2026-01-01', maturityDate: '2026-12-31', pricing: { spreadBp }, ...(terms === undefined ? {} : { terms }) };
  const r = await e2e.asChannel('2026-01-01').put(`/v1/facilities/${facilityId}`, body);
  expect(r.status, r.text).toBe(201);
  return { facilityId, body };
}

const draw = (facilityId: string, date: string, amount: string, termDays?: number) =>
  e2e.asChannel(date).post(`/v1/facilities/${facilityId}/drawdowns`, { amount, ...(termDays === undefined ? {} : { termDays }) });
const repay = (facilityId: string, date: string, amount: string) => e2e.asChannel(date).post(`/v1/facilities/${facilityId}/repayments`, { amount });
const view = async (facilityId: string, asOf: string) => (await e2e.asChannel(asOf).get(`/v1/facilities/${facilityId}`, { query: { asOf } })).body;

describe('product options chosen when the line is opened', () => {
  it('ACT/365 and banker’s rounding (HALF_EVEN): each drawdown’s interest is rounded once, ties to even', async () => {
    // 3.00% + 65 bp = 3.65% (36 500 ppm), divided by 365 × 10^6.
    const { facilityId, body } = await openLine(65, { dayCount: 'ACT_365', rounding: 'HALF_EVEN' });
    expect((await draw(facilityId, '2026-01-05', '1000000.00')).status).toBe(201);
    expect((await draw(facilityId, '2026-01-19', '125.00')).status).toBe(201);
    // D0001: 16 days × 10^8 = 1.6e9 × 36 500 / 3.65e8 = 160 000 exactly → 1 600.00
    // D0002: 2 days (19th, 20th) × 12 500 = 25 000 × 36 500 / 3.65e8 = 2.5 → 2 (even; 四舍五入 would make 3)
    expect(await view(facilityId, '2026-01-21')).toMatchObject({ interestDue: '1600.02', overdueInterest: '0.00', daysPastDue: 0 });
    // The line shows the options in force: the two chosen, the product's defaults for the rest
    expect((await view(facilityId, '2026-01-21')).terms).toEqual({
      dayCount: 'ACT_365', rounding: 'HALF_EVEN', settlementCycle: 'MONTHLY', graceDays: 0, penaltyUpliftPct: 50, compoundInterest: true,
    });
    // The options are part of the request: the same body again replays, other options are another line
    expect((await e2e.asChannel('2026-01-02').put(`/v1/facilities/${facilityId}`, body)).status).toBe(200);
    const other = await e2e.asChannel('2026-01-02').put(`/v1/facilities/${facilityId}`, { ...body, terms: { dayCount: 'ACT_360' } });
    expect([other.status, other.body.code]).toEqual([409, 'facility-exists']);
  });

  it('the defaults are ACT/360 and 四舍五入: the same drawdowns give 1 622.22 + 0.03', async () => {
    const { facilityId } = await openLine(65);
    await draw(facilityId, '2026-01-05', '1000000.00');
    await draw(facilityId, '2026-01-19', '125.00');
    // D0001: 1.6e9 × 36 500 / 3.6e8 = 162 222.22 → 162 222; D0002: 25 000 × 36 500 / 3.6e8 = 2.53 → 3
    expect(await view(facilityId, '2026-01-21')).toMatchObject({ interestDue: '1622.25' });
    expect((await view(facilityId, '2026-01-21')).terms).toEqual({
      dayCount: 'ACT_360', rounding: 'HALF_UP', settlementCycle: 'MONTHLY', graceDays: 0, penaltyUpliftPct: 50, compoundInterest: true,
    });
  });

  it('quarterly settlement with 3 grace days: 75 days settled on 20 March, overdue only from the 25th', async () => {
    const { facilityId } = await openLine(45, { settlementCycle: 'QUARTERLY', graceDays: 3 });
    await draw(facilityId, '2026-01-05', '1000000.00');
    // Nothing settles on 20 Jan or 20 Feb: Jan 5…Mar 20 = 27 + 28 + 20 = 75 days accrue, 7.5e9 × 34 500 / 3.6e8 = 718 750
    expect(await view(facilityId, '2026-02-21')).toMatchObject({ interestDue: '0.00', daysPastDue: 0 });
    expect(await view(facilityId, '2026-03-21')).toMatchObject({ interestDue: '7187.50', accruedInterest: '95.83' });
    // Due on the 21st, overdue after 3 days of grace: still merely due on the 24th, and paid that day it costs nothing
    // more: payableToday = 1 000 000.00 + 7 187.50 + accrued Mar 21…23 (3 days: 287.50). Unpaid by the end of the
    // 24th, the last day of grace, it has run a day of compound: 718 750 × 51 750 / 3.6e8 = 103.32 → 1.03.
    expect(await view(facilityId, '2026-03-24')).toMatchObject({
      interestDue: '7187.50',
      overdueInterest: '0.00',
      payableToday: '1007475.00',
      compoundInterest: '1.03',
      daysPastDue: 0,
      classification: 'NORMAL',
    });
    // Overdue on the 25th (DPD 1), compounding from the last day of grace: as of the end of the 25th, 2 days (24th, 25th)
    //   718 750 × 2 × 51 750 / 3.6e8 = 206.64 → 2.07; a payment on the 25th meets one day, 103.32 → 1.03
    const on25 = await view(facilityId, '2026-03-25');
    expect(on25).toMatchObject({ interestDue: '0.00', overdueInterest: '7187.50', compoundInterest: '2.07', daysPastDue: 1, classification: 'SPECIAL_MENTION' });
    const paid = await repay(facilityId, '2026-03-25', '7188.53');
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body.allocation).toMatchObject({ compoundInterest: '1.03', overdueInterest: '7187.50' });
    expect(paid.body.facility).toMatchObject({ daysPastDue: 0, classification: 'NORMAL' });
  });

  it('options outside the product’s ranges, or unknown ones, are a 400 naming the field, and nothing is written', async () => {
    const facilityId = uniqueId('F');
    const body = { borrowerId: uniqueId('B'), limit: '1000000.00', effectiveDate: '2026-01-01', maturityDate: '2026-12-31', pricing: { spreadBp: 45 } };
    for (const terms of [{ graceDays: 31 }, { penaltyUpliftPct: 60 }, { dayCount: 'ACT_366' }, { allocationOrder: ['PRINCIPAL'] }]) {
      const r = await e2e.asChannel('2026-01-01').put(`/v1/facilities/${facilityId}`, { ...body, terms });
      expect([r.status, r.body.code], JSON.stringify(terms)).toEqual([400, 'validation-failed']);
      expect(r.text).toContain(Object.keys(terms)[0]);
    }
    expect(await e2e.lastSeq(facilityId)).toBe(0);
  });
});

describe('a partial payment of arrears on two loans, through the API', () => {
  it('meets the oldest overdue interest first, whichever loan it is on, and the days past due fall', async () => {
    const { facilityId } = await openLine(45);
    await draw(facilityId, '2026-01-05', '1000000.00');
    // Drawn on Jan 21 (the January interest is due, not yet overdue): maturing Feb 10
    expect((await draw(facilityId, '2026-01-21', '100000.00', 20)).status).toBe(201);
    // January's 1 533.33 on D0001 overdue since Jan 22 (DPD 21 on Feb 11); D0002's 191.67 and principal since Feb 11
    expect(await view(facilityId, '2026-02-11')).toMatchObject({ overdueInterest: '1725.00', daysPastDue: 21 });
    // Compound 4.85 + 0.06, penalty 28.75 (test/scenarios/banking-practice.test.ts), then 1 533.33 of overdue interest
    const paid = await repay(facilityId, '2026-02-12', '1566.99');
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body.allocation).toMatchObject({ compoundInterest: '4.91', penaltyInterest: '28.75', overdueInterest: '1533.33', overduePrincipal: '0.00' });
    expect(paid.body.facility).toMatchObject({ overdueInterest: '191.67', overduePrincipal: '100000.00', daysPastDue: 2, classification: 'SPECIAL_MENTION' });
  });
});

describe('the statement’s interest of each day is what the engine charges that day', () => {
  it('from the maturity date itself the day is charged penalty (and compound on the interest due that day), not contract interest', async () => {
    // 1 000 000.00 drawn 2026-01-05 for 10 days, M = 2026-01-15, never repaid.
    const { facilityId } = await openLine(45);
    await draw(facilityId, '2026-01-05', '1000000.00', 10);
    const r = await e2e.asChannel('2026-01-21').get(`/v1/facilities/${facilityId}/statement`, { query: { from: '2026-01-14', to: '2026-01-20' } });
    expect(r.status, r.text).toBe(200);
    const days = Object.fromEntries(r.body.rows.map((row: { date: string; interestForDay: string }) => [row.date, row.interestForDay]));
    // Jan 14, the last contract day: 10^8 × 34 500 / 3.6e8 = 9 583.333… fen = 95.8333 yuan
    expect(days['2026-01-14']).toBe('95.8333');
    // From Jan 15 (M): penalty 10^8 × 51 750 / 3.6e8 = 14 375 fen, and compound on the 95 833 due that day:
    //   95 833 × 51 750 / 3.6e8 = 13.776 fen → 14 388.776 fen = 143.8878 yuan a day
    for (const date of ['2026-01-15', '2026-01-16', '2026-01-20']) expect(days[date], date).toBe('143.8878');
    // Six such days (15th…20th) are what the 20th settles: penalty 6 × 14 375 = 86 250, compound 6 × 13.776 = 82.66 → 83
    expect(r.body.rows.at(-1)).toMatchObject({ date: '2026-01-20', penaltyInterest: '863.33' });
  });
});
