/**
 * Demo data for `npm start` (unless SEED_DEMO=0), written once: LPR fixings, a borrower
 * profile and a facility with one drawdown whose interest is paid every month up to the first
 * start, through the same use-cases the API uses.
 */
import { optionalEnv, SEED_DEMO_ENV } from '#config/env.ts';
import { appDeps } from '../functions/wiring.ts';
import { putProfile } from '#app/borrowers.ts';
import { drawdown, getFacility, openFacility, repay } from '#app/facilities.ts';
import { systemClock, today } from '#domain/calendar.ts';
import { parseYuan } from '#domain/money.ts';

export const DEMO = {
  borrowerId: 'BOR-DEMO-001',
  facilityId: 'FAC-DEMO-001',
  channel: 'channel:mobile-bank',
  ops: 'ops:ops-desk',
} as const;

/** 1Y / 5Y fixings in ppm (3.35% = 33 500). */
const LPR_FIXINGS = [
  { date: '2024-07-22', oneYearPpm: 33_500, fiveYearPpm: 38_500 },
  { date: '2024-10-21', oneYearPpm: 31_000, fiveYearPpm: 36_000 },
  { date: '2025-05-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 },
];

/**
 * The web apps' demo borrowers (the SME sign-in offers them locally). On the demo business date,
 * 2026-12-10, each line is inside its 30-day renewal window with nothing overdue (drawn after the
 * November settlement): BOR-DEMO-002 renews at once (APPROVED); BOR-DEMO-003, a MEDIUM enterprise
 * rated C whose use of funds is unverified and whose profile is five months old, is REFERRED to
 * operations for those three reasons.
 */
export const WEB_DEMO = {
  businessDate: '2026-12-10',
  borrowers: [
    { id: 'BOR-DEMO-002', name: '示例小微企业（可即时续贷）', facilityId: 'FAC-DEMO-002' },
    { id: 'BOR-DEMO-003', name: '示例中型企业（需人工审核）', facilityId: 'FAC-DEMO-003' },
    { id: DEMO.borrowerId, name: '示例企业（按月付息）', facilityId: DEMO.facilityId },
  ],
  opsUsers: ['ops-desk', 'ops-reviewer'],
} as const;

export async function seedDemo(): Promise<void> {
  if (optionalEnv(SEED_DEMO_ENV, '1') === '0') {
    console.log('[local] seed: skipped (SEED_DEMO=0)');
    return;
  }
  const deps = appDeps();
  if ((await deps.store.loadLatest(DEMO.facilityId)) !== null) {
    console.log('[local] seed: demo data already present');
    await seedWebDemo();
    return;
  }
  for (const fixing of LPR_FIXINGS) await deps.lpr.publish(fixing);
  await putProfile(deps, {
    borrowerId: DEMO.borrowerId,
    borrowerType: 'ENTERPRISE',
    enterpriseSize: 'SMALL',
    registrationStatus: 'ACTIVE',
    taxRating: 'A',
    riskGrade: 3,
    collateral: 'GUARANTEE',
    relationship: { depositBalanceFen: 2_000_000_00, settlementVolumeFen: 8_000_000_00 },
    profileDate: '2026-01-02',
    fundsUseCompliant: true,
  });
  await openFacility(deps, { date: '2026-01-02', actor: DEMO.channel }, {
    facilityId: DEMO.facilityId,
    borrowerId: DEMO.borrowerId,
    limitFen: 2_000_000_00,
    effectiveDate: '2026-01-02',
    maturityDate: '2027-01-02',
    spreadBp: 45,
  });
  await drawdown(deps, DEMO.facilityId, { date: '2026-01-05', idempotencyKey: 'seed-drawdown-1', actor: DEMO.channel }, { amountFen: 1_000_000_00 });
  const paid = await payInterestUntil(deps, today(systemClock));
  console.log(
    `[local] seed: LPR fixings, borrower ${DEMO.borrowerId}, facility ${DEMO.facilityId} with 1 000 000.00 drawn on 2026-01-05` +
      (paid.length === 0 ? '' : `, its interest paid each month on the 21st (${paid[0]} … ${paid.at(-1)}): NORMAL today`),
  );
  await seedWebDemo();
}

/**
 * A borrower who pays: the interest settled on each 20th is repaid on the 21st, up to `until`
 * (the day npm start first runs), so the demo line is current — NORMAL, nothing overdue —
 * whatever the date. If the payments stop, the next settlement's interest falls overdue the day
 * after it is due, days past due count from there with penalty interest, and the classification
 * moves down as they grow (README, "The demo line").
 */
async function payInterestUntil(deps: ReturnType<typeof appDeps>, until: string): Promise<string[]> {
  const paid: string[] = [];
  for (let month = 1; month <= 12; month++) {
    const date = `2026-${String(month).padStart(2, '0')}-21`;
    if (date > until) break;
    const due = parseYuan((await getFacility(deps, DEMO.facilityId, date)).interestDue);
    if (due === 0) continue;
    await repay(deps, DEMO.facilityId, { date, idempotencyKey: `seed-interest-${date}`, actor: DEMO.channel }, { amountFen: due });
    paid.push(date);
  }
  return paid;
}

/** The web demo's two extra borrowers and lines (once; also added to a store seeded before they existed). */
async function seedWebDemo(): Promise<void> {
  const deps = appDeps();
  if ((await deps.store.loadLatest('FAC-DEMO-002')) !== null) return;
  const profile = {
    borrowerType: 'ENTERPRISE',
    registrationStatus: 'ACTIVE',
    collateral: 'GUARANTEE',
    relationship: { depositBalanceFen: 500_000_00, settlementVolumeFen: 3_000_000_00 },
  } as const;
  await putProfile(deps, { ...profile, borrowerId: 'BOR-DEMO-002', enterpriseSize: 'SMALL', taxRating: 'A', riskGrade: 3, profileDate: '2026-12-01', fundsUseCompliant: true });
  await putProfile(deps, { ...profile, borrowerId: 'BOR-DEMO-003', enterpriseSize: 'MEDIUM', taxRating: 'C', riskGrade: 5, profileDate: '2026-06-30', fundsUseCompliant: 'unknown' });
  const lines = [
    { facilityId: 'FAC-DEMO-002', borrowerId: 'BOR-DEMO-002', limitFen: 1_000_000_00, maturityDate: '2027-01-05', drawnFen: 300_000_00 },
    { facilityId: 'FAC-DEMO-003', borrowerId: 'BOR-DEMO-003', limitFen: 3_000_000_00, maturityDate: '2027-01-08', drawnFen: 800_000_00 },
  ];
  for (const line of lines) {
    await openFacility(deps, { date: '2026-06-01', actor: DEMO.channel }, {
      facilityId: line.facilityId,
      borrowerId: line.borrowerId,
      limitFen: line.limitFen,
      effectiveDate: '2026-06-01',
      maturityDate: line.maturityDate,
      spreadBp: 60,
    });
    await drawdown(deps, line.facilityId, { date: '2026-11-21', idempotencyKey: `seed-${line.facilityId}-1`, actor: DEMO.channel }, { amountFen: line.drawnFen });
  }
  console.log('[local] seed: web demo borrowers BOR-DEMO-002 (renews at once) and BOR-DEMO-003 (referred), lines drawn on 2026-11-21');
}
