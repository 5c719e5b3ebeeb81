/**
 * The OpenAPI document's request and response examples (functions/examples.json) are what the
 * README's walk-throughs send and get back: this file runs them as written (same ids, bodies,
 * principals, dates and Idempotency-Keys) on a table of its own seeded with `npm start`'s LPR
 * fixings, plus a few calls the README does not make (marked "beyond the README") so that every
 * operation has one, and compares what it captured with the file.
 *
 * When a response shape changes on purpose, regenerate the file and review its diff:
 *
 *   npx vitest run test/e2e/readme-examples.test.ts -u
 *
 * Volatile values are pinned: the journal's recordedAt (wall-clock time of the write) becomes
 * RECORDED_AT. A request the README sends without x-dev-business-date gets one here (noted), so
 * the captured answer does not depend on the day the test runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, startE2e, type ApiResponse, type E2e } from './support.ts';

let e2e: E2e;
/** The README's principals. */
let channel: Api;
let ops: Api;

/** What functions/examples.json holds: per operation, a request body and response bodies by status. */
type Examples = Record<string, { request?: unknown; responses: Record<string, unknown> }>;
const captured: Examples = {};

const RECORDED_AT = '2026-01-05T02:00:00.000Z';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function pinned(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => pinned(item));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pinned(v, k)]));
  if (key === 'recordedAt' && typeof value === 'string' && TIMESTAMP.test(value)) return RECORDED_AT;
  return value;
}

/** Keeps `response` (and the body sent) as the example of `operation`: the first one kept wins. */
function keep(operation: string, response: ApiResponse, request?: unknown): ApiResponse {
  expect(response.status, `${operation}: ${response.text}`).toBeLessThan(300);
  const entry = (captured[operation] ??= { responses: {} });
  if (request !== undefined && entry.request === undefined) entry.request = request;
  entry.responses[String(response.status)] ??= pinned(response.body);
  return response;
}

const put = (api: Api, path: string, body: unknown, date?: string) => (date === undefined ? api : api.on(date)).put(path, body);
/** Keeps a refusal as the example of its status for `operation`: a problem document. */
function keepProblem(operation: string, response: ApiResponse, code: string): void {
  expect(response.body, `${operation}: ${response.text}`).toMatchObject({ code });
  expect(response.contentType).toBe('application/problem+json');
  (captured[operation] ??= { responses: {} }).responses[String(response.status)] ??= response.body;
}

const post = (api: Api, path: string, body: unknown, key: string | null, date: string) => api.on(date).post(path, body, { key });

beforeAll(async () => {
  e2e = await startE2e('readme-examples');
  channel = new Api(e2e.url, 'channel:mobile-bank');
  ops = new Api(e2e.url, 'ops:ops-desk');
});

afterAll(async () => {
  await e2e?.close();
  expect(e2e?.serverErrors ?? [], 'the local server itself failed').toEqual([]);
});

describe("the README's walk-throughs, as the OpenAPI examples", () => {
  it('a facility, the renewal paths and end of day answer as the README says; the examples file is what they answered', { timeout: 120_000 }, async () => {
    // npm start's seed (local/seed.ts): the LPR fixings the walk-throughs price with.
    for (const [date, oneYear, fiveYear] of [
      ['2024-07-22', '3.3500', '3.8500'],
      ['2024-10-21', '3.1000', '3.6000'],
      ['2025-05-20', '3.0000', '3.5000'],
    ] as const) {
      keep('ops-put-lpr', await put(ops, `/v1/ops/lpr/${date}`, { oneYear, fiveYear }, '2025-05-20'), { oneYear, fiveYear });
    }

    // ---- A walk through a facility's life ----
    const walk = { borrowerId: 'BOR-DEMO-001', limit: '2000000.00', effectiveDate: '2026-01-02', maturityDate: '2027-01-02', pricing: { spreadBp: 45 } };
    keep('open-facility', await put(channel, '/v1/facilities/FAC-WALK-1', walk, '2026-01-02'), walk);
    keep('drawdown', await post(channel, '/v1/facilities/FAC-WALK-1/drawdowns', { amount: '1000000.00' }, 'w-1', '2026-01-05'), { amount: '1000000.00' });
    const valued = keep('get-facility', await channel.get('/v1/facilities/FAC-WALK-1', { query: { asOf: '2026-01-20' } }));
    // 16 days (5..20 Jan) × 1 000 000.00 × 3.45% / 360 = 1 533.33
    expect(valued.body.accruedInterest).toBe('1533.33');
    keep('repayment', await post(channel, '/v1/facilities/FAC-WALK-1/repayments', { amount: '400000.00' }, 'w-2', '2026-01-12'), { amount: '400000.00' });
    // 7 days × 1 000 000.00 + 9 days × 600 000.00 at 3.45% / 360 = 670.83 + 517.50 = 1 188.33
    expect((await channel.get('/v1/facilities/FAC-WALK-1', { query: { asOf: '2026-01-20' } })).body.accruedInterest).toBe('1188.33');
    keep('facility-statement', await channel.get('/v1/facilities/FAC-WALK-1/statement', { query: { from: '2026-01-01', to: '2026-01-31' } }));
    keep('drawdown', await post(channel, '/v1/facilities/FAC-WALK-1/drawdowns', { amount: '50000.00', termDays: 90 }, 'w-3', '2026-01-15'));
    keep('facility-events', await channel.get('/v1/facilities/FAC-WALK-1/events', { query: { limit: '2' } }));
    const early = await post(channel, '/v1/facilities/FAC-WALK-1/repayments', { amount: '100.00' }, 'w-4', '2026-01-14');
    keepProblem('repayment', early, 'date-before-last-event');

    // Beyond the README: the operations desk's controls on the same line, and a line that is closed.
    keep('ops-freeze', await post(ops, '/v1/ops/facilities/FAC-WALK-1/freeze', { reason: 'KYC refresh pending' }, 'f-1', '2026-01-16'), { reason: 'KYC refresh pending' });
    keep('ops-unfreeze', await post(ops, '/v1/ops/facilities/FAC-WALK-1/unfreeze', { reason: 'KYC refreshed' }, 'u-1', '2026-01-16'), { reason: 'KYC refreshed' });
    keep('ops-limit', await ops.on('2026-01-16').put('/v1/ops/facilities/FAC-WALK-1/limit', { limit: '1500000.00' }, { key: 'l-1' }), { limit: '1500000.00' });
    const unused = { ...walk, limit: '100000.00' };
    await put(channel, '/v1/facilities/FAC-WALK-2', unused, '2026-01-02');
    keep('ops-close', await post(ops, '/v1/ops/facilities/FAC-WALK-2/close', undefined, 'cl-1', '2026-01-16'));
    keep('ops-list-lpr', await ops.get('/v1/ops/lpr', { query: { limit: '3' } }));
    // Beyond the README: refusals an integrator meets first (each writes nothing).
    // Available: 1 500 000.00 − 1 050 000.00 + 400 000.00 repaid = 850 000.00 < 1 000 000.00
    keepProblem('drawdown', await post(channel, '/v1/facilities/FAC-WALK-1/drawdowns', { amount: '1000000.00' }, 'w-5', '2026-01-16'), 'insufficient-available-limit');
    keepProblem('drawdown', await post(channel, '/v1/facilities/FAC-WALK-1/drawdowns', { amount: '100.005' }, 'w-6', '2026-01-16'), 'validation-failed');
    keepProblem('open-facility', await put(channel, '/v1/facilities/FAC-WALK-1', { ...walk, limit: '3000000.00' }, '2026-01-16'), 'facility-exists');
    keepProblem('get-facility', await channel.get('/v1/facilities/FAC-NONE'), 'not-found');
    keepProblem('get-facility', await new Api(e2e.url, undefined).get('/v1/facilities/FAC-WALK-1'), 'unauthenticated');

    // ---- Renewal walk-through: 1. approved at once ----
    const profile = {
      enterpriseSize: 'SMALL',
      registrationStatus: 'ACTIVE',
      taxRating: 'A',
      riskGrade: 3,
      collateral: 'GUARANTEE',
      relationship: { depositBalance: '2000000.00', settlementVolume: '0.00' },
      profileDate: '2026-12-01',
    };
    // The README sends the profiles without a business date; here: the profile's own date.
    keep('ops-put-profile', await put(ops, '/v1/ops/borrowers/BOR-DEMO-B/profile', { ...profile, fundsUseCompliant: true }, '2026-12-01'), { ...profile, fundsUseCompliant: true });
    const lineB = { borrowerId: 'BOR-DEMO-B', limit: '500000.00', effectiveDate: '2026-02-01', maturityDate: '2027-01-31', pricing: { spreadBp: 60 } };
    await put(channel, '/v1/facilities/FAC-DEMO-B', lineB, '2026-02-01');
    await post(channel, '/v1/facilities/FAC-DEMO-B/drawdowns', { amount: '300000.00' }, 'b-1', '2026-12-25');
    // Beyond the README: the channel's view of the same checks, a price quote and the profile as stored.
    keep('renewal-check', await post(channel, '/v1/facilities/FAC-DEMO-B/renewal-checks', undefined, null, '2027-01-12'));
    keep('pricing-quote', await post(channel, '/v1/pricing/quotes', { borrowerId: 'BOR-DEMO-B' }, null, '2027-01-12'), { borrowerId: 'BOR-DEMO-B' });
    keep('ops-get-profile', await ops.on('2027-01-12').get('/v1/ops/borrowers/BOR-DEMO-B/profile'));

    const smeB = new Api(e2e.url, 'sme:BOR-DEMO-B');
    keep('my-renewal-check', await post(smeB, '/v1/me/facilities/FAC-DEMO-B/renewal-checks', undefined, null, '2027-01-12'));
    const approved = keep('my-renewal', await post(smeB, '/v1/me/facilities/FAC-DEMO-B/renewals', undefined, 'rn-b', '2027-01-12'));
    expect(approved.body).toMatchObject({ applicationId: 'FAC-DEMO-B-A3', status: 'APPROVED' });
    await post(channel, '/v1/facilities/FAC-DEMO-B/repayments', { amount: '810.00' }, 'b-r1', '2027-01-21');
    const renewed = keep('my-facility', await smeB.on('2027-01-31').get('/v1/me/facilities/FAC-DEMO-B'));
    // D0001's interest to maturity, 21..30 Jan = 10 days × 300 000.00 × 3.60% / 360 = 300.00
    expect(renewed.body.interestDue).toBe('300.00');
    await post(channel, '/v1/facilities/FAC-DEMO-B/repayments', { amount: '300.00' }, 'b-r2', '2027-01-31');
    // Beyond the README: another borrower's line is 404 to an SME, never 403.
    keepProblem('my-facility', await new Api(e2e.url, 'sme:BOR-DEMO-C').on('2027-01-31').get('/v1/me/facilities/FAC-DEMO-B'), 'not-found');
    // Beyond the README: the SME's own list, statement and journal.
    keep('my-facilities', await smeB.on('2027-01-31').get('/v1/me/facilities'));
    keep('my-statement', await smeB.on('2027-01-31').get('/v1/me/facilities/FAC-DEMO-B/statement', { query: { from: '2027-01-29', to: '2027-01-31' } }));
    keep('my-events', await smeB.on('2027-01-31').get('/v1/me/facilities/FAC-DEMO-B/events', { query: { limit: '2' } }));

    // ---- 2. Referred, then decided by operations ----
    await put(ops, '/v1/ops/borrowers/BOR-DEMO-C/profile', { ...profile, fundsUseCompliant: 'unknown' }, '2026-12-01');
    await put(channel, '/v1/facilities/FAC-DEMO-C', { ...lineB, borrowerId: 'BOR-DEMO-C' }, '2026-02-01');
    await post(channel, '/v1/facilities/FAC-DEMO-C/drawdowns', { amount: '200000.00' }, 'c-1', '2026-12-25');
    const smeC = new Api(e2e.url, 'sme:BOR-DEMO-C');
    const referred = keep('my-renewal', await post(smeC, '/v1/me/facilities/FAC-DEMO-C/renewals', undefined, 'rn-c', '2027-01-12'));
    expect(referred.body).toMatchObject({ applicationId: 'FAC-DEMO-C-A3', status: 'REFERRED' });
    keep('ops-renewals', await ops.on('2027-01-12').get('/v1/ops/renewals', { query: { status: 'REFERRED' } }));
    const decision = { decision: 'APPROVE', note: 'purchase invoices match the agreed use' };
    keep('ops-renewal-decision', await post(ops, '/v1/ops/facilities/FAC-DEMO-C/renewals/FAC-DEMO-C-A3/decision', decision, 'dec-c', '2027-01-13'), decision);
    await post(channel, '/v1/facilities/FAC-DEMO-C/repayments', { amount: '540.00' }, 'c-r1', '2027-01-21');
    expect((await channel.get('/v1/facilities/FAC-DEMO-C', { query: { asOf: '2027-01-31' } })).body.interestDue).toBe('200.00');

    // ---- End of day (README: End of day), run by hand, and the date's report ----
    keep('ops-eod', await post(ops, '/v1/ops/eod/2026-01-20', undefined, null, '2026-01-21'));
    keep('ops-portfolio', await ops.on('2026-01-21').get('/v1/ops/portfolio', { query: { date: '2026-01-20' } }));

    const sorted = Object.fromEntries(Object.keys(captured).sort().map((operation) => [operation, captured[operation]]));
    await expect(`${JSON.stringify(sorted, null, 2)}\n`, 'functions/examples.json is not what the walk-throughs answer: regenerate it (vitest -u) and review the diff').toMatchFileSnapshot(
      '../../functions/examples.json',
    );
  });
});
