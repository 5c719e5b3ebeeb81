/**
 * Renewal without repaying principal first (无还本续贷, DESIGN §8) and risk-based pricing (§9),
 * end to end: SMEs apply through their own routes (x-dev-principal sme:<borrowerId>),
 * operations set up data and review referrals, and lines live through months by
 * x-dev-business-date.
 *
 * Reference line: opened 2025-12-01, matures 2026-12-01 (the window opens on 2026-11-01),
 * limit 1 000 000.00, LPR 3.00% + 80 bp = 3.80% (38 000 ppm; penalty rate × 1.5 = 57 000 ppm).
 * Reference borrower: small enterprise, registration active, tax B, risk grade 4, guaranteed,
 * 1 000 000.00 on deposit, profile dated 2026-10-01.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, uniqueId, type ApiResponse, type E2e, type ProfileBody } from './support.ts';

const CHECKS = [
  'facility-status',
  'application-window',
  'no-arrears',
  'classification',
  'dpd-history',
  'business-registration',
  'tax-rating',
  'enterprise-size',
  'profile-freshness',
  'renewal-count',
] as const;
type CheckCode = (typeof CHECKS)[number];
type Decision = 'APPROVED' | 'REFERRED' | 'REJECTED';

const OPENED = '2025-12-01';
const MATURITY = '2026-12-01';
const PROFILE_DATE = '2026-10-01';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e('renewal');
  await e2e.publishLpr('2024-06-20', '3.00', '3.50');
  // Only the pricing tests look this far ahead (the spread floor): no renewal here is dated after it.
  await e2e.publishLpr('2031-01-20', '4.00', '4.50');
});

afterAll(async () => {
  await e2e?.close();
  expect(e2e?.serverErrors ?? [], 'the local server itself failed').toEqual([]);
});

interface Line {
  readonly facilityId: string;
  readonly borrowerId: string;
}

/** A borrower (with the reference profile unless `profile` is null) and the reference line. */
async function line(profile: Partial<ProfileBody> | null = {}, openedOn = OPENED): Promise<Line> {
  const facilityId = uniqueId('F');
  const borrowerId = uniqueId('B');
  if (profile !== null) await e2e.putProfile(borrowerId, { profileDate: PROFILE_DATE, ...profile });
  await e2e.openFacility(facilityId, { borrowerId, limit: '1000000.00', effectiveDate: openedOn, maturityDate: MATURITY, pricing: { spreadBp: 80 } }, openedOn);
  return { facilityId, borrowerId };
}

const sme = (l: Line, date: string) => e2e.asSme(l.borrowerId, date);
const apply = (l: Line, date: string, key?: string) => sme(l, date).post(`/v1/me/facilities/${l.facilityId}/renewals`, undefined, { key });
const preview = (l: Line, date: string) => sme(l, date).post(`/v1/me/facilities/${l.facilityId}/renewal-checks`);
const facilityAsOf = (l: Line, asOf: string) => e2e.asChannel().get(`/v1/facilities/${l.facilityId}`, { query: { asOf } });

async function draw(l: Line, date: string, amount: string): Promise<ApiResponse> {
  const r = await e2e.asChannel(date).post(`/v1/facilities/${l.facilityId}/drawdowns`, { amount });
  expect(r.status, r.text).toBe(201);
  return r;
}

async function repay(l: Line, date: string, amount: string): Promise<ApiResponse> {
  const r = await e2e.asChannel(date).post(`/v1/facilities/${l.facilityId}/repayments`, { amount });
  expect(r.status, r.text).toBe(201);
  return r;
}

function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.contentType).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status, code });
}

/** Every check, in order, with its outcome: PASS unless listed in `notPass`. */
function outcomes(notPass: Partial<Record<CheckCode, 'REFER' | 'REJECT'>> = {}): { code: CheckCode; outcome: string }[] {
  return CHECKS.map((code) => ({ code, outcome: notPass[code] ?? 'PASS' }));
}

// ---------------------------------------------------------------------------------------

type Step =
  | { readonly draw: string; readonly amount: string }
  /** `clears`: the amount is the hand-computed payoff, so nothing is owed afterwards. */
  | { readonly repay: string; readonly amount: string; readonly clears?: boolean }
  | { readonly freeze: string }
  /** An earlier renewal, approved, after refreshing the profile to `profileDate`. */
  | { readonly renew: string; readonly profileDate: string }
  /** Operations refresh the borrower's profile. */
  | { readonly profileDate: string };

interface Scenario {
  readonly name: string;
  /** Overrides of the reference profile; null: no profile at all. */
  readonly profile?: Partial<ProfileBody> | null;
  readonly openedOn?: string;
  readonly steps: readonly Step[];
  readonly applyOn: string;
  readonly decision: Decision;
  readonly notPass?: Partial<Record<CheckCode, 'REFER' | 'REJECT'>>;
  /** Expected `detail` of some checks. */
  readonly details?: Partial<Record<CheckCode, string>>;
}

/** 500 000.00 drawn on 2026-10-25, after October's settlement: nothing settles before 2026-11-20. */
const DRAWN = { draw: '2026-10-25', amount: '500000.00' } as const;

/**
 * An overdue episode of interest on 100 000.00 drawn on the 5th of March: March's interest
 * (5..20 March = 16 days: 10 000 000 × 16 × 38 000 / 360 000 000 = 16 888.89 → 168.89) is due on
 * the 21st and overdue from the 22nd (DPD 1). Each `payoff` is the exact amount payable that day.
 */
const EPISODE = {
  /** Paid on 22 March (DPD 1): 100 000.00 + 168.89 + 21 March accrued (10 000 000 × 38 000 / 360 000 000 = 1 055.56 → 10.56) = 100 179.45. */
  dpd1: (year: number): Step[] => [
    { draw: `${year}-03-05`, amount: '100000.00' },
    { repay: `${year}-03-22`, amount: '100179.45', clears: true },
  ],
  /**
   * Paid on 20 April (DPD 30: 22 March..20 April): 100 000.00 + 168.89
   * + accrued 21 March..19 April (30 days: 300 000 000 × 38 000 / 360 000 000 = 31 666.67 → 316.67)
   * + compound on 168.89 at 57 000 ppm for 22 March..19 April (29 days: 16 889 × 29 × 57 000 / 360 000 000 = 77.55 → 0.78)
   * = 100 486.34.
   */
  dpd30: (): Step[] => [
    { draw: '2026-03-05', amount: '100000.00' },
    { repay: '2026-04-20', amount: '100486.34', clears: true },
  ],
  /**
   * Paid on 21 April (DPD 31), after April's settlement: 100 000.00 + 168.89
   * + April's interest, 21 March..20 April (31 days: 310 000 000 × 38 000 / 360 000 000 = 32 722.22 → 327.22)
   * + compound settled on the 20th, 22 March..20 April (30 days: 16 889 × 30 × 57 000 / 360 000 000 = 80.22 → 0.80)
   * = 100 496.91.
   */
  dpd31: (): Step[] => [
    { draw: '2026-03-05', amount: '100000.00' },
    { repay: '2026-04-21', amount: '100496.91', clears: true },
  ],
};

const scenarios: readonly Scenario[] = [
  { name: 'a clean small borrower, 21 days before maturity', steps: [DRAWN], applyOn: '2026-11-10', decision: 'APPROVED' },
  {
    name: 'the day the window opens (maturity − 30 days)',
    steps: [DRAWN],
    applyOn: '2026-11-01',
    decision: 'APPROVED',
    details: { 'application-window': '30 days before maturity' },
  },
  {
    name: 'the day before the window opens',
    steps: [DRAWN],
    applyOn: '2026-10-31',
    decision: 'REJECTED',
    notPass: { 'application-window': 'REJECT' },
    details: { 'application-window': 'the window opens 30 days before maturity, on 2026-11-01' },
  },
  {
    // November's interest, 25 Oct..20 Nov = 27 days: 50 000 000 × 27 × 38 000 / 360 000 000 = 142 500 → 1 425.00, paid when due.
    name: 'the maturity date itself, November’s interest paid on time',
    steps: [DRAWN, { repay: '2026-11-21', amount: '1425.00' }],
    applyOn: MATURITY,
    decision: 'APPROVED',
    details: { 'application-window': '0 days before maturity' },
  },
  {
    name: 'the day after maturity (the line has matured)',
    steps: [],
    applyOn: '2026-12-02',
    decision: 'REJECTED',
    notPass: { 'facility-status': 'REJECT', 'application-window': 'REJECT' },
    details: { 'facility-status': 'facility is MATURED', 'application-window': 'the facility matured on 2026-12-01' },
  },
  {
    name: 'interest settled on the 20th and still unpaid on the 21st (due, not yet overdue)',
    steps: [DRAWN],
    applyOn: '2026-11-21',
    decision: 'REJECTED',
    notPass: { 'no-arrears': 'REJECT' },
    details: { 'no-arrears': 'settled interest is due and unpaid: pay it first' },
  },
  {
    name: 'interest overdue today (DPD 1)',
    steps: [DRAWN],
    applyOn: '2026-11-22',
    decision: 'REJECTED',
    notPass: { 'no-arrears': 'REJECT', classification: 'REJECT', 'dpd-history': 'REFER' },
    details: { classification: 'classified SPECIAL_MENTION' },
  },
  {
    name: 'interest overdue 1 day in March, paid up since',
    steps: [...EPISODE.dpd1(2026), DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'dpd-history': 'REFER' },
    details: { 'dpd-history': 'up to 1 days past due in the last 365 days' },
  },
  {
    name: 'overdue 30 days within the last 12 months, paid up since (the most that is referred)',
    steps: [...EPISODE.dpd30(), DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'dpd-history': 'REFER' },
    details: { 'dpd-history': 'up to 30 days past due in the last 365 days' },
  },
  {
    name: 'overdue 31 days within the last 12 months, paid up since',
    steps: [...EPISODE.dpd31(), DRAWN],
    applyOn: '2026-11-10',
    decision: 'REJECTED',
    notPass: { 'dpd-history': 'REJECT' },
    details: { 'dpd-history': '31 days past due in the last 365 days' },
  },
  {
    // The episode ended on 2025-03-22; the 365-day window of 2026-11-10 starts on 2025-11-11.
    name: 'an overdue episode more than 12 months before the application',
    openedOn: '2025-03-01',
    steps: [...EPISODE.dpd1(2025), DRAWN],
    applyOn: '2026-11-10',
    decision: 'APPROVED',
  },
  { name: 'tax credit rating M (new taxpayer)', profile: { taxRating: 'M' }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'APPROVED' },
  { name: 'tax credit rating C', profile: { taxRating: 'C' }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'REFERRED', notPass: { 'tax-rating': 'REFER' } },
  { name: 'tax credit rating D', profile: { taxRating: 'D' }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'REJECTED', notPass: { 'tax-rating': 'REJECT' } },
  {
    name: 'business registration SUSPENDED',
    profile: { registrationStatus: 'SUSPENDED' },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'REJECTED',
    notPass: { 'business-registration': 'REJECT' },
    details: { 'business-registration': 'business registration SUSPENDED' },
  },
  { name: 'business registration REVOKED', profile: { registrationStatus: 'REVOKED' }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'REJECTED', notPass: { 'business-registration': 'REJECT' } },
  { name: 'a medium enterprise', profile: { enterpriseSize: 'MEDIUM' }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'REFERRED', notPass: { 'enterprise-size': 'REFER' } },
  { name: 'a micro farmer (农户, in the policy’s scope)', profile: { enterpriseSize: 'MICRO', borrowerType: 'FARMER' }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'APPROVED' },
  {
    // 12 Aug → 10 Nov = 19 + 30 + 31 + 10 = 90 days.
    name: 'a profile exactly 90 days old',
    profile: { profileDate: '2026-08-12' },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'APPROVED',
  },
  {
    name: 'a stale profile, 91 days old',
    profile: { profileDate: '2026-08-11' },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'profile-freshness': 'REFER' },
    details: { 'profile-freshness': 'profile dated 2026-08-11 is 91 days old (max 90)' },
  },
  {
    name: 'a profile dated after the application',
    profile: { profileDate: '2026-11-15' },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'profile-freshness': 'REFER' },
  },
  {
    name: 'no borrower profile on file',
    profile: null,
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'business-registration': 'REFER', 'tax-rating': 'REFER', 'enterprise-size': 'REFER', 'profile-freshness': 'REFER' },
    details: { 'tax-rating': 'no borrower profile on file' },
  },
  {
    name: 'a frozen line',
    steps: [DRAWN, { freeze: '2026-11-05' }],
    applyOn: '2026-11-10',
    decision: 'REJECTED',
    notPass: { 'facility-status': 'REJECT' },
    details: { 'facility-status': 'facility is FROZEN' },
  },
  {
    // Three renewals (each a year on, inside its window, with a fresh profile) reach the maximum of 3.
    name: 'renewed 3 times already (the product maximum without review)',
    steps: [
      { renew: '2026-11-10', profileDate: '2026-11-01' },
      { renew: '2027-11-10', profileDate: '2027-11-01' },
      { renew: '2028-11-10', profileDate: '2028-11-01' },
      { profileDate: '2029-11-01' },
    ],
    applyOn: '2029-11-10',
    decision: 'REFERRED',
    notPass: { 'renewal-count': 'REFER' },
    details: { 'renewal-count': 'already renewed 3 times (max 3 without review)' },
  },
];

async function runStep(l: Line, step: Step): Promise<void> {
  if ('draw' in step) await draw(l, step.draw, step.amount);
  else if ('repay' in step) {
    const r = await repay(l, step.repay, step.amount);
    if (step.clears === true) expect(r.body.facility, `${step.amount} is the payoff on ${step.repay}`).toMatchObject({ payoffAmount: '0.00', principalOutstanding: '0.00' });
  } else if ('freeze' in step) {
    const r = await e2e.asOps(step.freeze).post(`/v1/ops/facilities/${l.facilityId}/freeze`, { reason: 'scenario' });
    expect(r.status, r.text).toBe(200);
  } else if ('renew' in step) {
    await e2e.putProfile(l.borrowerId, { profileDate: step.profileDate });
    const r = await apply(l, step.renew);
    expect(r.body, r.text).toMatchObject({ status: 'APPROVED' });
  } else {
    await e2e.putProfile(l.borrowerId, { profileDate: step.profileDate });
  }
}

describe('renewal decisions: one row per rule', () => {
  it('the table has at least 15 scenarios and reaches every check with a non-PASS outcome', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(15);
    const reached = new Set(scenarios.flatMap((s) => Object.keys(s.notPass ?? {})));
    expect([...reached].sort()).toEqual([...CHECKS].sort());
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const l = await line(scenario.profile === null ? null : { ...scenario.profile }, scenario.openedOn);
    for (const step of scenario.steps) await runStep(l, step);
    const before = await facilityAsOf(l, scenario.applyOn);
    const seq = await e2e.lastSeq(l.facilityId);

    // The preview says what the application will get, and writes nothing.
    const checked = await preview(l, scenario.applyOn);
    expect(checked.status, checked.text).toBe(200);
    expect(await e2e.lastSeq(l.facilityId)).toBe(seq);

    const applied = await apply(l, scenario.applyOn);
    expect(applied.status, applied.text).toBe(201);
    expect(applied.body).toMatchObject({ decision: scenario.decision, status: scenario.decision });
    expect(applied.body.checks.map((c: { code: string; outcome: string }) => ({ code: c.code, outcome: c.outcome }))).toEqual(outcomes(scenario.notPass));
    for (const [code, detail] of Object.entries(scenario.details ?? {})) {
      expect(applied.body.checks.find((c: { code: string }) => c.code === code)?.detail, code).toBe(detail);
    }
    expect(checked.body).toEqual({ decision: applied.body.decision, checks: applied.body.checks, proposal: applied.body.proposal });

    const events = await e2e.events(l.facilityId);
    expect(events).toHaveLength(seq + 1);
    const facility = applied.body.facility;
    const oldMaturity = before.body.maturityDate as string;
    if (scenario.decision === 'APPROVED') {
      expect(events.at(-1)?.type).toBe('FacilityRenewed');
      // Old maturity + 12 months, same day of the month.
      expect(facility.maturityDate).toBe(`${Number(oldMaturity.slice(0, 4)) + 1}${oldMaturity.slice(4)}`);
      expect(facility.renewalCount).toBe(before.body.renewalCount + 1);
      expect(facility.principalOutstanding).toBe(before.body.principalOutstanding);
    } else {
      expect(events.at(-1)?.type).toBe(scenario.decision === 'REFERRED' ? 'RenewalReferred' : 'RenewalRejected');
      expect(facility).toMatchObject({ maturityDate: oldMaturity, renewalCount: before.body.renewalCount });
      expect(facility.pendingRenewal).toBe(scenario.decision === 'REFERRED' ? applied.body.applicationId : null);
    }
  });
});

describe('an approved renewal', () => {
  it('keeps the principal, adds no repayment, moves maturity a year, reprices; drawing and repaying go on under the new terms', async () => {
    const l = await line();
    await draw(l, '2026-10-25', '500000.00');
    const r = await apply(l, '2026-11-10');
    expect(r.status, r.text).toBe(201);
    // Spread by the pricing model (DEFAULT_PRODUCT.pricing), by hand: funding 180 − LPR 300 + operating 60
    // + risk (grade 4: PD 80 bp × guarantee LGD 45% = 36) + capital 50 + margin 40 − relationship 5
    // (deposits ≥ 500 000.00; no settlement band) − first-loan 0 (already drawn) = 61 bp → 3.00% + 0.61% = 3.61%.
    expect(r.body.proposal).toEqual({ newMaturityDate: '2027-12-01', spreadBp: 61, ratePercent: '3.6100' });
    expect(r.body.facility).toMatchObject({
      principalOutstanding: '500000.00',
      maturityDate: '2027-12-01',
      renewalCount: 1,
      classification: 'NORMAL',
      spreadBp: 61,
      pendingRenewal: null,
    });
    // The open drawdown rolls into the new term at the new rate; penalty rate 36 100 × 1.5 = 54 150 ppm.
    expect(r.body.facility.drawdowns).toEqual([
      expect.objectContaining({ principalOutstanding: '500000.00', maturityDate: '2027-12-01', ratePercent: '3.6100', penaltyRatePercent: '5.4150', status: 'ACTIVE' }),
    ]);

    const events = await e2e.events(l.facilityId);
    expect(events.map((event) => event.type)).toEqual(['FacilityOpened', 'DrawdownMade', 'FacilityRenewed']);
    const renewed = events[2]!;
    expect(renewed.postings).toEqual([]);
    const data = renewed.data as { events: { type: string; data: Record<string, unknown> }[] };
    expect(data.events.map((event) => event.type)).toEqual(['FacilityRenewed']);
    expect(data.events[0]!.data).toMatchObject({
      applicationId: r.body.applicationId,
      oldMaturityDate: MATURITY,
      newMaturityDate: '2027-12-01',
      oldSpreadBp: 80,
      newSpreadBp: 61,
      newRatePpm: 36_100,
      oldRates: [{ drawdownId: `${l.facilityId}-D0001`, ratePpm: 38_000 }],
    });
    expect((data.events[0]!.data['checks'] as unknown[]).length).toBe(CHECKS.length);

    // November's interest spans the repricing: 25 Oct..9 Nov = 16 days at 3.80%, 10..20 Nov = 11 days at 3.61%:
    // 50 000 000 × (16 × 38 000 + 11 × 36 100) / 360 000 000 = 139 597.22 → 1 395.97, due on the 21st.
    const paid = await repay(l, '2026-11-21', '1395.97');
    expect(paid.body.allocation).toMatchObject({ interestDue: '1395.97', principal: '0.00' });
    // The old maturity passes without event: still active on 5 December.
    expect((await facilityAsOf(l, '2026-12-05')).body).toMatchObject({ status: 'ACTIVE', daysPastDue: 0 });

    // A new drawdown takes the new rate and the new maturity (351 days to 2027-12-01, within the 365 allowed).
    const more = await draw(l, '2026-12-15', '100000.00');
    expect(more.body).toMatchObject({ ratePercent: '3.6100', maturityDate: '2027-12-01', firstLoan: false });
    // Each drawdown (借据) rounds its own interest once: at 3.61%,
    //   500 000.00 for 21 Nov..20 Dec (30 days): 50 000 000 × 30 × 36 100 / 360 000 000 = 150 416.67 → 150 417
    //   100 000.00 for 15..20 Dec (6 days):      10 000 000 × 6 × 36 100 / 360 000 000 =   6 016.67 →   6 017
    // = 1 564.34 (one rounding of the facility's total, 156 433.33, would give 1 564.33: it is per loan note).
    expect((await facilityAsOf(l, '2026-12-20')).body).toMatchObject({ accruedInterest: '1564.34', principalOutstanding: '600000.00' });
    // Repaid on the 21st: the settled 1 564.34 first, then 98 435.66 of principal.
    const repaid = await repay(l, '2026-12-21', '100000.00');
    expect(repaid.body.allocation).toMatchObject({ interestDue: '1564.34', principal: '98435.66' });
    expect(repaid.body.facility).toMatchObject({ principalOutstanding: '501564.34', available: '498435.66', daysPastDue: 0 });
  });

  it('concurrent applications with one Idempotency-Key make one application event, and every caller gets the same body', async () => {
    const l = await line();
    await draw(l, '2026-10-25', '500000.00');
    const responses = await Promise.all(Array.from({ length: 8 }, () => apply(l, '2026-11-10', 'one-renewal-key')));
    for (const response of responses) expect(response.status, response.text).toBe(201);
    const [first] = responses;
    for (const response of responses) expect(response.body).toEqual(first!.body);
    expect(responses.filter((response) => response.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    const types = (await e2e.events(l.facilityId)).map((event) => event.type);
    expect(types).toEqual(['FacilityOpened', 'DrawdownMade', 'FacilityRenewed']);
    expect((await facilityAsOf(l, '2026-11-10')).body).toMatchObject({ renewalCount: 1, maturityDate: '2027-12-01' });
  });
});

describe('a referred renewal', () => {
  it('waits in the operations queue, blocks a second application, and is executed when operations approve', async () => {
    const l = await line({ enterpriseSize: 'MEDIUM' });
    await draw(l, '2026-10-25', '500000.00');
    const applied = await apply(l, '2026-11-10');
    expect(applied.body).toMatchObject({ status: 'REFERRED', decision: 'REFERRED' });
    const applicationId = applied.body.applicationId as string;
    expect(applied.body.facility.pendingRenewal).toBe(applicationId);

    const queue = await e2e.asOps().get('/v1/ops/renewals', { query: { status: 'REFERRED', limit: '100' } });
    expect(queue.status).toBe(200);
    expect(queue.body.items).toContainEqual({ facilityId: l.facilityId, applicationId, borrowerId: l.borrowerId, appliedOn: '2026-11-10' });

    const seq = await e2e.lastSeq(l.facilityId);
    expectProblem(await apply(l, '2026-11-11'), 422, 'renewal-pending');
    expect(await e2e.lastSeq(l.facilityId)).toBe(seq);

    const decisionPath = `/v1/ops/facilities/${l.facilityId}/renewals/${applicationId}/decision`;
    const approved = await e2e.asOps('2026-11-12').post(decisionPath, { decision: 'APPROVE', note: 'medium, but sound' }, { key: 'decide-1' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ applicationId, status: 'APPROVED', decision: 'APPROVED' });
    // Same pricing as any small borrower with this profile: 61 bp (see the approved renewal above).
    expect(approved.body.proposal).toEqual({ newMaturityDate: '2027-12-01', spreadBp: 61, ratePercent: '3.6100' });
    expect(approved.body.facility).toMatchObject({ maturityDate: '2027-12-01', renewalCount: 1, pendingRenewal: null, principalOutstanding: '500000.00' });
    // The review approves a REFER; it does not make it a PASS.
    expect(approved.body.checks.find((c: { code: string }) => c.code === 'enterprise-size')).toMatchObject({ outcome: 'REFER' });
    const replay = await e2e.asOps('2026-11-13').post(decisionPath, { decision: 'APPROVE', note: 'medium, but sound' }, { key: 'decide-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(approved.body);

    const after = await e2e.asOps().get('/v1/ops/renewals', { query: { status: 'REFERRED', limit: '100' } });
    expect(after.body.items.map((item: { applicationId: string }) => item.applicationId)).not.toContain(applicationId);
    expect((await e2e.events(l.facilityId)).map((event) => event.type)).toEqual(['FacilityOpened', 'DrawdownMade', 'RenewalReferred', 'FacilityRenewed']);
  });

  it('a late retry of the application (same key) after the decision replays its answer without putting it back in the queue', async () => {
    const l = await line({ enterpriseSize: 'MEDIUM' });
    await draw(l, '2026-10-25', '500000.00');
    const applied = await apply(l, '2026-11-10', 'apply-once');
    const applicationId = applied.body.applicationId as string;
    const queued = async () =>
      ((await e2e.asOps().get('/v1/ops/renewals', { query: { status: 'REFERRED', limit: '100' } })).body.items as { applicationId: string; appliedOn: string }[]).filter(
        (item) => item.applicationId === applicationId,
      );
    const inQueue = async () => (await queued()).length > 0;
    // While it is pending, a retry (a day later) is how a lost queue entry is repaired: it stays
    // listed, still dated the day of the application.
    expect((await apply(l, '2026-11-11', 'apply-once')).headers.get('idempotent-replayed')).toBe('true');
    expect((await queued()).map((item) => item.appliedOn)).toEqual(['2026-11-10']);
    const decided = await e2e.asOps('2026-11-12').post(`/v1/ops/facilities/${l.facilityId}/renewals/${applicationId}/decision`, { decision: 'DECLINE', note: 'no' });
    expect(decided.body.status).toBe('DECLINED');
    expect(await inQueue()).toBe(false);
    const retried = await apply(l, '2026-11-13', 'apply-once');
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toEqual(applied.body);
    // Decided applications must not come back to the review queue (ops could never clear them: 404).
    expect(await inQueue()).toBe(false);
  });

  it('approval re-checks the hard rules (frozen since: 422, nothing written); declining clears it', async () => {
    const l = await line({ enterpriseSize: 'MEDIUM' });
    await draw(l, '2026-10-25', '500000.00');
    const applied = await apply(l, '2026-11-10');
    const applicationId = applied.body.applicationId as string;
    expect((await e2e.asOps('2026-11-11').post(`/v1/ops/facilities/${l.facilityId}/freeze`, { reason: 'court order' })).status).toBe(200);
    const decisionPath = `/v1/ops/facilities/${l.facilityId}/renewals/${applicationId}/decision`;
    const seq = await e2e.lastSeq(l.facilityId);
    expectProblem(await e2e.asOps('2026-11-12').post(decisionPath, { decision: 'APPROVE', note: 'ok' }), 422, 'renewal-not-eligible');
    expect(await e2e.lastSeq(l.facilityId)).toBe(seq);
    expect((await facilityAsOf(l, '2026-11-12')).body).toMatchObject({ pendingRenewal: applicationId, maturityDate: MATURITY });

    // Deciding on an application that is not the pending one is not found.
    expectProblem(await e2e.asOps('2026-11-12').post(`/v1/ops/facilities/${l.facilityId}/renewals/${l.facilityId}-A99/decision`, { decision: 'DECLINE', note: 'x' }), 404, 'not-found');

    const declined = await e2e.asOps('2026-11-12').post(decisionPath, { decision: 'DECLINE', note: 'frozen by court order' });
    expect(declined.status, declined.text).toBe(200);
    expect(declined.body).toMatchObject({ applicationId, status: 'DECLINED', decision: 'REFERRED' });
    expect(declined.body.facility).toMatchObject({ pendingRenewal: null, maturityDate: MATURITY, renewalCount: 0 });
    const queue = await e2e.asOps().get('/v1/ops/renewals', { query: { status: 'REFERRED', limit: '100' } });
    expect(queue.body.items.map((item: { applicationId: string }) => item.applicationId)).not.toContain(applicationId);
    // No longer pending: a new application is assessed (and rejected: the line is frozen).
    const again = await apply(l, '2026-11-13');
    expect(again.body).toMatchObject({ status: 'REJECTED' });
    expect(again.body.checks.find((c: { code: string }) => c.code === 'facility-status')).toMatchObject({ outcome: 'REJECT' });
  });
});

describe('ownership', () => {
  it('an SME cannot check, renew or see another borrower’s line: 404 not-found, nothing written', async () => {
    const l = await line();
    await draw(l, '2026-10-25', '500000.00');
    const stranger = uniqueId('B');
    await e2e.putProfile(stranger, { profileDate: PROFILE_DATE });
    const seq = await e2e.lastSeq(l.facilityId);
    const as = e2e.asSme(stranger, '2026-11-10');
    expectProblem(await as.post(`/v1/me/facilities/${l.facilityId}/renewal-checks`), 404, 'not-found');
    expectProblem(await as.post(`/v1/me/facilities/${l.facilityId}/renewals`), 404, 'not-found');
    expectProblem(await as.get(`/v1/me/facilities/${l.facilityId}`), 404, 'not-found');
    expect(await e2e.lastSeq(l.facilityId)).toBe(seq);
    // The owner can.
    expect((await preview(l, '2026-11-10')).body.decision).toBe('APPROVED');
  });
});

describe('pricing quotes (POST /v1/pricing/quotes)', () => {
  const quote = (borrowerId: string, asOf: string) => e2e.asChannel(asOf).post('/v1/pricing/quotes', { borrowerId, asOf });

  it('shows every component; the first-loan incentive applies until the borrower’s first drawdown ever', async () => {
    const borrowerId = uniqueId('B');
    await e2e.putProfile(borrowerId, { profileDate: PROFILE_DATE });
    const before = await quote(borrowerId, '2026-11-10');
    expect(before.status, before.text).toBe(200);
    // 180 − 300 + 60 + 36 (80 bp × 45%) + 50 + 40 − 5 (deposits) − 20 (never drawn: 首贷户) = 41 bp → 3.41%.
    expect(before.body).toEqual({
      borrowerId,
      asOf: '2026-11-10',
      lprPercent: '3.0000',
      spreadBp: 41,
      ratePercent: '3.4100',
      floorApplied: false,
      components: { fundingCostBp: 180, operatingCostBp: 60, riskCostBp: 36, capitalCostBp: 50, targetMarginBp: 40, relationshipDiscountBp: 5, firstLoanIncentiveBp: 20 },
    });
    const first = uniqueId('F');
    await e2e.openFacility(first, { borrowerId, limit: '100000.00', effectiveDate: '2026-11-10', maturityDate: '2027-11-10', pricing: { spreadBp: 41 } }, '2026-11-10');
    const drawn = await e2e.asChannel('2026-11-10').post(`/v1/facilities/${first}/drawdowns`, { amount: '1000.00' });
    expect(drawn.body).toMatchObject({ firstLoan: true, ratePercent: '3.4100' });
    const profile = await e2e.asOps().get(`/v1/ops/borrowers/${borrowerId}/profile`);
    expect(profile.body.firstLoan).toEqual({ facilityId: first, drawdownId: `${first}-D0001`, date: '2026-11-10' });
    // The incentive is gone: 41 + 20 = 61 bp → 3.61%.
    const after = await quote(borrowerId, '2026-11-11');
    expect(after.body).toMatchObject({ spreadBp: 61, ratePercent: '3.6100', components: { firstLoanIncentiveBp: 0 } });
    // Neither a second drawdown nor the first drawdown of another line is a first loan.
    expect((await e2e.asChannel('2026-11-11').post(`/v1/facilities/${first}/drawdowns`, { amount: '1000.00' })).body.firstLoan).toBe(false);
    const second = uniqueId('F');
    await e2e.openFacility(second, { borrowerId, limit: '100000.00', effectiveDate: '2026-11-11', maturityDate: '2027-11-10', pricing: { spreadBp: 61 } }, '2026-11-11');
    expect((await e2e.asChannel('2026-11-11').post(`/v1/facilities/${second}/drawdowns`, { amount: '1000.00' })).body.firstLoan).toBe(false);
  });

  it('rounds the risk cost half-up to a whole basis point', async () => {
    const borrowerId = uniqueId('B');
    await e2e.putProfile(borrowerId, { riskGrade: 3, relationship: { depositBalance: '0.00', settlementVolume: '0.00' } });
    const r = await quote(borrowerId, '2026-11-10');
    // Grade 3: PD 50 bp × guarantee LGD 45% = 22.5 → 23 bp. 180 − 300 + 60 + 23 + 50 + 40 − 0 − 20 = 33 bp → 3.33%.
    expect(r.body).toMatchObject({ spreadBp: 33, ratePercent: '3.3300', floorApplied: false, components: { riskCostBp: 23, relationshipDiscountBp: 0, firstLoanIncentiveBp: 20 } });
  });

  it('caps the relationship discount at 25 bp and never prices below the spread floor (−30 bp)', async () => {
    const borrowerId = uniqueId('B');
    // Grade 1 × property: PD 10 bp × LGD 30% = 3 bp. Deposits ≥ 10 000 000.00 → 20 bp and settlement
    // ≥ 20 000 000.00 → 10 bp: 30, capped at 25.
    await e2e.putProfile(borrowerId, { riskGrade: 1, collateral: 'PROPERTY', relationship: { depositBalance: '10000000.00', settlementVolume: '20000000.00' } });
    const now = await quote(borrowerId, '2026-11-10');
    // At LPR 3.00%: 180 − 300 + 60 + 3 + 50 + 40 − 25 − 20 = −12 bp (above the floor) → 2.88%.
    expect(now.body).toMatchObject({ lprPercent: '3.0000', spreadBp: -12, ratePercent: '2.8800', floorApplied: false, components: { riskCostBp: 3, relationshipDiscountBp: 25 } });
    // At LPR 4.00% (fixing of 2031-01-20): 180 − 400 + 60 + 3 + 50 + 40 − 25 − 20 = −112 bp → floored at −30 → 3.70%.
    const later = await quote(borrowerId, '2031-02-01');
    expect(later.body).toMatchObject({ lprPercent: '4.0000', spreadBp: -30, ratePercent: '3.7000', floorApplied: true });
  });

  it('a borrower without a profile cannot be priced: 422 borrower-profile-missing', async () => {
    expectProblem(await quote(uniqueId('B'), '2026-11-10'), 422, 'borrower-profile-missing');
  });
});
