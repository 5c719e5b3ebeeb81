/**
 * The route × role matrix (the test strategy in docs/architecture.md) over real HTTP, for EVERY registered route: the test
 * iterates `routes`, so a new route is covered (and fails until it has a fixture below).
 *
 * Expected outcome, derived only from the route's `auth` and `roles`:
 *   - a route open to 'anonymous' (auth none) answers everyone;
 *   - no principal → 401 unauthenticated;
 *   - a role the route does not list → 403 forbidden;
 *   - an SME asking about another borrower's facility → 404 not-found (never 403: an SME
 *     must not learn which facility ids exist);
 *   - otherwise a documented 2xx.
 * Staff of the console call through its mount (CONSOLE_PREFIX) with a staff user pool token, as
 * API Gateway's staff authorizer hands it over: on a route open to ops, a member of the `ops`
 * group is ops and anyone else 403; a token of another pool is 403; every other route has no
 * console mount (404).
 * Refused calls run first and must leave the whole table unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsStaffToken } from '#http/auth.ts';
import { routes, type Operation, type RegisteredRoute } from '../../functions/routes.ts';
import { startE2e, uniqueId, type Api, type ApiResponse, type E2e } from './support.ts';

type Caller = 'channel' | 'ops' | 'sme-owner' | 'sme-other' | 'anonymous' | 'staff-ops' | 'staff-not-ops' | 'staff-other-pool';
const CALLERS: readonly Caller[] = ['channel', 'ops', 'sme-owner', 'sme-other', 'anonymous', 'staff-ops', 'staff-not-ops', 'staff-other-pool'];

/** What a request to one route looks like, built fresh for each call (commands get fresh ids). */
interface Fixture {
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}

/** Every request of the matrix is made on this business date (after all the setup below). */
const DAY = '2026-01-10';

let e2e: E2e;
const owner = uniqueId('OWNER');
const other = uniqueId('OTHER');
/** The owner's line: 100 000.00 drawn. */
const main = uniqueId('F');
/**
 * One-shot commands change what they act on (a frozen line cannot be frozen again): one target
 * for each caller allowed to run them, SigV4 ops and a staff member of the ops group.
 */
const ONE_SHOT_TARGETS = 2;
const targets = () => Array.from({ length: ONE_SHOT_TARGETS }, () => uniqueId('F'));
const toFreeze = targets();
const frozen = targets();
const toClose = targets();
/** A medium enterprise's lines, each with a renewal referred to operations. */
const referred = targets();
const referredBorrower = uniqueId('UNCHECKED');
const applicationIds: string[] = [];

beforeAll(async () => {
  e2e = await startE2e('authz');
  await e2e.publishLpr('2025-05-20', '3.00', '3.50');
  await e2e.putProfile(owner, { profileDate: '2026-01-02' });
  await e2e.putProfile(other, { profileDate: '2026-01-02' });
  await e2e.putProfile(referredBorrower, { fundsUseCompliant: 'unknown', profileDate: '2026-01-02' });
  const line = (borrowerId: string, maturityDate = '2027-01-05') => ({ borrowerId, limit: '1000000.00', effectiveDate: '2026-01-05', maturityDate, pricing: { spreadBp: 45 } });
  await e2e.openFacility(main, line(owner), '2026-01-05');
  for (const id of [...toFreeze, ...frozen, ...toClose]) await e2e.openFacility(id, line(owner), '2026-01-05');
  // Maturity 27 days after the application: inside the 30-day window; use of funds unconfirmed → REFERRED.
  for (const id of referred) await e2e.openFacility(id, line(referredBorrower, '2026-02-01'), '2026-01-05');
  const ch = e2e.asChannel('2026-01-05');
  expect((await ch.post(`/v1/facilities/${main}/drawdowns`, { amount: '100000.00' })).status).toBe(201);
  for (const id of frozen) expect((await e2e.asOps('2026-01-05').post(`/v1/ops/facilities/${id}/freeze`, {})).status).toBe(200);
  for (const id of referred) {
    const application = await e2e.asSme(referredBorrower, '2026-01-05').post(`/v1/me/facilities/${id}/renewals`);
    expect(application.body).toMatchObject({ status: 'REFERRED' });
    applicationIds.push(application.body.applicationId);
  }
  // A portfolio report to read: end of day for a date before every line here changes nothing but keeps the report.
  expect((await e2e.asOps().post('/v1/ops/eod/2026-01-03')).status).toBe(200);
});

afterAll(async () => {
  await e2e?.close();
  expect(e2e?.serverErrors ?? [], 'the local server itself failed').toEqual([]);
});

/**
 * A valid request for each operation. Typed as a Record over Operation: a new route does not
 * compile without one. `n` counts the callers served before (one-shot commands take the n-th target).
 */
const fixtures: Record<Operation, (n: number) => Fixture> = {
  'open-facility': () => ({
    path: `/v1/facilities/${uniqueId('F')}`,
    body: { borrowerId: owner, limit: '50000.00', effectiveDate: DAY, maturityDate: '2026-12-31', pricing: { spreadBp: 45 } },
  }),
  'get-facility': () => ({ path: `/v1/facilities/${main}`, query: { asOf: DAY } }),
  drawdown: () => ({ path: `/v1/facilities/${main}/drawdowns`, body: { amount: '1000.00' } }),
  repayment: () => ({ path: `/v1/facilities/${main}/repayments`, body: { amount: '1000.00' } }),
  'facility-events': () => ({ path: `/v1/facilities/${main}/events`, query: { limit: '10' } }),
  'facility-statement': () => ({ path: `/v1/facilities/${main}/statement`, query: { from: '2026-01-05', to: DAY } }),
  'renewal-check': () => ({ path: `/v1/facilities/${main}/renewal-checks` }),
  'pricing-quote': () => ({ path: '/v1/pricing/quotes', body: { borrowerId: owner, asOf: DAY } }),
  'my-facilities': () => ({ path: '/v1/me/facilities', query: { asOf: DAY } }),
  'my-facility': () => ({ path: `/v1/me/facilities/${main}` }),
  'my-events': () => ({ path: `/v1/me/facilities/${main}/events`, query: { limit: '10' } }),
  'my-statement': () => ({ path: `/v1/me/facilities/${main}/statement`, query: { from: '2026-01-05', to: DAY } }),
  'my-renewal-check': () => ({ path: `/v1/me/facilities/${main}/renewal-checks` }),
  'my-renewal': () => ({ path: `/v1/me/facilities/${main}/renewals` }),
  'ops-list-lpr': () => ({ path: '/v1/ops/lpr', query: { limit: '5' } }),
  'ops-put-lpr': () => ({ path: '/v1/ops/lpr/2025-05-20', body: { oneYear: '3.00', fiveYear: '3.50' } }),
  'ops-put-profile': () => ({
    path: `/v1/ops/borrowers/${uniqueId('B')}/profile`,
    body: {
      enterpriseSize: 'SMALL',
      registrationStatus: 'ACTIVE',
      taxRating: 'A',
      riskGrade: 3,
      collateral: 'NONE',
      relationship: { depositBalance: '0.00', settlementVolume: '0.00' },
      profileDate: DAY,
    },
  }),
  'ops-get-profile': () => ({ path: `/v1/ops/borrowers/${owner}/profile` }),
  'ops-freeze': (n) => ({ path: `/v1/ops/facilities/${toFreeze[n]}/freeze`, body: { reason: 'matrix' } }),
  'ops-unfreeze': (n) => ({ path: `/v1/ops/facilities/${frozen[n]}/unfreeze`, body: {} }),
  'ops-limit': () => ({ path: `/v1/ops/facilities/${main}/limit`, body: { limit: '1000000.00' } }),
  'ops-close': (n) => ({ path: `/v1/ops/facilities/${toClose[n]}/close` }),
  'ops-renewals': () => ({ path: '/v1/ops/renewals', query: { status: 'REFERRED' } }),
  'ops-renewal-decision': (n) => ({ path: `/v1/ops/facilities/${referred[n]}/renewals/${applicationIds[n]}/decision`, body: { decision: 'APPROVE', note: 'reviewed' } }),
  // The day before every line here opened: end of day finds nothing to do and writes nothing.
  'ops-eod': () => ({ path: '/v1/ops/eod/2026-01-04' }),
  'ops-portfolio': () => ({ path: '/v1/ops/portfolio', query: { date: '2026-01-03' } }),
  'ops-policy-report': () => ({ path: '/v1/ops/reports/policy', query: { month: '2026-01' } }),
  'ops-trial-balance': () => ({ path: '/v1/ops/ledger/trial-balance', query: { date: '2026-01-03' } }),
  'ops-postings': () => ({ path: '/v1/ops/ledger/postings', query: { date: '2026-01-03' } }),
  openapi: () => ({ path: '/openapi.json' }),
};

function apiFor(caller: Caller): Api {
  switch (caller) {
    case 'channel':
      return e2e.asChannel(DAY);
    case 'ops':
      return e2e.asOps(DAY);
    case 'sme-owner':
      return e2e.asSme(owner, DAY);
    case 'sme-other':
      return e2e.asSme(other, DAY);
    case 'anonymous':
      return e2e.asAnonymous(DAY);
    case 'staff-ops':
      return e2e.asStaff('ops', DAY);
    case 'staff-not-ops':
      return e2e.asStaff('notOps', DAY);
    case 'staff-other-pool':
      return e2e.asStaff('otherPool', DAY);
  }
}

type Expected = { readonly status: 401 | 403 | 404; readonly code: string } | 'allowed';

/** The rule of the matrix, from the route's registry entry alone. */
function expectedFor(route: RegisteredRoute, caller: Caller): Expected {
  const roles: readonly string[] = route.roles;
  if (caller.startsWith('staff-')) {
    if (!acceptsStaffToken(route)) return { status: 404, code: 'not-found' };
    return caller === 'staff-ops' ? 'allowed' : { status: 403, code: 'forbidden' };
  }
  if (roles.includes('anonymous')) return 'allowed';
  if (caller === 'anonymous') return { status: 401, code: 'unauthenticated' };
  const role = caller === 'sme-owner' || caller === 'sme-other' ? 'sme' : caller;
  if (!roles.includes(role)) return { status: 403, code: 'forbidden' };
  const pathParameters: readonly string[] = route.pathParameters;
  if (caller === 'sme-other' && pathParameters.includes('facilityId')) return { status: 404, code: 'not-found' };
  return 'allowed';
}

async function call(route: RegisteredRoute, caller: Caller, n = 0): Promise<ApiResponse> {
  const fixture = fixtures[route.operation](n);
  return apiFor(caller).request(route.method, fixture.path, {
    ...(fixture.body === undefined ? {} : { body: fixture.body }),
    ...(fixture.query === undefined ? {} : { query: fixture.query }),
    key: route.requiresIdempotencyKey ? uniqueId('key') : null,
  });
}

describe('authorization matrix', () => {
  it('has a valid request for every registered route, and for nothing else', () => {
    expect(Object.keys(fixtures).sort()).toEqual(routes.map((route) => route.operation).sort());
  });

  it('covers every role the registry can name, and every route allows at least one caller', () => {
    for (const route of routes) expect(CALLERS.some((caller) => expectedFor(route, caller) === 'allowed'), route.operation).toBe(true);
    // Sanity of the rule itself on routes we know: a channel command, an SME route, an ops route.
    const byOp = (op: Operation) => routes.find((route) => route.operation === op)!;
    expect(CALLERS.map((caller) => expectedFor(byOp('drawdown'), caller))).toEqual([
      'allowed',
      { status: 403, code: 'forbidden' },
      { status: 403, code: 'forbidden' },
      { status: 403, code: 'forbidden' },
      { status: 401, code: 'unauthenticated' },
      // No console mount for a channel-only route.
      { status: 404, code: 'not-found' },
      { status: 404, code: 'not-found' },
      { status: 404, code: 'not-found' },
    ]);
    expect(CALLERS.map((caller) => expectedFor(byOp('my-facility'), caller))).toEqual([
      { status: 403, code: 'forbidden' },
      { status: 403, code: 'forbidden' },
      'allowed',
      { status: 404, code: 'not-found' },
      { status: 401, code: 'unauthenticated' },
      { status: 404, code: 'not-found' },
      { status: 404, code: 'not-found' },
      { status: 404, code: 'not-found' },
    ]);
    // An ops route: SigV4 ops, or a member of the staff pool's ops group on the console mount.
    expect(CALLERS.map((caller) => expectedFor(byOp('ops-renewal-decision'), caller))).toEqual([
      { status: 403, code: 'forbidden' },
      'allowed',
      { status: 403, code: 'forbidden' },
      { status: 403, code: 'forbidden' },
      { status: 401, code: 'unauthenticated' },
      'allowed',
      { status: 403, code: 'forbidden' },
      { status: 403, code: 'forbidden' },
    ]);
    expect(expectedFor(byOp('openapi'), 'anonymous')).toBe('allowed');
    expect(expectedFor(byOp('openapi'), 'staff-ops')).toEqual({ status: 404, code: 'not-found' });
  });

  describe.each(routes.map((route) => [`${route.operation}: ${route.method} ${route.path} (${route.auth}: ${route.roles.join(', ')})`, route] as const))('%s', (_name, route) => {
    it('refuses the callers it must (writing nothing) and serves the others', async () => {
      const refused = CALLERS.filter((caller) => expectedFor(route, caller) !== 'allowed');
      const allowed = CALLERS.filter((caller) => expectedFor(route, caller) === 'allowed');
      const before = await e2e.snapshot();
      for (const caller of refused) {
        const expected = expectedFor(route, caller) as Exclude<Expected, 'allowed'>;
        const response = await call(route, caller);
        expect(response.status, `${caller}: ${response.text}`).toBe(expected.status);
        expect(response.contentType, caller).toBe('application/problem+json');
        expect(response.body, caller).toMatchObject({ status: expected.status, code: expected.code, title: expect.any(String), detail: expect.any(String) });
      }
      expect(await e2e.snapshot(), 'a refused call wrote to the table').toBe(before);

      const declared = Object.keys(route.responses).map(Number);
      for (const [n, caller] of allowed.entries()) {
        const response = await call(route, caller, n);
        expect(declared, `${caller}: ${response.status} ${response.text}`).toContain(response.status);
        expect(response.contentType, caller).toBe('application/json');
      }
    });
  });

  it('an SME lists only its own lines; another SME sees none of the owner’s', async () => {
    const mine = await e2e.asSme(owner, DAY).get('/v1/me/facilities');
    const ids = (mine.body.items as { facilityId: string }[]).map((item) => item.facilityId);
    expect(ids).toEqual(expect.arrayContaining([main, ...toFreeze, ...frozen]));
    const theirs = await e2e.asSme(other, DAY).get('/v1/me/facilities');
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
  });

  it('an unknown facility and another borrower’s facility look the same to an SME: 404 not-found', async () => {
    const sme = e2e.asSme(other, DAY);
    const unknown = await sme.get(`/v1/me/facilities/${uniqueId('NOPE')}`);
    const foreign = await sme.get(`/v1/me/facilities/${main}`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not-found']);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'not-found']);
  });
});
