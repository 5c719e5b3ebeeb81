/**
 * Renewal without repaying principal first (无还本续贷, 金规〔2024〕13号; docs/renewal.md
 * issue 10) and risk-based pricing (§9), end to end over HTTP: SMEs apply through their own routes
 * (x-dev-principal sme:<borrowerId>), operations set up data and decide referrals, and lines live
 * through months by x-dev-business-date.
 *
 * Reference line: opened 2025-12-01, matures 2026-12-01 (the window opens on 2026-11-01),
 * limit 1 000 000.00, LPR 3.00% + 80 bp = 3.80% (38 000 ppm; penalty rate × 1.5 = 57 000 ppm).
 * Reference borrower: small enterprise, registration active, tax B, risk grade 4, guaranteed,
 * 1 000 000.00 on deposit, funds used as agreed, profile dated 2026-10-01. The pricing model
 * prices its renewal at 61 bp: 3.61% (36 100 ppm), see "pricing quotes" below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand, type Command } from '#domain/facility.ts';
import type { FacilityState } from '#domain/state.ts';
import { BASE_PROFILE, startE2e, uniqueId, type ApiResponse, type E2e, type ProfileBody } from './support.ts';

const CHECKS = [
  'facility-status',
  'application-window',
  'no-arrears',
  'classification',
  'dpd-history',
  'business-registration',
  'tax-rating',
  'policy-scope',
  'funds-use',
  'new-lending-standard',
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
async function line(profile: Partial<ProfileBody> | null = {}, openedOn = OPENED, maturity = MATURITY): Promise<Line> {
  const facilityId = uniqueId('F');
  const borrowerId = uniqueId('B');
  if (profile !== null) await e2e.putProfile(borrowerId, { profileDate: PROFILE_DATE, ...profile });
  await e2e.openFacility(facilityId, { borrowerId, limit: '1000000.00', effectiveDate: openedOn, maturityDate: maturity, pricing: { spreadBp: 80 } }, openedOn);
  return { facilityId, borrowerId };
}

const sme = (l: Line, date: string) => e2e.asSme(l.borrowerId, date);
const apply = (l: Line, date: string, key?: string) => sme(l, date).post(`/v1/me/facilities/${l.facilityId}/renewals`, undefined, { key });
const preview = (l: Line, date: string) => sme(l, date).post(`/v1/me/facilities/${l.facilityId}/renewal-checks`);
const facilityAsOf = (l: Line, asOf: string) => e2e.asChannel().get(`/v1/facilities/${l.facilityId}`, { query: { asOf } });
const decide = (l: Line, applicationId: string, date: string, decision: 'APPROVE' | 'DECLINE', note = 'reviewed', key?: string) =>
  e2e.asOps(date).post(`/v1/ops/facilities/${l.facilityId}/renewals/${applicationId}/decision`, { decision, note }, { key });
const queue = async (status: string, date: string) => (await e2e.asOps(date).get('/v1/ops/renewals', { query: { status, limit: '100' } })).body.items as { applicationId: string }[];
const queued = async (status: string, date: string, applicationId: string) => (await queue(status, date)).filter((item) => item.applicationId === applicationId);

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

/** Replays every stored command from nothing: each step must reproduce the stored state exactly. */
async function expectJournalReplays(l: Line): Promise<void> {
  let state: FacilityState | null = null;
  const events = await e2e.events(l.facilityId);
  for (const event of events) {
    const command = (event.data as { command: Command }).command;
    state = applyCommand(state, command).state;
    expect(state, `replaying event ${event.seq} (${event.type})`).toEqual(event.state);
  }
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
  readonly maturity?: string;
  readonly steps: readonly Step[];
  readonly applyOn: string;
  readonly decision: Decision;
  readonly notPass?: Partial<Record<CheckCode, 'REFER' | 'REJECT'>>;
  /** Expected reason code of some checks. */
  readonly reasons?: Partial<Record<CheckCode, string>>;
  /** Expected `detail` of some checks. */
  readonly details?: Partial<Record<CheckCode, string>>;
  /** Expected `params` of some checks. */
  readonly params?: Partial<Record<CheckCode, Record<string, string | number>>>;
}

/** 500 000.00 drawn on 2026-10-25, after October's settlement: nothing settles before 2026-11-20. */
const DRAWN = { draw: '2026-10-25', amount: '500000.00' } as const;

/**
 * An overdue episode of interest on 100 000.00 drawn on the 5th of March: March's interest
 * (5..20 March = 16 days: 10 000 000 × 16 × 38 000 / 360 000 000 = 16 888.89 → 168.89) is due on
 * the 21st and overdue from the 22nd (DPD 1). Each `payoff` is the exact amount payable that day.
 */
const EPISODE = {
  /**
   * Paid on 22 March (DPD 1): 100 000.00 + 168.89 + 21 March accrued (10 000 000 × 38 000 / 360 000 000 = 1 055.56 → 10.56)
   * + compound on 168.89 at 57 000 ppm from its 付息日, 21 March (1 day: 16 889 × 57 000 / 360 000 000 = 2.67 → 0.03) = 100 179.48.
   */
  dpd1: (year: number): Step[] => [
    { draw: `${year}-03-05`, amount: '100000.00' },
    { repay: `${year}-03-22`, amount: '100179.48', clears: true },
  ],
  /**
   * Paid on 20 April (DPD 30: 22 March..20 April): 100 000.00 + 168.89
   * + accrued 21 March..19 April (30 days: 300 000 000 × 38 000 / 360 000 000 = 31 666.67 → 316.67)
   * + compound on 168.89 at 57 000 ppm for 21 March..19 April (30 days: 16 889 × 30 × 57 000 / 360 000 000 = 80.22 → 0.80)
   * = 100 486.36.
   */
  dpd30: (): Step[] => [
    { draw: '2026-03-05', amount: '100000.00' },
    { repay: '2026-04-20', amount: '100486.36', clears: true },
  ],
  /**
   * Paid on 21 April (DPD 31), after April's settlement: 100 000.00 + 168.89
   * + April's interest, 21 March..20 April (31 days: 310 000 000 × 38 000 / 360 000 000 = 32 722.22 → 327.22)
   * + compound settled on the 20th, 21 March..20 April (31 days: 16 889 × 31 × 57 000 / 360 000 000 = 82.89 → 0.83)
   * = 100 496.94.
   */
  dpd31: (): Step[] => [
    { draw: '2026-03-05', amount: '100000.00' },
    { repay: '2026-04-21', amount: '100496.94', clears: true },
  ],
};

const scenarios: readonly Scenario[] = [
  {
    name: 'a clean small enterprise, 21 days before maturity',
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'APPROVED',
    reasons: {
      'facility-status': 'facility-active',
      'application-window': 'window-open',
      'no-arrears': 'no-arrears',
      classification: 'class-normal',
      'dpd-history': 'no-days-past-due',
      'business-registration': 'registration-active',
      'tax-rating': 'tax-rating-good',
      'policy-scope': 'scope-micro-small-enterprise',
      'funds-use': 'funds-used-as-agreed',
      'new-lending-standard': 'risk-grade-acceptable',
      'profile-freshness': 'profile-current',
      'renewal-count': 'renewal-count-below-maximum',
    },
  },
  {
    name: 'the day the window opens (maturity − 30 days)',
    steps: [DRAWN],
    applyOn: '2026-11-01',
    decision: 'APPROVED',
    details: { 'application-window': '30 days before maturity (2026-12-01); the window opened on 2026-11-01.' },
  },
  {
    name: 'the day before the window opens',
    steps: [DRAWN],
    applyOn: '2026-10-31',
    decision: 'REJECTED',
    notPass: { 'application-window': 'REJECT' },
    reasons: { 'application-window': 'window-not-open' },
    details: { 'application-window': 'Applications open 30 days before maturity: apply on or after 2026-11-01.' },
  },
  {
    // November's interest, 25 Oct..20 Nov = 27 days: 50 000 000 × 27 × 38 000 / 360 000 000 = 142 500 → 1 425.00, paid when due.
    // Interest for [21 November, 1 December) is settled the evening before maturity and due on it (利随本清 for
    // the loan): 50 000 000 × 10 × 38 000 / 360 000 000 = 52 777.78 → 527.78, paid before applying.
    name: 'the maturity date itself, November’s interest paid on time and the interest due at maturity paid first (approved and executed at once)',
    steps: [DRAWN, { repay: '2026-11-21', amount: '1425.00' }, { repay: MATURITY, amount: '527.78' }],
    applyOn: MATURITY,
    decision: 'APPROVED',
    params: { 'application-window': { daysToMaturity: 0, maturityDate: MATURITY } },
  },
  {
    name: 'the day after maturity (the line has matured)',
    steps: [],
    applyOn: '2026-12-02',
    decision: 'REJECTED',
    notPass: { 'facility-status': 'REJECT', 'application-window': 'REJECT' },
    reasons: { 'facility-status': 'facility-matured', 'application-window': 'window-closed' },
  },
  {
    // November's interest (1 425.00, see above) was settled on the 20th: due on the 21st, overdue from the 22nd.
    name: 'interest due on the application day and not yet overdue: no arrears, with the amount and the pay-by date',
    steps: [DRAWN],
    applyOn: '2026-11-21',
    decision: 'APPROVED',
    reasons: { 'no-arrears': 'interest-due-not-overdue' },
    params: { 'no-arrears': { amount: '1425.00', payBy: '2026-11-21' } },
    details: { 'no-arrears': 'No arrears. 1425.00 yuan of settled interest is due: pay it by 2026-11-21 so that it does not become overdue.' },
  },
  {
    // The same 1 425.00 a day later is overdue (DPD 1): arrears, and the class is SPECIAL_MENTION (关注).
    name: 'interest overdue today (DPD 1)',
    steps: [DRAWN],
    applyOn: '2026-11-22',
    decision: 'REJECTED',
    notPass: { 'no-arrears': 'REJECT', classification: 'REFER', 'dpd-history': 'REFER' },
    reasons: { 'no-arrears': 'arrears-unpaid', classification: 'class-special-mention' },
    // Arrears: the 1 425.00 and its compound interest for the 21st, its 付息日 (issue 9 §1):
    // 142 500 × 57 000 / 360 000 000 = 22.56 → 0.23.
    params: { 'no-arrears': { amount: '1425.23' } },
  },
  {
    name: 'interest overdue 1 day in March, paid up since',
    steps: [...EPISODE.dpd1(2026), DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'dpd-history': 'REFER' },
    params: { 'dpd-history': { windowDays: 365, maxDaysPastDue: 1 } },
  },
  {
    name: 'overdue 30 days within the last 12 months, paid up since (the most that is referred)',
    steps: [...EPISODE.dpd30(), DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'dpd-history': 'REFER' },
    params: { 'dpd-history': { windowDays: 365, maxDaysPastDue: 30 } },
  },
  {
    name: 'overdue 31 days within the last 12 months, paid up since',
    steps: [...EPISODE.dpd31(), DRAWN],
    applyOn: '2026-11-10',
    decision: 'REJECTED',
    notPass: { 'dpd-history': 'REJECT' },
    reasons: { 'dpd-history': 'days-past-due-serious' },
    params: { 'dpd-history': { windowDays: 365, maxDaysPastDue: 31 } },
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
    reasons: { 'business-registration': 'registration-suspended' },
  },
  { name: 'business registration REVOKED', profile: { registrationStatus: 'REVOKED' }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'REJECTED', notPass: { 'business-registration': 'REJECT' } },
  // Scope (金规〔2024〕13号): micro and small enterprises, medium ones while the extension runs, 个体工商户, 小微企业主, 农户; not large ones.
  { name: 'a micro enterprise', profile: { enterpriseSize: 'MICRO' }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'APPROVED', reasons: { 'policy-scope': 'scope-micro-small-enterprise' } },
  {
    name: 'a medium enterprise before the policy’s extension ends (2027-09-30)',
    profile: { enterpriseSize: 'MEDIUM' },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'APPROVED',
    reasons: { 'policy-scope': 'scope-medium-enterprise-extension' },
    params: { 'policy-scope': { scopeEnds: '2027-09-30' } },
  },
  {
    // A line maturing 2027-10-20: its window opens on 2027-09-20; the application of 2027-10-01 is after the extension.
    name: 'a medium enterprise after the policy’s extension ended',
    profile: { enterpriseSize: 'MEDIUM', profileDate: '2027-09-15' },
    openedOn: '2026-10-20',
    maturity: '2027-10-20',
    steps: [],
    applyOn: '2027-10-01',
    decision: 'REFERRED',
    notPass: { 'policy-scope': 'REFER' },
    reasons: { 'policy-scope': 'scope-medium-extension-ended' },
    details: { 'policy-scope': 'The policy’s extension to medium enterprises ended on 2027-09-30: an officer reviews the application.' },
  },
  {
    name: 'a large enterprise (out of scope)',
    profile: { enterpriseSize: 'LARGE' },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'REJECTED',
    notPass: { 'policy-scope': 'REJECT' },
    reasons: { 'policy-scope': 'scope-large-enterprise' },
  },
  {
    name: 'an individual business (个体工商户), no enterprise size',
    profile: { borrowerType: 'INDIVIDUAL_BUSINESS', enterpriseSize: undefined },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'APPROVED',
    reasons: { 'policy-scope': 'scope-individual-business' },
  },
  { name: 'an owner of a small enterprise (小微企业主)', profile: { borrowerType: 'OWNER', enterpriseSize: undefined }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'APPROVED', reasons: { 'policy-scope': 'scope-owner' } },
  { name: 'a farmer (农户)', profile: { borrowerType: 'FARMER', enterpriseSize: undefined }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'APPROVED', reasons: { 'policy-scope': 'scope-farmer' } },
  // Use of funds as agreed (no 挪用).
  {
    name: 'use of funds not yet confirmed',
    profile: { fundsUseCompliant: 'unknown' },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'funds-use': 'REFER' },
    reasons: { 'funds-use': 'funds-use-unknown' },
  },
  { name: 'funds not used as agreed (挪用)', profile: { fundsUseCompliant: false }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'REJECTED', notPass: { 'funds-use': 'REJECT' }, reasons: { 'funds-use': 'funds-diverted' } },
  // Meets the standard for new lending: grade ≤ 7 pass, 8 refer, 9–10 reject.
  { name: 'risk grade 7', profile: { riskGrade: 7 }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'APPROVED', params: { 'new-lending-standard': { riskGrade: 7, passMax: 7, referMax: 8 } } },
  { name: 'risk grade 8', profile: { riskGrade: 8 }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'REFERRED', notPass: { 'new-lending-standard': 'REFER' }, reasons: { 'new-lending-standard': 'risk-grade-review' } },
  { name: 'risk grade 9', profile: { riskGrade: 9 }, steps: [DRAWN], applyOn: '2026-11-10', decision: 'REJECTED', notPass: { 'new-lending-standard': 'REJECT' }, reasons: { 'new-lending-standard': 'risk-grade-too-high' } },
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
    params: { 'profile-freshness': { profileDate: '2026-08-11', ageDays: 91, maxAgeDays: 90 } },
  },
  {
    name: 'a profile dated after the application',
    profile: { profileDate: '2026-11-15' },
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: { 'profile-freshness': 'REFER' },
    reasons: { 'profile-freshness': 'profile-future-dated' },
  },
  {
    name: 'no borrower profile on file',
    profile: null,
    steps: [DRAWN],
    applyOn: '2026-11-10',
    decision: 'REFERRED',
    notPass: {
      'business-registration': 'REFER',
      'tax-rating': 'REFER',
      'policy-scope': 'REFER',
      'funds-use': 'REFER',
      'new-lending-standard': 'REFER',
      'profile-freshness': 'REFER',
    },
    reasons: { 'tax-rating': 'profile-missing', 'policy-scope': 'profile-missing' },
  },
  {
    name: 'a frozen line',
    steps: [DRAWN, { freeze: '2026-11-05' }],
    applyOn: '2026-11-10',
    decision: 'REJECTED',
    notPass: { 'facility-status': 'REJECT' },
    reasons: { 'facility-status': 'facility-frozen' },
  },
  {
    // Three renewals (each a year on, inside its window, with a fresh profile) reach the maximum of 3:
    // each is executed at its old maturity, so the count is 3 by 2029-11-10.
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
    reasons: { 'renewal-count': 'renewal-count-at-maximum' },
    params: { 'renewal-count': { renewalCount: 3, maximum: 3 } },
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

describe('renewal decisions: one row per rule, every check’s outcome asserted', () => {
  it('the table reaches every check with a non-PASS outcome', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
    const reached = new Set(scenarios.flatMap((s) => Object.keys(s.notPass ?? {})));
    expect([...reached].sort()).toEqual([...CHECKS].sort());
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const l = await line(scenario.profile === null ? null : { ...scenario.profile }, scenario.openedOn, scenario.maturity);
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
    const check = (code: string) => applied.body.checks.find((c: { code: string }) => c.code === code);
    for (const [code, reason] of Object.entries(scenario.reasons ?? {})) expect(check(code)?.reason, code).toBe(reason);
    for (const [code, detail] of Object.entries(scenario.details ?? {})) expect(check(code)?.detail, code).toBe(detail);
    for (const [code, params] of Object.entries(scenario.params ?? {})) expect(check(code)?.params, code).toEqual(params);
    // Every check says something in plain words.
    for (const c of applied.body.checks) expect(c.detail.length, c.code).toBeGreaterThan(10);
    expect(checked.body).toEqual({ decision: applied.body.decision, checks: applied.body.checks, proposal: applied.body.proposal });
    expect(applied.body.history).toEqual([{ status: scenario.decision, date: scenario.applyOn, by: 'checks', note: null }]);

    const events = await e2e.events(l.facilityId);
    expect(events).toHaveLength(seq + 1);
    const facility = applied.body.facility;
    const oldMaturity = before.body.maturityDate as string;
    const renewedMaturity = `${Number(oldMaturity.slice(0, 4)) + 1}${oldMaturity.slice(4)}`;
    if (scenario.decision === 'APPROVED' && scenario.applyOn === oldMaturity) {
      // Approved on the old maturity date (its opening has passed): executed in the same append.
      expect(events.at(-1)?.type).toBe('FacilityRenewed');
      expect(facility).toMatchObject({ maturityDate: renewedMaturity, renewalCount: before.body.renewalCount + 1, renewalContract: null, principalOutstanding: before.body.principalOutstanding });
    } else if (scenario.decision === 'APPROVED') {
      // The contract is recorded (old maturity + 12 months, same day of the month); nothing else changes yet.
      expect(events.at(-1)?.type).toBe('RenewalApproved');
      expect(facility).toMatchObject({ maturityDate: oldMaturity, renewalCount: before.body.renewalCount, principalOutstanding: before.body.principalOutstanding, spreadBp: before.body.spreadBp });
      expect(facility.renewalContract).toMatchObject({ applicationId: applied.body.applicationId, executesOn: oldMaturity, newMaturityDate: renewedMaturity, approvedBy: 'checks' });
      expect(facility.drawdowns).toEqual(before.body.drawdowns);
    } else {
      expect(events.at(-1)?.type).toBe(scenario.decision === 'REFERRED' ? 'RenewalReferred' : 'RenewalRejected');
      expect(facility).toMatchObject({ maturityDate: oldMaturity, renewalCount: before.body.renewalCount, renewalContract: null });
      expect(facility.pendingRenewal).toBe(scenario.decision === 'REFERRED' ? applied.body.applicationId : null);
    }
  });
});

describe('an approved renewal: a new contract that settles the old 借据 at its maturity', () => {
  /**
   * A line opened 2027-01-05, maturing 2028-01-05 (the window opens 2027-12-06), with 500 000.00
   * drawn on 2027-11-25 at 3.80%. Approved on 2027-12-16, 20 days before maturity, at 3.61%.
   */
  const OLD_MATURITY = '2028-01-05';
  async function approvedLine(): Promise<{ l: Line; applicationId: string }> {
    const l = await line({ profileDate: '2027-11-01' }, '2027-01-05', OLD_MATURITY);
    await draw(l, '2027-11-25', '500000.00');
    const r = await apply(l, '2027-12-16');
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ status: 'APPROVED', proposal: { newMaturityDate: '2029-01-05', spreadBp: 61, ratePercent: '3.6100' } });
    return { l, applicationId: r.body.applicationId };
  }

  it('approved 20 days before maturity: the running loan keeps its terms, and December settles wholly at the old rate', async () => {
    const { l, applicationId } = await approvedLine();
    const approved = (await facilityAsOf(l, '2027-12-16')).body;
    expect(approved).toMatchObject({ maturityDate: OLD_MATURITY, spreadBp: 80, renewalCount: 0, pendingRenewal: null });
    expect(approved.renewalContract).toEqual({
      applicationId,
      number: 1,
      approvedOn: '2027-12-16',
      approvedBy: 'checks',
      executesOn: OLD_MATURITY,
      newMaturityDate: '2029-01-05',
      spreadBp: 61,
      ratePercent: '3.6100',
    });
    expect(approved.drawdowns).toEqual([expect.objectContaining({ drawdownId: `${l.facilityId}-D0001`, ratePercent: '3.8000', maturityDate: OLD_MATURITY, status: 'ACTIVE', renewal: null })]);
    // December's interest, 25 Nov..20 Dec = 26 days, all at 3.80% (the rate is not switched on the approval day):
    // 50 000 000 × 26 × 38 000 / 360 000 000 = 137 222.22 → 1 372.22.
    const paid = await repay(l, '2027-12-21', '1372.22');
    expect(paid.body.allocation).toMatchObject({ interestDue: '1372.22', principal: '0.00' });
    // The day before the old maturity nothing has switched yet.
    expect((await facilityAsOf(l, '2028-01-04')).body.drawdowns).toEqual([expect.objectContaining({ drawdownId: `${l.facilityId}-D0001`, ratePercent: '3.8000', status: 'ACTIVE' })]);
    expect(await queued('APPROVED', '2027-12-21', applicationId)).toEqual([
      {
        applicationId,
        facilityId: l.facilityId,
        borrowerId: l.borrowerId,
        status: 'APPROVED',
        appliedOn: '2027-12-16',
        referredBy: [],
        principalOutstanding: '500000.00',
        oldMaturityDate: OLD_MATURITY,
        proposal: { newMaturityDate: '2029-01-05', spreadBp: 61, ratePercent: '3.6100' },
        decidedOn: '2027-12-16',
        history: [{ status: 'APPROVED', date: '2027-12-16', by: 'checks', note: null }],
      },
    ]);
    // A second application while the contract waits is refused, writing nothing.
    const seq = await e2e.lastSeq(l.facilityId);
    expectProblem(await apply(l, '2027-12-22'), 422, 'renewal-approved');
    expect(await e2e.lastSeq(l.facilityId)).toBe(seq);
  });

  it('on the old maturity date each drawdown is settled by a new one; drawing and repaying go on under the new terms; the journal replays', async () => {
    const { l, applicationId } = await approvedLine();
    await repay(l, '2027-12-21', '1372.22');
    // The old maturity date, as the SME sees it.
    const switched = (await sme(l, OLD_MATURITY).get(`/v1/me/facilities/${l.facilityId}`)).body;
    expect(switched).toMatchObject({ maturityDate: '2029-01-05', spreadBp: 61, renewalCount: 1, renewalContract: null, classification: 'NORMAL', daysPastDue: 0, principalOutstanding: '500000.00' });
    // The old 借据's interest to maturity, 21 Dec..4 Jan = 15 days at 3.80%: 50 000 000 × 15 × 38 000 / 360 000 000 = 79 166.67 → 791.67,
    // due today (利随本清), overdue from tomorrow. Today's interest is the new one's: 50 000 000 × 36 100 / 360 000 000 = 5 013.89 → 50.14.
    expect(switched).toMatchObject({ interestDue: '791.67', overdueInterest: '0.00', accruedInterest: '50.14' });
    expect(switched.drawdowns).toEqual([
      expect.objectContaining({ drawdownId: `${l.facilityId}-D0001`, principalOutstanding: '0.00', status: 'RENEWED', renewedTo: `${l.facilityId}-D0002`, renewal: null, ratePercent: '3.8000' }),
      expect.objectContaining({
        drawdownId: `${l.facilityId}-D0002`,
        amount: '500000.00',
        principalOutstanding: '500000.00',
        drawnDate: OLD_MATURITY,
        // The earlier of the new facility maturity 2029-01-05 and 2028-01-05 + 365 days = 2029-01-04 (2028 is a leap year).
        maturityDate: '2029-01-04',
        ratePercent: '3.6100',
        penaltyRatePercent: '5.4150',
        status: 'ACTIVE',
        renewal: { number: 1, renewedFrom: `${l.facilityId}-D0001`, principalCarried: '500000.00' },
        renewedTo: null,
      }),
    ]);
    const paidOld = await repay(l, OLD_MATURITY, '791.67');
    expect(paidOld.body.allocation).toMatchObject({ interestDue: '791.67', principal: '0.00' });

    const events = await e2e.events(l.facilityId);
    // The repayment's catch-up executed the contract: one journal event. The month end of 2027-12-31 books the
    // old 借据's interest for 21..31 Dec (计提): 50 000 000 × 11 × 38 000 / 360 000 000 = 58 055.56 → 58 056. Its
    // interest for [21 Dec, M) is settled the evening before M (issue 9 §1: InterestSettled, reason MATURITY),
    // posting only the rest, 79 167 − 58 056 = 21 111; then the switch.
    const last = events.at(-1)!;
    const steps = (last.data as { events: { type: string; date: string; data: Record<string, unknown> }[] }).events;
    expect(steps.map((e) => e.type)).toEqual(['InterestAccrued', 'InterestSettled', 'FacilityRenewed', 'RepaymentApplied']);
    expect(steps[0]!).toMatchObject({ date: '2027-12-31', data: { month: '2027-12', interestFen: 58_056 } });
    expect(steps[1]!.data).toMatchObject({ interestFen: 79_167, drawdowns: [{ drawdownId: `${l.facilityId}-D0001`, interestFen: 79_167, reason: 'MATURITY' }] });
    expect(last.postings.filter((p) => p.account === 'INTEREST_INCOME')).toEqual([
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 58_056 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 21_111 },
    ]);
    expect(steps[2]!.data).toMatchObject({
      applicationId,
      renewalNumber: 1,
      oldMaturityDate: OLD_MATURITY,
      newMaturityDate: '2029-01-05',
      oldSpreadBp: 80,
      newSpreadBp: 61,
      newRatePpm: 36_100,
      drawdowns: [
        {
          from: `${l.facilityId}-D0001`,
          to: `${l.facilityId}-D0002`,
          principalCarriedFen: 50_000_000,
          interestToMaturityFen: 79_167,
          oldRatePpm: 38_000,
          newRatePpm: 36_100,
          oldMaturityDate: OLD_MATURITY,
          newMaturityDate: '2029-01-04',
        },
      ],
    });
    expect((steps[2]!.data['checks'] as { outcome: string }[]).map((c) => c.outcome)).toEqual(CHECKS.map(() => 'PASS'));
    // Postings balance; the principal moves from the old 借据 to the new one, no cash.
    expect(last.postings.filter((p) => p.account === 'LOAN_PRINCIPAL')).toEqual([
      { account: 'LOAN_PRINCIPAL', side: 'DR', amountFen: 50_000_000 },
      { account: 'LOAN_PRINCIPAL', side: 'CR', amountFen: 50_000_000 },
    ]);
    expect(events.filter((e) => e.type === 'RepaymentApplied')).toHaveLength(2);

    // Drawing after the switch: at the new spread, to the new facility maturity (361 days from 2028-01-10).
    const more = await draw(l, '2028-01-10', '100000.00');
    expect(more.body).toMatchObject({ drawdownId: `${l.facilityId}-D0003`, ratePercent: '3.6100', maturityDate: '2029-01-05', firstLoan: false });
    // January's settlement, each 借据 rounded once at 3.61%:
    //   D0002 500 000.00 for 5..20 Jan (16 days): 50 000 000 × 16 × 36 100 / 360 000 000 = 80 222.22 → 802.22
    //   D0003 100 000.00 for 10..20 Jan (11 days): 10 000 000 × 11 × 36 100 / 360 000 000 = 11 030.56 → 110.31
    // = 912.53, due on the 21st.
    const repaid = await repay(l, '2028-01-21', '100000.00');
    expect(repaid.body.allocation).toMatchObject({ interestDue: '912.53', principal: '99087.47' });
    expect(repaid.body.facility).toMatchObject({ principalOutstanding: '500912.53', daysPastDue: 0, classification: 'NORMAL' });
    expect(repaid.body.facility.drawdowns.map((d: { drawdownId: string }) => d.drawdownId)).toEqual([`${l.facilityId}-D0002`, `${l.facilityId}-D0003`]);

    await expectJournalReplays(l);
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
    expect(types).toEqual(['FacilityOpened', 'DrawdownMade', 'RenewalApproved']);
    expect((await facilityAsOf(l, '2026-11-10')).body.renewalContract).toMatchObject({ number: 1, executesOn: MATURITY, newMaturityDate: '2027-12-01' });
  });
});

describe('a referred renewal must be decided before the old maturity ends', () => {
  /** The reference line with 500 000.00 drawn; the borrower's use of funds is not yet confirmed: REFERRED on 2026-11-10. */
  async function referredLine(): Promise<{ l: Line; applicationId: string }> {
    const l = await line({ fundsUseCompliant: 'unknown' });
    await draw(l, '2026-10-25', '500000.00');
    const applied = await apply(l, '2026-11-10');
    expect(applied.body).toMatchObject({ status: 'REFERRED', decision: 'REFERRED' });
    // November's interest (1 425.00) is paid when due.
    await repay(l, '2026-11-21', '1425.00');
    return { l, applicationId: applied.body.applicationId };
  }

  it('waits in the queue with what operations need, blocks a second application, and keeps its REFERRED decision in the history when approved', async () => {
    const { l, applicationId } = await referredLine();
    const [item] = await queued('REFERRED', '2026-11-21', applicationId);
    expect(item).toEqual({
      applicationId,
      facilityId: l.facilityId,
      borrowerId: l.borrowerId,
      status: 'REFERRED',
      appliedOn: '2026-11-10',
      referredBy: [expect.objectContaining({ code: 'funds-use', outcome: 'REFER', reason: 'funds-use-unknown' })],
      principalOutstanding: '500000.00',
      oldMaturityDate: MATURITY,
      proposal: { newMaturityDate: '2027-12-01', spreadBp: 61, ratePercent: '3.6100' },
      decidedOn: null,
      history: [{ status: 'REFERRED', date: '2026-11-10', by: 'checks', note: null }],
    });
    const seq = await e2e.lastSeq(l.facilityId);
    expectProblem(await apply(l, '2026-11-22'), 422, 'renewal-pending');
    expect(await e2e.lastSeq(l.facilityId)).toBe(seq);

    // Decided the day before maturity: the contract is recorded, executed at the opening of 2026-12-01.
    const approved = await decide(l, applicationId, '2026-11-30', 'APPROVE', 'invoices match the agreed use', 'decide-1');
    expect(approved.status, approved.text).toBe(200);
    expect(Object.keys(approved.body).sort()).toEqual(['applicationId', 'checks', 'decidedOn', 'facility', 'history', 'note', 'status']);
    expect(approved.body).toMatchObject({ applicationId, status: 'APPROVED', decidedOn: '2026-11-30', note: 'invoices match the agreed use' });
    expect(approved.body.history).toEqual([
      { status: 'REFERRED', date: '2026-11-10', by: 'checks', note: null },
      { status: 'APPROVED', date: '2026-11-30', by: 'ops:e2e-ops-desk', note: 'invoices match the agreed use' },
    ]);
    // The review approves a REFER; it does not make it a PASS. Every check is re-run and listed.
    expect(approved.body.checks.map((c: { code: string; outcome: string }) => ({ code: c.code, outcome: c.outcome }))).toEqual(outcomes({ 'funds-use': 'REFER' }));
    expect(approved.body.facility).toMatchObject({ maturityDate: MATURITY, renewalCount: 0, pendingRenewal: null, renewalContract: { approvedBy: 'ops:e2e-ops-desk', executesOn: MATURITY } });
    const replay = await decide(l, applicationId, '2026-11-30', 'APPROVE', 'invoices match the agreed use', 'decide-1');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(approved.body);
    expect(await queued('REFERRED', '2026-11-30', applicationId)).toEqual([]);
    expect(await queued('APPROVED', '2026-11-30', applicationId)).toEqual([expect.objectContaining({ status: 'APPROVED', decidedOn: '2026-11-30', history: approved.body.history })]);

    // At maturity: the old 借据's interest 21..30 Nov = 10 days: 50 000 000 × 10 × 38 000 / 360 000 000 = 52 777.78 → 527.78, due.
    expect((await facilityAsOf(l, MATURITY)).body).toMatchObject({ maturityDate: '2027-12-01', renewalCount: 1, interestDue: '527.78', principalOutstanding: '500000.00' });
    expect((await e2e.events(l.facilityId)).map((event) => event.type)).toEqual(['FacilityOpened', 'DrawdownMade', 'RenewalReferred', 'RepaymentApplied', 'RenewalApproved']);
    await expectJournalReplays(l);
  });

  it('decided on the maturity date itself: approved and executed in the same append', async () => {
    const { l, applicationId } = await referredLine();
    const approved = await decide(l, applicationId, MATURITY, 'APPROVE');
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.facility).toMatchObject({ maturityDate: '2027-12-01', renewalCount: 1, renewalContract: null, interestDue: '527.78' });
    expect(approved.body.facility.drawdowns.map((d: { status: string; ratePercent: string }) => [d.status, d.ratePercent])).toEqual([
      ['RENEWED', '3.8000'],
      ['ACTIVE', '3.6100'],
    ]);
    const last = (await e2e.events(l.facilityId)).at(-1)!;
    // The catch-up to M settles the old 借据's interest the evening before (issue 9 §1), then the decision executes.
    expect((last.data as { events: { type: string }[] }).events.map((e) => e.type)).toEqual(['InterestSettled', 'RenewalApproved', 'FacilityRenewed']);
  });

  it('undecided at the end of the maturity date it expires: end of day records it, the queue moves it to EXPIRED, a late decision is 422 renewal-expired, the loan falls overdue', async () => {
    const { l, applicationId } = await referredLine();
    // The day after maturity the queue no longer offers it, even before end of day has run.
    expect(await queued('REFERRED', '2026-12-02', applicationId)).toEqual([]);
    const ran = await e2e.asOps('2026-12-02').post(`/v1/ops/eod/${MATURITY}`);
    expect(ran.status, ran.text).toBe(200);
    const expiredEvent = (await e2e.events(l.facilityId)).at(-1)!;
    expect(expiredEvent.actor).toBe('system:eod');
    expect((expiredEvent.data as { events: { type: string }[] }).events.map((e) => e.type)).toContain('RenewalExpired');
    expect(await queued('EXPIRED', '2026-12-02', applicationId)).toEqual([
      expect.objectContaining({
        status: 'EXPIRED',
        appliedOn: '2026-11-10',
        decidedOn: MATURITY,
        oldMaturityDate: MATURITY,
        history: [
          { status: 'REFERRED', date: '2026-11-10', by: 'checks', note: null },
          { status: 'EXPIRED', date: MATURITY, by: 'system', note: 'not decided by the end of the maturity date' },
        ],
      }),
    ]);
    const seq = await e2e.lastSeq(l.facilityId);
    expectProblem(await decide(l, applicationId, '2026-12-02', 'APPROVE'), 422, 'renewal-expired');
    expect(await e2e.lastSeq(l.facilityId)).toBe(seq);
    // The ordinary maturity rules: principal overdue from 2026-12-02 (DPD 1), the line matured.
    expect((await facilityAsOf(l, '2026-12-02')).body).toMatchObject({ status: 'MATURED', overduePrincipal: '500000.00', daysPastDue: 1, pendingRenewal: null, renewalContract: null });
    await expectJournalReplays(l);
  });

  it('without end of day, the next command records the expiry and the queue follows', async () => {
    const { l, applicationId } = await referredLine();
    expectProblem(await decide(l, applicationId, '2026-12-03', 'DECLINE'), 422, 'renewal-expired');
    await repay(l, '2026-12-03', '100.00');
    expect(await queued('EXPIRED', '2026-12-03', applicationId)).toHaveLength(1);
    expect(await queued('REFERRED', MATURITY, applicationId)).toEqual([]);
  });

  it('a decline keeps the REFERRED decision in the history; deciding another application is not found', async () => {
    const { l, applicationId } = await referredLine();
    expectProblem(await decide(l, `${l.facilityId}-A99`, '2026-11-22', 'DECLINE'), 404, 'not-found');
    const declined = await decide(l, applicationId, '2026-11-22', 'DECLINE', 'use of funds could not be shown');
    expect(declined.status, declined.text).toBe(200);
    expect(declined.body).toMatchObject({ applicationId, status: 'DECLINED', decidedOn: '2026-11-22', note: 'use of funds could not be shown' });
    expect(declined.body.history.map((s: { status: string }) => s.status)).toEqual(['REFERRED', 'DECLINED']);
    expect(declined.body.facility).toMatchObject({ pendingRenewal: null, renewalContract: null, maturityDate: MATURITY, renewalCount: 0 });
    expect(await queued('DECLINED', '2026-11-22', applicationId)).toEqual([expect.objectContaining({ status: 'DECLINED', decidedOn: '2026-11-22' })]);
    expect(await queued('REFERRED', '2026-11-22', applicationId)).toEqual([]);
  });

  it('approval re-checks the hard rules: frozen since → 422 renewal-not-eligible, nothing written', async () => {
    const { l, applicationId } = await referredLine();
    expect((await e2e.asOps('2026-11-22').post(`/v1/ops/facilities/${l.facilityId}/freeze`, { reason: 'court order' })).status).toBe(200);
    const seq = await e2e.lastSeq(l.facilityId);
    expectProblem(await decide(l, applicationId, '2026-11-23', 'APPROVE'), 422, 'renewal-not-eligible');
    expect(await e2e.lastSeq(l.facilityId)).toBe(seq);
    expect((await facilityAsOf(l, '2026-11-23')).body).toMatchObject({ pendingRenewal: applicationId, maturityDate: MATURITY });
  });

  it('a late retry of the application (same key) after the decision replays its answer without putting it back in the queue', async () => {
    const l = await line({ fundsUseCompliant: 'unknown' });
    await draw(l, '2026-10-25', '500000.00');
    const applied = await apply(l, '2026-11-10', 'apply-once');
    const applicationId = applied.body.applicationId as string;
    // While it is pending, a retry (a day later) is how a lost queue entry is repaired: it stays listed, dated the day of the application.
    expect((await apply(l, '2026-11-11', 'apply-once')).headers.get('idempotent-replayed')).toBe('true');
    expect((await queued('REFERRED', '2026-11-11', applicationId)).map((item) => (item as unknown as { appliedOn: string }).appliedOn)).toEqual(['2026-11-10']);
    expect((await decide(l, applicationId, '2026-11-12', 'DECLINE', 'no')).body.status).toBe('DECLINED');
    const retried = await apply(l, '2026-11-13', 'apply-once');
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toEqual(applied.body);
    expect(await queued('REFERRED', '2026-11-13', applicationId)).toEqual([]);
  });

  it('operations approving while the SME applies again: one outcome, one renewal', async () => {
    const { l, applicationId } = await referredLine();
    const [decision, again] = await Promise.all([decide(l, applicationId, '2026-11-25', 'APPROVE'), apply(l, '2026-11-25')]);
    expect(decision.status, decision.text).toBe(200);
    expect(decision.body.status).toBe('APPROVED');
    // Whichever append came first, the second application meets an open application (still referred, or approved).
    expect(again.status, again.text).toBe(422);
    expect(['renewal-pending', 'renewal-approved']).toContain(again.body.code);
    const types = (await e2e.events(l.facilityId)).map((event) => event.type);
    expect(types.filter((t) => t.startsWith('Renewal'))).toEqual(['RenewalReferred', 'RenewalApproved']);
    expect((await facilityAsOf(l, '2026-11-25')).body.renewalContract).toMatchObject({ applicationId, number: 1 });
  });
});

describe('the renewal queue (GET /v1/ops/renewals)', () => {
  it('any other status is a 400 naming the allowed values', async () => {
    for (const status of ['REJECTED', 'referred', '']) {
      const r = await e2e.asOps('2026-11-10').get('/v1/ops/renewals', { query: { status } });
      expectProblem(r, 400, 'validation-failed');
      expect(r.body.detail).toContain('REFERRED');
      expect(r.body.detail).toContain('EXPIRED');
    }
    expectProblem(await e2e.asOps('2026-11-10').get('/v1/ops/renewals'), 400, 'validation-failed');
  });
});

describe('the borrower profile the checks read', () => {
  it('an ENTERPRISE must give its size (400 otherwise, nothing written); the other types need not; LARGE and fundsUseCompliant are accepted', async () => {
    const borrowerId = uniqueId('B');
    const put = (body: Partial<ProfileBody>) => e2e.asOps().put(`/v1/ops/borrowers/${borrowerId}/profile`, { ...body });
    const { enterpriseSize: _size, ...withoutSize } = BASE_PROFILE;
    const refused = await put(withoutSize);
    expectProblem(refused, 400, 'validation-failed');
    expect(refused.text).toContain('enterpriseSize');
    expect((await e2e.asOps().get(`/v1/ops/borrowers/${borrowerId}/profile`)).status).toBe(404);
    const farmer = await put({ ...withoutSize, borrowerType: 'FARMER' });
    expect(farmer.status, farmer.text).toBe(201);
    expect(farmer.body).toMatchObject({ borrowerType: 'FARMER', enterpriseSize: null, fundsUseCompliant: true });
    const large = await put({ ...withoutSize, enterpriseSize: 'LARGE', fundsUseCompliant: false });
    expect(large.body).toMatchObject({ borrowerType: 'ENTERPRISE', enterpriseSize: 'LARGE', fundsUseCompliant: false });
    const { fundsUseCompliant: _funds, ...unchecked } = { ...withoutSize, enterpriseSize: 'SMALL' as const };
    expect((await put(unchecked)).body).toMatchObject({ fundsUseCompliant: 'unknown' });
    expectProblem(await put({ ...unchecked, fundsUseCompliant: 'yes' as unknown as boolean }), 400, 'validation-failed');
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
