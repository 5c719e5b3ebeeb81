/**
 * Boundary cases an integrator's audit found over real HTTP: the edges of the calendar (the last
 * business date the service knows, 2199-12-31), and reads or commands a caller can make slow. Each
 * answers a 2xx or a 4xx problem with a stable code, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { daysBetween } from '#domain/calendar.ts';
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
