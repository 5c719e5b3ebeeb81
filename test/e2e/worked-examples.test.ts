/**
 * docs/lending-rules.md's worked examples and the facility lifecycle, end to end: real HTTP to the local
 * server, real handlers, the embedded store. Every amount below is computed by hand from the
 * rules (ACT/360, 算头不算尾, each drawdown’s interest rounded half-up once, at settlement); the
 * arithmetic is beside it.
 *
 * Pricing of every line here: LPR 1Y 3.00% (fixing of 2025-12-22) + 45 bp = 3.45% = 34 500 ppm.
 * One day's interest on 1 000 000.00 = 100 000 000 fen × 34 500 / 360 000 000 = 9 583.33… fen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, BASE_PROFILE, CHANNEL, startE2e, uniqueId, type ApiResponse, type E2e } from './support.ts';

let e2e: E2e;
let channel: Api;
let ops: Api;

beforeAll(async () => {
  e2e = await startE2e('worked');
  channel = e2e.asChannel();
  ops = e2e.asOps();
  await e2e.publishLpr('2025-12-22', '3.00', '3.50');
});

afterAll(async () => {
  await e2e?.close();
  expect(e2e?.serverErrors ?? [], 'the local server itself failed').toEqual([]);
});

const OPENED_ON = '2026-01-05';

/** A line of 2 000 000.00 at LPR + 45 bp, opened and effective on 2026-01-05 for a year. */
async function openLine(options: { facilityId?: string; limit?: string } = {}) {
  const facilityId = options.facilityId ?? uniqueId('F');
  const borrowerId = uniqueId('B');
  const body = { borrowerId, limit: options.limit ?? '2000000.00', effectiveDate: OPENED_ON, maturityDate: '2027-01-05', pricing: { spreadBp: 45 } };
  const opened = await e2e.openFacility(facilityId, body, OPENED_ON);
  return { facilityId, borrowerId, body, opened };
}

const facilityPath = (id: string) => `/v1/facilities/${id}`;
const draw = (id: string, date: string, amount: string, key?: string) => channel.on(date).post(`${facilityPath(id)}/drawdowns`, { amount }, { key });
const repay = (id: string, date: string, amount: string, key?: string) => channel.on(date).post(`${facilityPath(id)}/repayments`, { amount }, { key });
const valueAsOf = (id: string, asOf: string) => channel.get(facilityPath(id), { query: { asOf } });

function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.contentType).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
}

describe('opening a line: PUT /v1/facilities/{id} is idempotent by the id', () => {
  it('201 with the facility; the same body again 200 with the same facility; another body 409 facility-exists and nothing written', async () => {
    const { facilityId, borrowerId, body, opened } = await openLine();
    expect(opened.body).toMatchObject({
      facilityId,
      borrowerId,
      status: 'ACTIVE',
      currency: 'CNY',
      limit: '2000000.00',
      available: '2000000.00',
      principalOutstanding: '0.00',
      payoffAmount: '0.00',
      spreadBp: 45,
      renewalCount: 0,
      classification: 'NORMAL',
      effectiveDate: OPENED_ON,
      maturityDate: '2027-01-05',
      asOf: OPENED_ON,
      drawdowns: [],
    });
    // A retry on a later day is still the same request: the stored response, not a new one.
    const again = await channel.on('2026-01-06').put(facilityPath(facilityId), body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(opened.body);
    const other = await channel.on('2026-01-06').put(facilityPath(facilityId), { ...body, limit: '1000000.00' });
    expectProblem(other, 409, 'facility-exists');
    expect(await e2e.lastSeq(facilityId)).toBe(1);
  });

  it('a line priced by the model replays with the same body even after the price moved (first loan drawn)', async () => {
    const facilityId = uniqueId('F');
    const borrowerId = uniqueId('B');
    await e2e.putProfile(borrowerId);
    // BASE_PROFILE: grade 4 (PD 80 bp) × GUARANTEE (LGD 45%) → risk 36 bp; deposits 1 000 000.00 → 5 bp off.
    // Never drawn: 180 − 300 + 60 + 36 + 50 + 40 − 5 − 20 (first loan) = 41 bp.
    expect(BASE_PROFILE.riskGrade).toBe(4);
    const body = { borrowerId, limit: '100000.00', effectiveDate: OPENED_ON, maturityDate: '2027-01-05' };
    const opened = await channel.on(OPENED_ON).put(facilityPath(facilityId), body);
    expect(opened.status).toBe(201);
    expect(opened.body.spreadBp).toBe(41);
    const drawn = await draw(facilityId, OPENED_ON, '1000.00');
    expect(drawn.body.firstLoan).toBe(true);
    // The model now says 61 bp (no first-loan incentive any more), but the request is the same.
    const retried = await channel.on('2026-01-06').put(facilityPath(facilityId), body);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body).toEqual(opened.body);
    // Naming a spread is another request, even the spread the model chose.
    expectProblem(await channel.on('2026-01-06').put(facilityPath(facilityId), { ...body, pricing: { spreadBp: 41 } }), 409, 'facility-exists');
    expect(await e2e.lastSeq(facilityId)).toBe(2);
  });

  it('a 64-character facility id (the contract maximum) draws and is valued: its drawdown id is 70 characters', async () => {
    const facilityId = uniqueId('LONG').padEnd(64, 'x');
    expect(facilityId).toHaveLength(64);
    await openLine({ facilityId });
    const drawn = await draw(facilityId, OPENED_ON, '1000.00');
    expect(drawn.status, drawn.text).toBe(201);
    expect(drawn.body.drawdownId).toBe(`${facilityId}-D0001`);
    const valued = await valueAsOf(facilityId, '2026-01-06');
    expect(valued.status, valued.text).toBe(200);
    expect(valued.body.drawdowns.map((d: { drawdownId: string }) => d.drawdownId)).toEqual([`${facilityId}-D0001`]);
  });
});

describe('worked example 1: 1 000 000.00 drawn on 2026-01-05 at 3.45%', () => {
  it('accrues 1 533.33 by the 20th, is due on the 21st, overdue (DPD 1) on the 22nd, and a drawdown in arrears is refused', async () => {
    const { facilityId } = await openLine();
    const drawn = await draw(facilityId, OPENED_ON, '1000000.00');
    expect(drawn.status, drawn.text).toBe(201);
    expect(drawn.headers.get('idempotent-replayed')).toBeNull();
    expect(drawn.body).toMatchObject({
      drawdownId: `${facilityId}-D0001`,
      amount: '1000000.00',
      ratePercent: '3.4500', // 3.00% + 45 bp
      drawnDate: OPENED_ON,
      maturityDate: '2027-01-05', // the product's 365 days, which is also the facility's maturity
      firstLoan: true,
      facility: { principalOutstanding: '1000000.00', available: '1000000.00' },
    });

    // 5..20 January = 16 days: 100 000 000 × 16 × 34 500 / 360 000 000 = 153 333.33 → 1 533.33.
    const on20th = await valueAsOf(facilityId, '2026-01-20');
    expect(on20th.body).toMatchObject({ asOf: '2026-01-20', accruedInterest: '1533.33', interestDue: '0.00', overdueInterest: '0.00', payoffAmount: '1001533.33', daysPastDue: 0 });

    // Settled at the end of the 20th, due on the 21st; the 21st itself accrues one day: 9 583.33 → 95.83.
    // Interest due accrues compound interest (复利) from its 付息日, the 21st, should it stay unpaid that day:
    // 153 333 × 51 750 / 360 000 000 = 22.04 → 0.22 (a payment on the 21st does not owe it).
    const on21st = await valueAsOf(facilityId, '2026-01-21');
    expect(on21st.body).toMatchObject({ interestDue: '1533.33', accruedInterest: '95.83', overdueInterest: '0.00', compoundInterest: '0.22', daysPastDue: 0, classification: 'NORMAL' });
    // 1 000 000.00 + 1 533.33 + 95.83 + 0.22
    expect(on21st.body.payoffAmount).toBe('1001629.38');

    // Unpaid at the end of the 21st: overdue on the 22nd, DPD 1, special mention.
    // Accrued: 2 days = 19 166.67 → 191.67. Compound on the overdue 1 533.33 at the penalty rate
    // 34 500 × 1.5 = 51 750 ppm for the 21st and 22nd: 153 333 × 2 × 51 750 / 360 000 000 = 44.08 → 0.44.
    const on22nd = await valueAsOf(facilityId, '2026-01-22');
    expect(on22nd.body).toMatchObject({
      interestDue: '0.00',
      overdueInterest: '1533.33',
      accruedInterest: '191.67',
      compoundInterest: '0.44',
      penaltyInterest: '0.00',
      daysPastDue: 1,
      classification: 'SPECIAL_MENTION',
      payoffAmount: '1001725.44', // 1 000 000.00 + 1 533.33 + 191.67 + 0.44
    });

    const refused = await draw(facilityId, '2026-01-22', '100.00');
    expectProblem(refused, 422, 'facility-in-arrears');
    expect(await e2e.lastSeq(facilityId)).toBe(2);

    // A payment on the 22nd meets interest through the 21st (the payment day does not accrue):
    // compound for the 21st (0.22, paid first) and the overdue 1 533.33. It clears the arrears, so drawing works again.
    const paid = await repay(facilityId, '2026-01-22', '1533.55');
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body.allocation).toEqual({
      compoundInterest: '0.22',
      penaltyInterest: '0.00',
      overdueInterest: '1533.33',
      overduePrincipal: '0.00',
      interestDue: '0.00',
      principal: '0.00',
      accruedInterest: '0.00',
    });
    expect(paid.body.facility).toMatchObject({ daysPastDue: 0, classification: 'NORMAL', overdueInterest: '0.00' });
    // The journal names the event after the repayment, not after the classification change it caused.
    const events = await e2e.events(facilityId);
    expect(events.at(-1)?.type).toBe('RepaymentApplied');
    expect((events.at(-1)?.data as { events: { type: string }[] }).events.map((event) => event.type)).toEqual([
      'InterestSettled',
      'InterestOverdue',
      'ClassificationChanged',
      'RepaymentApplied',
      'ClassificationChanged',
    ]);
    expect((await draw(facilityId, '2026-01-22', '100.00')).status).toBe(201);
  });
});

describe('non-accrual (表外): the short loan unpaid from 2026-01-15 (docs/lending-rules.md)', () => {
  it('the view shows it non-accrual from DPD 91 with 11 893.81 off balance sheet; paid up, it still cannot draw (422 facility-non-performing)', async () => {
    const { facilityId } = await openLine();
    const drawn = await channel.on(OPENED_ON).post(`${facilityPath(facilityId)}/drawdowns`, { amount: '1000000.00', termDays: 10 });
    expect(drawn.status, drawn.text).toBe(201);
    // DPD 90 on 2026-04-15: still accruing, nothing off balance sheet.
    expect((await valueAsOf(facilityId, '2026-04-15')).body).toMatchObject({ daysPastDue: 90, classification: 'SPECIAL_MENTION', nonAccrual: false, nonAccrualSince: null, offBalanceInterest: '0.00' });
    // DPD 91 on 2026-04-16: receivable reversed to the memo account — interest 958.33, penalty and compound settled
    // on Jan/Feb/Mar 20 (9 343.75 + 8.96) and booked at the Mar 31 month end (1 581.25 + 1.52): 11 893.81.
    expect((await valueAsOf(facilityId, '2026-04-16')).body).toMatchObject({
      daysPastDue: 91,
      classification: 'SUBSTANDARD',
      nonAccrual: true,
      nonAccrualSince: '2026-04-16',
      offBalanceInterest: '11893.81',
    });
    // Paid in full on Apr 21 (principal 1 000 000.00 + interest 958.33 + penalty 13 800.00 + compound 13.23).
    const paid = await repay(facilityId, '2026-04-21', '1014771.56');
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body.facility).toMatchObject({ daysPastDue: 0, classification: 'SUBSTANDARD', nonAccrual: true, offBalanceInterest: '0.00', payoffAmount: '0.00' });
    const seq = await e2e.lastSeq(facilityId);
    expectProblem(await draw(facilityId, '2026-04-22', '100.00'), 422, 'facility-non-performing');
    expect(await e2e.lastSeq(facilityId)).toBe(seq);
  });
});

describe('worked example 2: the same, with 400 000.00 repaid on 2026-01-12', () => {
  it('allocates the repayment to principal (principal comes before accrued interest) and accrues 1 188.33 by the 20th', async () => {
    const { facilityId } = await openLine();
    await draw(facilityId, OPENED_ON, '1000000.00');
    const repaid = await repay(facilityId, '2026-01-12', '400000.00');
    expect(repaid.status, repaid.text).toBe(201);
    expect(repaid.body).toMatchObject({ repaymentId: `${facilityId}-R0001`, amount: '400000.00' });
    expect(repaid.body.allocation).toEqual({
      compoundInterest: '0.00',
      penaltyInterest: '0.00',
      overdueInterest: '0.00',
      overduePrincipal: '0.00',
      interestDue: '0.00',
      principal: '400000.00',
      accruedInterest: '0.00',
    });
    expect(repaid.body.facility).toMatchObject({ principalOutstanding: '600000.00', available: '1400000.00' });
    // 7 × 100 000 000 + 9 × 60 000 000 = 1 240 000 000; × 34 500 / 360 000 000 = 118 833.33 → 1 188.33.
    const on20th = await valueAsOf(facilityId, '2026-01-20');
    expect(on20th.body).toMatchObject({ accruedInterest: '1188.33', principalOutstanding: '600000.00', payoffAmount: '601188.33' });
  });

  it('refuses a payment above the payable (422 overpayment, nothing written) and takes the exact payoff, leaving nothing owed', async () => {
    const { facilityId } = await openLine();
    await draw(facilityId, OPENED_ON, '1000000.00');
    await repay(facilityId, '2026-01-12', '400000.00');
    // Payable on the 20th: interest through the 19th: 7 × 100 000 000 + 8 × 60 000 000 = 1 180 000 000
    // × 34 500 / 360 000 000 = 113 083.33 → 1 130.83; plus 600 000.00 principal = 601 130.83.
    const seq = await e2e.lastSeq(facilityId);
    expectProblem(await repay(facilityId, '2026-01-20', '601130.84'), 422, 'overpayment');
    expect(await e2e.lastSeq(facilityId)).toBe(seq);
    const payoff = await repay(facilityId, '2026-01-20', '601130.83');
    expect(payoff.status, payoff.text).toBe(201);
    expect(payoff.body.allocation).toMatchObject({ principal: '600000.00', accruedInterest: '1130.83', interestDue: '0.00' });
    expect(payoff.body.facility).toMatchObject({ principalOutstanding: '0.00', payoffAmount: '0.00', available: '2000000.00', drawdowns: [] });
    expect((await valueAsOf(facilityId, '2026-02-21')).body).toMatchObject({ payoffAmount: '0.00', interestDue: '0.00', daysPastDue: 0 });
  });

  it('the statement shows one row a day from the opening: balance, rate, the day’s exact interest and the running totals', async () => {
    const { facilityId, borrowerId } = await openLine();
    await draw(facilityId, OPENED_ON, '1000000.00');
    await repay(facilityId, '2026-01-12', '400000.00');
    const statement = await channel.get(`${facilityPath(facilityId)}/statement`, { query: { from: '2026-01-04', to: '2026-01-13' } });
    expect(statement.status, statement.text).toBe(200);
    const rows = statement.body.rows as Record<string, unknown>[];
    // No row for the 4th (before the line existed); 5th..13th = 9 rows.
    expect(rows.map((row) => row['date'])).toEqual(['05', '06', '07', '08', '09', '10', '11', '12', '13'].map((d) => `2026-01-${d}`));
    expect(rows[0]).toEqual({
      date: '2026-01-05',
      principal: '1000000.00',
      ratePercent: '3.4500',
      interestForDay: '95.8333', // 9 583.33… fen, shown to 0.0001 yuan; rounding happens once at settlement
      accruedInterest: '95.83',
      interestDue: '0.00',
      overdueInterest: '0.00',
      penaltyInterest: '0.00',
      payoffAmount: '1000095.83',
      daysPastDue: 0,
    });
    // 11th: 7 days × 9 583.33 = 67 083.33 → 670.83.
    expect(rows[6]).toMatchObject({ date: '2026-01-11', principal: '1000000.00', accruedInterest: '670.83', payoffAmount: '1000670.83' });
    // 12th (after the repayment): 60 000 000 × 34 500 / 360 000 000 = 5 750 fen = 57.5000 for the day;
    // running: 7 × 100 000 000 + 1 × 60 000 000 = 760 000 000 → 72 833.33 → 728.33.
    expect(rows[7]).toMatchObject({ date: '2026-01-12', principal: '600000.00', interestForDay: '57.5000', accruedInterest: '728.33', payoffAmount: '600728.33' });
    // 13th: 820 000 000 × 34 500 / 360 000 000 = 78 583.33 → 785.83.
    expect(rows[8]).toMatchObject({ date: '2026-01-13', accruedInterest: '785.83' });
    // The SME sees the same statement of its own line.
    const mine = await e2e.asSme(borrowerId).get(`/v1/me/facilities/${facilityId}/statement`, { query: { from: '2026-01-04', to: '2026-01-13' } });
    expect(mine.body).toEqual(statement.body);
    // A backwards range and a range of more than 366 days are refused.
    expectProblem(await channel.get(`${facilityPath(facilityId)}/statement`, { query: { from: '2026-01-13', to: '2026-01-12' } }), 400, 'validation-failed');
    expectProblem(await channel.get(`${facilityPath(facilityId)}/statement`, { query: { from: '2026-01-01', to: '2027-01-02' } }), 400, 'validation-failed');
  });
});

describe('idempotent commands', () => {
  it('the same key and body replays the original status and body (Idempotent-Replayed: true), even days later; another body is 422 and writes nothing', async () => {
    const { facilityId } = await openLine();
    const first = await draw(facilityId, OPENED_ON, '50000.00', 'dd-key-1');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    for (const date of [OPENED_ON, '2026-01-09']) {
      const replay = await draw(facilityId, date, '50000.00', 'dd-key-1');
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
    }
    expect(await e2e.lastSeq(facilityId)).toBe(2);

    expectProblem(await draw(facilityId, '2026-01-09', '50000.01', 'dd-key-1'), 422, 'idempotency-key-reused');
    const withTerm = await channel.on('2026-01-09').post(`${facilityPath(facilityId)}/drawdowns`, { amount: '50000.00', termDays: 30 }, { key: 'dd-key-1' });
    expectProblem(withTerm, 422, 'idempotency-key-reused');
    // A key names one request on the facility, whatever the command.
    expectProblem(await repay(facilityId, '2026-01-09', '50000.00', 'dd-key-1'), 422, 'idempotency-key-reused');
    expect(await e2e.lastSeq(facilityId)).toBe(2);

    const repaid = await repay(facilityId, '2026-01-10', '10000.00', 'rp-key-1');
    expect(repaid.status).toBe(201);
    const repaidAgain = await repay(facilityId, '2026-01-11', '10000.00', 'rp-key-1');
    expect(repaidAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(repaidAgain.body).toEqual(repaid.body);
    expectProblem(await repay(facilityId, '2026-01-11', '9999.99', 'rp-key-1'), 422, 'idempotency-key-reused');
    expect(await e2e.lastSeq(facilityId)).toBe(3);
    // A new command cannot be dated before the line's business date (now the 10th): the journal only moves forward.
    expectProblem(await repay(facilityId, '2026-01-09', '100.00'), 422, 'date-before-last-event');
    expect(await e2e.lastSeq(facilityId)).toBe(3);
    // 50 000.00 − 10 000.00, whatever was replayed in between.
    expect((await valueAsOf(facilityId, '2026-01-11')).body.principalOutstanding).toBe('40000.00');
  });
});

describe('concurrent commands on one line', () => {
  it('the same key sent 8 times at once makes one drawdown, and every caller gets its body', async () => {
    const { facilityId } = await openLine();
    const responses = await Promise.all(Array.from({ length: 8 }, () => draw(facilityId, OPENED_ON, '1000.00', 'burst-key')));
    for (const response of responses) {
      expect(response.status, response.text).toBe(201);
      expect(response.body).toEqual(responses[0]!.body);
    }
    expect(responses.filter((response) => response.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect((await e2e.events(facilityId)).map((event) => event.type)).toEqual(['FacilityOpened', 'DrawdownMade']);
  });

  it('12 clients drawing 200 000.00 each on a 2 000 000.00 line: none lost, none duplicated, never over the limit', async () => {
    const { facilityId } = await openLine();
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => draw(facilityId, OPENED_ON, '200000.00', `client-${i}`)));
    const accepted = responses.filter((response) => response.status === 201);
    for (const response of responses.filter((r) => r.status !== 201)) {
      // Refused for the limit, or after the bounded retries of a lost race: never a 5xx, never half done.
      expect([422, 409], response.text).toContain(response.status);
      expect(['insufficient-available-limit', 'concurrent-modification']).toContain(response.body.code);
    }
    // 2 000 000.00 / 200 000.00 = 10 at most.
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(10);
    const events = await e2e.events(facilityId);
    expect(events.filter((event) => event.type === 'DrawdownMade')).toHaveLength(accepted.length);
    expect(new Set(accepted.map((response) => response.body.drawdownId)).size).toBe(accepted.length);
    const valued = await valueAsOf(facilityId, OPENED_ON);
    expect(valued.body.principalOutstanding).toBe(`${accepted.length * 200000}.00`);
    expect(valued.body.available).toBe(`${2_000_000 - accepted.length * 200000}.00`);
  });
});

describe('idempotency keys belong to their caller', () => {
  it('another channel’s identical repayment under the same key is booked, not swallowed as a replay of the first', async () => {
    const { facilityId, borrowerId } = await openLine();
    await draw(facilityId, OPENED_ON, '100000.00');
    const counter = new Api(e2e.url, 'channel:e2e-counter');
    const mobile = await repay(facilityId, '2026-01-06', '100.00', 'shared-key');
    const branch = await counter.on('2026-01-06').post(`${facilityPath(facilityId)}/repayments`, { amount: '100.00' }, { key: 'shared-key' });
    expect(mobile.status).toBe(201);
    expect(branch.status, branch.text).toBe(201);
    expect(branch.headers.get('idempotent-replayed')).toBeNull();
    expect(branch.body.repaymentId).toBe(`${facilityId}-R0002`);
    // 100 000.00 − 100.00 − 100.00
    expect(branch.body.facility.principalOutstanding).toBe('99800.00');
    // Each caller still gets its own replay.
    const branchAgain = await counter.on('2026-01-07').post(`${facilityPath(facilityId)}/repayments`, { amount: '100.00' }, { key: 'shared-key' });
    expect(branchAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(branchAgain.body).toEqual(branch.body);
    // …and a key the channel used is no obstacle to the borrower's own command.
    const renewal = await e2e.asSme(borrowerId, '2026-01-07').post(`/v1/me/facilities/${facilityId}/renewals`, undefined, { key: 'shared-key' });
    expect(renewal.status, renewal.text).toBe(201);
    expect(await e2e.lastSeq(facilityId)).toBe(5);
  });
});

describe('the journal', () => {
  it('pages with an opaque cursor, in order, with balanced postings and the caller as actor', async () => {
    const { facilityId } = await openLine();
    await draw(facilityId, OPENED_ON, '1000000.00'); // seq 2
    await repay(facilityId, '2026-01-06', '10000.00'); // seq 3
    await draw(facilityId, '2026-01-07', '5000.00'); // seq 4
    const path = `${facilityPath(facilityId)}/events`;
    const first = await channel.get(path, { query: { limit: '2' } });
    expect(first.status, first.text).toBe(200);
    expect(first.body.items.map((event: { seq: number }) => event.seq)).toEqual([1, 2]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await channel.get(path, { query: { limit: '2', cursor: first.body.nextCursor } });
    expect(second.body.items.map((event: { seq: number }) => event.seq)).toEqual([3, 4]);
    // A full last page carries no cursor.
    expect(second.body.nextCursor).toBeUndefined();

    await repay(facilityId, '2026-01-08', '1000.00'); // seq 5
    const third = await channel.get(path, { query: { limit: '2', cursor: first.body.nextCursor } });
    expect(third.body.nextCursor).toEqual(expect.any(String));
    const last = await ops.get(path, { query: { limit: '2', cursor: third.body.nextCursor } });
    expect(last.body.items.map((event: { seq: number }) => event.seq)).toEqual([5]);
    expect(last.body.nextCursor).toBeUndefined();

    const all = await channel.get(path);
    const events = all.body.items as { seq: number; type: string; businessDate: string; actor: string; postings: { account: string; side: string; amount: string }[] }[];
    expect(events.map((event) => [event.seq, event.type, event.businessDate])).toEqual([
      [1, 'FacilityOpened', OPENED_ON],
      [2, 'DrawdownMade', OPENED_ON],
      [3, 'RepaymentApplied', '2026-01-06'],
      [4, 'DrawdownMade', '2026-01-07'],
      [5, 'RepaymentApplied', '2026-01-08'],
    ]);
    expect(new Set(events.map((event) => event.actor))).toEqual(new Set([CHANNEL]));
    expect(events[1]!.postings).toEqual([
      { account: 'LOAN_PRINCIPAL', side: 'DR', amount: '1000000.00' },
      { account: 'BORROWER_SETTLEMENT', side: 'CR', amount: '1000000.00' },
    ]);
    // Principal comes before accrued interest, so 10 000.00 is all principal.
    expect(events[2]!.postings).toEqual([
      { account: 'BORROWER_SETTLEMENT', side: 'DR', amount: '10000.00' },
      { account: 'LOAN_PRINCIPAL', side: 'CR', amount: '10000.00' },
    ]);
    for (const event of events) {
      const fen = (side: string) => event.postings.filter((p) => p.side === side).reduce((sum, p) => sum + Math.round(Number(p.amount) * 100), 0);
      expect(fen('DR')).toBe(fen('CR'));
    }
  });

  it("shows each event's data in the API's units: yuan and percent strings, never fen or ppm", async () => {
    const { facilityId } = await openLine();
    await draw(facilityId, OPENED_ON, '1000000.00');
    await repay(facilityId, '2026-01-06', '10000.00');
    const all = await channel.get(`${facilityPath(facilityId)}/events`);
    expect(all.status, all.text).toBe(200);
    expect(all.text).not.toMatch(/(Fen|Ppm)"\s*:/);
    const [opened, drawn, repaid] = all.body.items as { data: { command: Record<string, unknown>; events: { data: Record<string, unknown> }[] } }[];
    expect(opened!.data.command).toMatchObject({ type: 'OpenFacility', limit: '2000000.00' });
    // The 2025-12-22 fixing: LPR 3.00% + 45 bp.
    expect(drawn!.data.command).toMatchObject({ type: 'Drawdown', amount: '1000000.00', lprPercent: '3.0000' });
    expect(drawn!.data.events[0]!.data).toMatchObject({ amount: '1000000.00', lprPercent: '3.0000', spreadBp: 45 });
    // Principal first: the allocation by category is in yuan too.
    expect(repaid!.data.events[0]!.data).toMatchObject({ amount: '10000.00', allocation: expect.objectContaining({ PRINCIPAL: '10000.00', ACCRUED_INTEREST: '0.00' }) });
  });
});

describe('operations controls', () => {
  it('a frozen line refuses drawdowns (422 facility-frozen) but takes repayments; unfreezing restores drawing', async () => {
    const { facilityId } = await openLine();
    await draw(facilityId, OPENED_ON, '100000.00');
    const frozen = await ops.on('2026-01-06').post(`/v1/ops/facilities/${facilityId}/freeze`, { reason: 'KYC review' });
    expect(frozen.status, frozen.text).toBe(200);
    expect(frozen.body.status).toBe('FROZEN');
    const seq = await e2e.lastSeq(facilityId);
    expectProblem(await draw(facilityId, '2026-01-06', '100.00'), 422, 'facility-frozen');
    expect(await e2e.lastSeq(facilityId)).toBe(seq);
    const repaid = await repay(facilityId, '2026-01-06', '1000.00');
    expect(repaid.status).toBe(201);
    expect(repaid.body.facility).toMatchObject({ status: 'FROZEN', principalOutstanding: '99000.00' });
    expectProblem(await ops.on('2026-01-06').post(`/v1/ops/facilities/${facilityId}/freeze`, {}), 422, 'invalid-state');
    const unfrozen = await ops.on('2026-01-07').post(`/v1/ops/facilities/${facilityId}/unfreeze`, { reason: 'cleared' });
    expect(unfrozen.body.status).toBe('ACTIVE');
    expect((await draw(facilityId, '2026-01-07', '100.00')).status).toBe(201);
  });

  it('the limit cannot go below the principal outstanding (422, nothing written); at exactly the outstanding nothing is available', async () => {
    const { facilityId } = await openLine();
    await draw(facilityId, OPENED_ON, '1000000.00');
    const seq = await e2e.lastSeq(facilityId);
    const below = await ops.on('2026-01-06').put(`/v1/ops/facilities/${facilityId}/limit`, { limit: '999999.99' }, { key: 'limit-1' });
    expectProblem(below, 422, 'limit-below-outstanding');
    expect(await e2e.lastSeq(facilityId)).toBe(seq);
    const equal = await ops.on('2026-01-06').put(`/v1/ops/facilities/${facilityId}/limit`, { limit: '1000000.00' }, { key: 'limit-2' });
    expect(equal.status, equal.text).toBe(200);
    expect(equal.body).toMatchObject({ limit: '1000000.00', available: '0.00', principalOutstanding: '1000000.00' });
    expectProblem(await draw(facilityId, '2026-01-06', '100.00'), 422, 'insufficient-available-limit');
  });
});

// Last in the file: end of day advances every line of this file's table whose business date it reaches.
describe('end of day (POST /v1/ops/eod/{date})', () => {
  let first: ApiResponse;
  let second: ApiResponse;

  it('persists the settlement of the 20th once; a second run of the date changes nothing at all', async () => {
    const facilityId = uniqueId('F');
    await e2e.openFacility(facilityId, { borrowerId: uniqueId('B'), limit: '500000.00', effectiveDate: '2026-03-02', maturityDate: '2027-03-02', pricing: { spreadBp: 45 } }, '2026-03-02');
    await draw(facilityId, '2026-03-02', '100000.00');
    first = await ops.post('/v1/ops/eod/2026-03-20');
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ date: '2026-03-20', shards: 1024, failed: [] });
    expect(first.body.changed).toBeGreaterThanOrEqual(1);
    expect(first.body.eventsByType['InterestSettled']).toBeGreaterThanOrEqual(1);
    expect(first.body.portfolio.facilities).toBeGreaterThanOrEqual(1);

    // 2..20 March = 19 days: 10 000 000 × 19 × 34 500 / 360 000 000 = 18 208.33 → 182.08.
    const events = await e2e.events(facilityId);
    expect(events.map((event) => event.type)).toEqual(['FacilityOpened', 'DrawdownMade', 'EndOfDay']);
    const eod = events[2]!;
    expect(eod).toMatchObject({ businessDate: '2026-03-20', actor: 'system:eod' });
    expect((eod.data as { events: { type: string; data: { interestFen: number } }[] }).events).toEqual([
      expect.objectContaining({ type: 'InterestSettled', data: expect.objectContaining({ interestFen: 18_208 }) }),
    ]);
    expect(eod.postings).toEqual([
      { account: 'INTEREST_RECEIVABLE', side: 'DR', amountFen: 18_208 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 18_208 },
    ]);
    // What end of day persisted is what the inline catch-up computes: due on the 21st; and the
    // 20th can still be valued after it ran.
    expect((await valueAsOf(facilityId, '2026-03-21')).body).toMatchObject({ interestDue: '182.08', accruedInterest: '9.58' }); // 1 day: 958.33 fen
    expect((await valueAsOf(facilityId, '2026-03-20')).body).toMatchObject({ interestDue: '0.00', accruedInterest: '182.08' });
    const statement = await channel.get(`${facilityPath(facilityId)}/statement`, { query: { from: '2026-03-20', to: '2026-03-21' } });
    expect(statement.body.rows.map((row: Record<string, string>) => [row['date'], row['accruedInterest'], row['interestDue']])).toEqual([
      ['2026-03-20', '182.08', '0.00'],
      ['2026-03-21', '9.58', '182.08'],
    ]);

    // Journals, profiles, LPR and queue untouched; only the date's own report (EOD#<date>), if one is kept, may be rewritten.
    const unchanged = { exceptPk: /^EOD#/ };
    const before = await e2e.snapshot(unchanged);
    second = await ops.post('/v1/ops/eod/2026-03-20');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ date: '2026-03-20', changed: 0, eventsByType: {}, failed: [] });
    expect(second.body.processed).toBe(first.body.processed);
    expect(await e2e.snapshot(unchanged)).toBe(before);
    // The date's report is kept (the latest run's).
    const kept = await ops.get('/v1/ops/portfolio', { query: { date: '2026-03-20' } });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.body).toEqual(second.body);
  });

  // A re-run finds every state past the date and values the event before it instead (it once
  // reported, kept and emitted an empty portfolio).
  it('a second run of a date reports (and keeps) the same portfolio as the first', () => {
    expect(second.body.portfolio).toEqual(first.body.portfolio);
  });
});
