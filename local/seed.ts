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

export async function seedDemo(): Promise<void> {
  if (optionalEnv(SEED_DEMO_ENV, '1') === '0') {
    console.log('[local] seed: skipped (SEED_DEMO=0)');
    return;
  }
  const deps = appDeps();
  if ((await deps.store.loadLatest(DEMO.facilityId)) !== null) {
    console.log('[local] seed: demo data already present');
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
