import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import type { BorrowerProfile } from '#domain/profile.ts';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { drawdown, openFacility, repay } from '#app/facilities.ts';
import { applyForRenewal, checkRenewal, decideRenewal, listReferrals } from '#app/renewals.ts';
import { putProfile } from '#app/borrowers.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore, uniqueId } from '../setup/ledger.ts';

let app: AppDeps;
beforeAll(async () => {
  const client = ledgerClient();
  app = createAppDeps({ store: ledgerStore(client, { tableName: await freshTable(client, 'renew') }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
  await app.lpr.publish({ date: '2025-05-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
});

const ctx = (date: string, key: string, actor = 'sme:B') => ({ date, idempotencyKey: key, actor });

function profile(borrowerId: string, overrides: Partial<BorrowerProfile> = {}): BorrowerProfile {
  return {
    borrowerId,
    borrowerType: 'ENTERPRISE',
    enterpriseSize: 'SMALL',
    registrationStatus: 'ACTIVE',
    taxRating: 'B',
    riskGrade: 4,
    collateral: 'GUARANTEE',
    relationship: { depositBalanceFen: 1_000_000_00, settlementVolumeFen: 0 },
    profileDate: '2026-10-01',
    ...overrides,
  };
}

async function setup(p: Partial<BorrowerProfile> = {}) {
  const facilityId = uniqueId('F');
  const borrowerId = uniqueId('B');
  await putProfile(app, profile(borrowerId, p));
  await openFacility(app, { date: '2025-12-01', actor: 'channel:t' }, { facilityId, borrowerId, limitFen: 1_000_000_00, effectiveDate: '2025-12-01', maturityDate: '2026-12-01', spreadBp: 80 });
  await drawdown(app, facilityId, ctx('2026-10-25', 'd1', 'channel:t'), { amountFen: 500_000_00 });
  return { facilityId, borrowerId };
}

describe('renewal without repaying principal (无还本续贷)', () => {
  it('approves inside the window, keeps the principal, moves maturity a year and reprices', async () => {
    const { facilityId, borrowerId } = await setup();
    // Drawn on 2026-10-25: nothing has been settled yet on 2026-11-10, so there are no arrears.
    const preview = await checkRenewal(app, facilityId, '2026-11-10', { borrowerId });
    expect(preview.checks.filter((c) => c.outcome !== "PASS")).toEqual([]);
    expect(preview.decision).toBe("APPROVED");
    const r = await applyForRenewal(app, facilityId, ctx('2026-11-10', 'renew-1'), { borrowerId });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ decision: 'APPROVED', status: 'APPROVED', proposal: { newMaturityDate: '2027-12-01' } });
    expect(r.body.facility).toMatchObject({ principalOutstanding: '500000.00', maturityDate: '2027-12-01', renewalCount: 1, classification: 'NORMAL' });
    // Spread: 180 − 300 + 60 + risk(80 bp × 45% = 36) + 50 + 40 − 5 (deposits ≥ 500 000) = 61 bp → 3.61%
    expect(r.body.proposal).toMatchObject({ spreadBp: 61, ratePercent: '3.6100' });
    expect(r.body.facility.drawdowns[0]).toMatchObject({ maturityDate: '2027-12-01', ratePercent: '3.6100', principalOutstanding: '500000.00' });
    const events = (await app.store.listEvents(facilityId, { limit: 100 })).items.map((e) => e.type);
    expect(events).toContain('FacilityRenewed');
    expect(events.filter((t) => t === 'RepaymentApplied')).toHaveLength(0);
    // November's interest spans the repricing: 16 days at 3.80% and 11 days at 3.61% on 500 000.00
    // = 50 000 000 × (16 × 38 000 + 11 × 36 100) / 360 000 000 = 139 597.2… → 1 395.97, due on the 21st.
    const paid = await repay(app, facilityId, ctx('2026-11-21', 'int', 'channel:t'), { amountFen: 139_597 });
    expect(paid.body.allocation).toMatchObject({ interestDue: '1395.97', principal: '0.00' });
    // Drawing continues under the new term and rate.
    const d = await drawdown(app, facilityId, ctx('2026-12-15', 'after', 'channel:t'), { amountFen: 100_000_00 });
    expect(d.body.ratePercent).toBe('3.6100');
  });

  it('refers a medium enterprise to operations, who approve it; a second application meanwhile is refused', async () => {
    const { facilityId, borrowerId } = await setup({ enterpriseSize: 'MEDIUM' });
    const r = await applyForRenewal(app, facilityId, ctx('2026-11-20', 'renew-m'), { borrowerId });
    expect(r.body).toMatchObject({ decision: 'REFERRED', status: 'REFERRED' });
    expect(r.body.checks.find((c) => c.code === 'enterprise-size')).toMatchObject({ outcome: 'REFER' });
    await expect(applyForRenewal(app, facilityId, ctx('2026-11-21', 'renew-m2'), { borrowerId })).rejects.toMatchObject({ code: 'renewal-pending' });
    const queue = await listReferrals(app, { limit: 100 });
    expect(queue.items.map((i) => i.applicationId)).toContain(r.body.applicationId);
    const decided = await decideRenewal(app, facilityId, r.body.applicationId, ctx('2026-11-20', 'dec', 'ops:alice'), { decision: 'APPROVE', note: 'medium but sound' });
    expect(decided.body).toMatchObject({ status: 'APPROVED', facility: { maturityDate: '2027-12-01', renewalCount: 1 } });
    expect((await listReferrals(app, { limit: 100 })).items.map((i) => i.applicationId)).not.toContain(r.body.applicationId);
  });

  it('rejects outside the window and with interest due unpaid, writing only the rejection', async () => {
    const { facilityId, borrowerId } = await setup({ taxRating: 'D' });
    const early = await checkRenewal(app, facilityId, '2026-10-31', { borrowerId });
    expect(early.decision).toBe('REJECTED');
    expect(early.checks.find((c) => c.code === 'application-window')).toMatchObject({ outcome: 'REJECT' });
    expect(early.checks.find((c) => c.code === 'tax-rating')).toMatchObject({ outcome: 'REJECT' });
    const onTime = await checkRenewal(app, facilityId, '2026-11-01', { borrowerId });
    expect(onTime.checks.find((c) => c.code === 'application-window')).toMatchObject({ outcome: 'PASS' });
    expect(onTime.checks.find((c) => c.code === 'no-arrears')).toMatchObject({ outcome: 'PASS' });
    // Interest settled at the end of 2026-11-20 is due on the 21st: not paid up to date.
    const due = await checkRenewal(app, facilityId, '2026-11-21', { borrowerId });
    expect(due.checks.find((c) => c.code === 'no-arrears')).toMatchObject({ outcome: 'REJECT', detail: expect.stringContaining('due and unpaid') });
    const r = await applyForRenewal(app, facilityId, ctx('2026-11-21', 'rej'), { borrowerId });
    expect(r.body).toMatchObject({ status: 'REJECTED', facility: { maturityDate: '2026-12-01', renewalCount: 0 } });
  });

  it('hides another borrower\'s facility as not found', async () => {
    const { facilityId } = await setup();
    await expect(checkRenewal(app, facilityId, '2026-11-10', { borrowerId: 'someone-else' })).rejects.toMatchObject({ code: 'not-found' });
  });
});
