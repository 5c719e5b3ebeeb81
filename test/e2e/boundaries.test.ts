/**
 * Boundary cases an integrator's audit found over real HTTP: the edges of the calendar (the last
 * business date the service knows, 2199-12-31), and reads or commands a caller can make slow. Each
 * answers a 2xx or a 4xx problem with a stable code, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { daysBetween, toDay } from '#domain/calendar.ts';
import type { FacilityState } from '#domain/state.ts';
import { startE2e, uniqueId, type E2e } from './support.ts';

/**
 * Days `advance` (the date-driven transitions) walked, summed over its calls in this process: the
 * server runs in it. A read's work is bounded by the days it must walk, never by a wall clock.
 */
const walked = vi.hoisted(() => ({ days: 0 }));
vi.mock('#domain/advance.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('#domain/advance.ts')>();
  return {
    ...original,
    advance: (state: FacilityState, toDate: string, ...rest: [never?]) => {
      walked.days += Math.max(0, daysBetween(state.businessDate, toDate));
      return original.advance(state, toDate, ...rest);
    },
    // What every command's rule advances its draft with.
    advanceDraft: (draft: FacilityState, target: number, ...rest: Parameters<typeof original.advanceDraft> extends [unknown, unknown, ...infer R] ? R : never) => {
      walked.days += Math.max(0, target - toDay(draft.businessDate));
      return original.advanceDraft(draft, target, ...rest);
    },
  };
});

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e('boundaries');
  await e2e.publishLpr('2025-05-20', '3.00', '3.50');
});

afterAll(async () => {
  await e2e?.close();
  expect(e2e?.serverErrors ?? []).toEqual([]);
});

describe('the last month and year of the calendar', () => {
  it.each<Record<string, string>>([{ month: '2199-12' }, { year: '2199' }])('GET /v1/ops/reports/policy?%o on 2199-12-31 is a 404 (no report yet), not a 500', async (query) => {
    // December 2199's last day is the calendar's last; the month after it (2200-01) is past the calendar.
    const r = await e2e.asOps('2199-12-31').get('/v1/ops/reports/policy', { query });
    expect([r.status, r.body.code], r.text).toEqual([404, 'not-found']);
  });
});

describe('a statement long after the last event', () => {
  it('walks the gap once, not once per row, and each row equals the view as of its day', async () => {
    const facilityId = uniqueId('F');
    const borrowerId = uniqueId('B');
    await e2e.putProfile(borrowerId);
    await e2e.openFacility(facilityId, { borrowerId, limit: '1000000.00', effectiveDate: '2026-01-02', maturityDate: '2027-01-02', pricing: { spreadBp: 45 } }, '2026-01-02');
    const channel = e2e.asChannel('2026-01-05');
    for (const amount of ['100000.00', '200000.00', '300000.00']) expect((await channel.post(`/v1/facilities/${facilityId}/drawdowns`, { amount })).status).toBe(201);

    // Nothing happened on the line since 2026-01-05; the statement is read on 2199-12-31, 174 years on.
    const reader = e2e.asChannel('2199-12-31');
    walked.days = 0;
    const statement = await reader.get(`/v1/facilities/${facilityId}/statement`, { query: { from: '2199-12-01', to: '2199-12-31' } });
    expect(statement.status, statement.text).toBe(200);
    expect(statement.body.rows).toHaveLength(31);
    // Once from the last event to the first row, then a day per row (a few more: each row's valuation).
    const gap = daysBetween('2026-01-05', '2199-12-01');
    expect(walked.days).toBeLessThanOrEqual(gap + 2 * 31);

    for (const row of [statement.body.rows[0], statement.body.rows[17], statement.body.rows[30]]) {
      const view = await reader.get(`/v1/facilities/${facilityId}`, { query: { asOf: row.date } });
      expect(view.status, view.text).toBe(200);
      expect(row).toMatchObject({ principal: view.body.principalOutstanding, accruedInterest: view.body.accruedInterest, interestDue: view.body.interestDue, overdueInterest: view.body.overdueInterest, payoffAmount: view.body.payoffAmount, daysPastDue: view.body.daysPastDue });
    }
  }, 120_000);
});

describe('a command long after the last event', () => {
  it('catches up 50 years of 20 overdue drawdowns in chunks, walking the gap a few times, not once per chunk', async () => {
    const facilityId = uniqueId('F');
    const borrowerId = uniqueId('B');
    await e2e.putProfile(borrowerId);
    await e2e.openFacility(facilityId, { borrowerId, limit: '50000000.00', effectiveDate: '2026-01-05', maturityDate: '2030-12-31', pricing: { spreadBp: 45 } }, '2026-01-05');
    const channel = e2e.asChannel('2026-01-05');
    // 20 drawdowns (the product's cap) of 90…356 days: all overdue within a year, and for 50 years after.
    for (let i = 0; i < 20; i++) {
      const r = await channel.post(`/v1/facilities/${facilityId}/drawdowns`, { amount: `${100_000 + i * 1_000}.00`, termDays: 90 + i * 14 });
      expect(r.status, r.text).toBe(201);
    }
    const before = await e2e.lastSeq(facilityId);

    walked.days = 0;
    const late = e2e.asChannel('2076-01-05');
    const repayment = await late.post(`/v1/facilities/${facilityId}/repayments`, { amount: '1000.00' }, { key: 'late-50y' });
    expect(repayment.status, repayment.text).toBe(201);
    const gap = daysBetween('2026-01-05', '2076-01-05');
    // Decided once on the whole gap (a refusal writes nothing), then each chunk's days: two walks and
    // each chunk's own check. Deciding the whole remaining gap again after every chunk was quadratic.
    expect(walked.days).toBeLessThanOrEqual(4 * gap);
    const events = await e2e.events(facilityId);
    expect(events.filter((e) => e.seq > before && e.actor === 'system:catch-up').length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ type: 'RepaymentApplied', businessDate: '2076-01-05' });

    // The answer is the facility's as of that day, and a retry is answered with it, writing nothing.
    const view = await late.get(`/v1/facilities/${facilityId}`);
    expect(repayment.body.facility).toEqual(view.body);
    const again = await late.post(`/v1/facilities/${facilityId}/repayments`, { amount: '1000.00' }, { key: 'late-50y' });
    expect([again.status, again.headers.get('idempotent-replayed'), again.text]).toEqual([201, 'true', repayment.text]);
    expect(await e2e.lastSeq(facilityId)).toBe(events.at(-1)!.seq);
  }, 120_000);
});

describe('how far ahead a read may look', () => {
  // 3 660 days: the longest facility term (1 827 days) twice over. Each day further is work a caller chooses.
  const AHEAD = 3_660;
  const plus = (date: string, days: number) => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);

  it(`values a line up to ${AHEAD} days after the business date, and refuses a day more with 400 validation-failed`, async () => {
    const facilityId = uniqueId('F');
    const borrowerId = uniqueId('B');
    await e2e.putProfile(borrowerId);
    await e2e.openFacility(facilityId, { borrowerId, limit: '1000000.00', effectiveDate: '2026-01-02', maturityDate: '2027-01-02', pricing: { spreadBp: 45 } }, '2026-01-02');
    const today = '2026-03-01';
    const last = plus(today, AHEAD);
    const over = plus(today, AHEAD + 1);
    const reads = [
      { api: e2e.asChannel(today), path: `/v1/facilities/${facilityId}`, param: 'asOf' },
      { api: e2e.asSme(borrowerId, today), path: `/v1/me/facilities/${facilityId}`, param: 'asOf' },
      { api: e2e.asSme(borrowerId, today), path: '/v1/me/facilities', param: 'asOf' },
    ];
    for (const { api, path, param } of reads) {
      expect((await api.get(path, { query: { [param]: last } })).status, `${path}?${param}=${last}`).toBe(200);
      const refused = await api.get(path, { query: { [param]: over } });
      expect([refused.status, refused.body.code], refused.text).toEqual([400, 'validation-failed']);
      expect(refused.body.errors).toEqual([{ path: param, message: `must be at most ${AHEAD} days after the business date ${today}` }]);
    }
    for (const [api, base] of [[e2e.asChannel(today), `/v1/facilities/${facilityId}`], [e2e.asSme(borrowerId, today), `/v1/me/facilities/${facilityId}`]] as const) {
      expect((await api.get(`${base}/statement`, { query: { from: plus(last, -10), to: last } })).status).toBe(200);
      const refused = await api.get(`${base}/statement`, { query: { from: plus(last, -10), to: over } });
      expect([refused.status, refused.body.code, refused.body.errors], refused.text).toEqual([400, 'validation-failed', [{ path: 'to', message: `must be at most ${AHEAD} days after the business date ${today}` }]]);
    }
  });
});
