/**
 * Boundary cases an integrator's audit found over real HTTP: the edges of the calendar (the last
 * business date the service knows, 2199-12-31), and reads or commands a caller can make slow. Each
 * answers a 2xx or a 4xx problem with a stable code, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from './support.ts';

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
