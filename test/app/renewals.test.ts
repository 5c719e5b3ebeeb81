import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import type { BorrowerProfile } from '#domain/profile.ts';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { drawdown, openFacility, repay } from '#app/facilities.ts';
import { applyForRenewal, checkRenewal, decideRenewal } from '#app/renewals.ts';
import { listRenewals } from '#app/renewal-queue.ts';
import { putProfile } from '#app/borrowers.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore, uniqueId } from '../setup/ledger.ts';
import { smallEnterpriseProfile } from '../domain/support.ts';

let app: AppDeps;
beforeAll(async () => {
  const client = ledgerClient();
  app = createAppDeps({ store: ledgerStore(client, { tableName: await freshTable(client, 'renew') }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
  await app.lpr.publish({ date: '2025-05-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
});

const ctx = (date: string, key: string, actor = 'sme:B') => ({ date, idempotencyKey: key, actor });

function profile(borrowerId: string, overrides: Partial<BorrowerProfile> = {}): BorrowerProfile {
  return smallEnterpriseProfile({ borrowerId, relationship: { depositBalanceFen: 1_000_000_00, settlementVolumeFen: 0 }, profileDate: '2026-10-01', ...overrides });
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
  it('approves inside the window: the contract is recorded, and the old 借据 is settled by a new one only at the old maturity', async () => {
    const { facilityId, borrowerId } = await setup();
    // Drawn on 2026-10-25: nothing has been settled yet on 2026-11-10, so there are no arrears.
    const preview = await checkRenewal(app, facilityId, '2026-11-10', { borrowerId });
    expect(preview.checks.filter((c) => c.outcome !== 'PASS')).toEqual([]);
    expect(preview.decision).toBe('APPROVED');
    const r = await applyForRenewal(app, facilityId, ctx('2026-11-10', 'renew-1'), { borrowerId });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ decision: 'APPROVED', status: 'APPROVED', proposal: { newMaturityDate: '2027-12-01' } });
    // Spread: 180 − 300 + 60 + risk(80 bp × 45% = 36) + 50 + 40 − 5 (deposits ≥ 500 000) = 61 bp → 3.61%
    expect(r.body.proposal).toMatchObject({ spreadBp: 61, ratePercent: '3.6100' });
    // Nothing about the running loan changes before the old maturity (2026-12-01).
    expect(r.body.facility).toMatchObject({ principalOutstanding: '500000.00', maturityDate: '2026-12-01', renewalCount: 0, classification: 'NORMAL', spreadBp: 80 });
    expect(r.body.facility.renewalContract).toMatchObject({ number: 1, executesOn: '2026-12-01', newMaturityDate: '2027-12-01', spreadBp: 61, ratePercent: '3.6100' });
    expect(r.body.facility.drawdowns[0]).toMatchObject({ maturityDate: '2026-12-01', ratePercent: '3.8000', principalOutstanding: '500000.00' });
    // November's interest all at the old rate: 25 Oct..20 Nov = 27 days: 50 000 000 × 27 × 38 000 / 360 000 000 = 142 500 → 1 425.00.
    const paid = await repay(app, facilityId, ctx('2026-11-21', 'int', 'channel:t'), { amountFen: 142_500 });
    expect(paid.body.allocation).toMatchObject({ interestDue: '1425.00', principal: '0.00' });
    // At the opening of 2026-12-01 the old 借据 is settled: its interest to maturity, 21..30 Nov = 10 days:
    // 50 000 000 × 10 × 38 000 / 360 000 000 = 52 777.78 → 527.78, due that day (利随本清); the principal moved to a new one.
    const settled = await repay(app, facilityId, ctx('2026-12-01', 'int-m', 'channel:t'), { amountFen: 52_778 });
    expect(settled.body.allocation).toMatchObject({ interestDue: '527.78', principal: '0.00' });
    expect(settled.body.facility.drawdowns).toEqual([
      expect.objectContaining({ principalOutstanding: '500000.00', drawnDate: '2026-12-01', maturityDate: '2027-12-01', ratePercent: '3.6100', status: 'ACTIVE', renewal: { number: 1, renewedFrom: `${facilityId}-D0001`, principalCarried: '500000.00' } }),
    ]);
    // Drawing after the switch: the new drawdown takes the new rate.
    const d = await drawdown(app, facilityId, ctx('2026-12-15', 'after', 'channel:t'), { amountFen: 100_000_00 });
    expect(d.body.ratePercent).toBe('3.6100');
    expect(d.body.facility).toMatchObject({ maturityDate: '2027-12-01', renewalCount: 1, renewalContract: null });
    const events = (await app.store.listEvents(facilityId, { limit: 100 })).items.map((e) => e.type);
    expect(events.filter((t) => t === 'RepaymentApplied')).toHaveLength(2);
    expect(events).toContain('RenewalApproved');
    expect((await listRenewals(app, 'APPROVED', '2026-12-15', { limit: 100 })).items.map((i) => i.applicationId)).toContain(r.body.applicationId);
  });

  it('refers a borrower whose use of funds is unconfirmed to operations, who approve it; a second application meanwhile is refused', async () => {
    const { facilityId, borrowerId } = await setup({ fundsUseCompliant: 'unknown' });
    const r = await applyForRenewal(app, facilityId, ctx('2026-11-20', 'renew-m'), { borrowerId });
    expect(r.body).toMatchObject({ decision: 'REFERRED', status: 'REFERRED' });
    expect(r.body.checks.find((c) => c.code === 'funds-use')).toMatchObject({ outcome: 'REFER', reason: 'funds-use-unknown' });
    await expect(applyForRenewal(app, facilityId, ctx('2026-11-21', 'renew-m2'), { borrowerId })).rejects.toMatchObject({ code: 'renewal-pending' });
    const queue = await listRenewals(app, 'REFERRED', '2026-11-21', { limit: 100 });
    expect(queue.items.map((i) => i.applicationId)).toContain(r.body.applicationId);
    const decided = await decideRenewal(app, facilityId, r.body.applicationId, ctx('2026-11-21', 'dec', 'ops:alice'), { decision: 'APPROVE', note: 'invoices seen' });
    expect(decided.body).toMatchObject({ status: 'APPROVED', decidedOn: '2026-11-21', note: 'invoices seen', facility: { maturityDate: '2026-12-01', renewalContract: { approvedBy: 'ops:alice' } } });
    expect((await listRenewals(app, 'REFERRED', '2026-11-21', { limit: 100 })).items.map((i) => i.applicationId)).not.toContain(r.body.applicationId);
    await expect(applyForRenewal(app, facilityId, ctx('2026-11-22', 'renew-m3'), { borrowerId })).rejects.toMatchObject({ code: 'renewal-approved' });
  });

  it('rejects outside the window; interest due and not yet overdue is no arrears (PASS with the amount and the pay-by date)', async () => {
    const { facilityId, borrowerId } = await setup({ taxRating: 'D' });
    const early = await checkRenewal(app, facilityId, '2026-10-31', { borrowerId });
    expect(early.decision).toBe('REJECTED');
    expect(early.checks.find((c) => c.code === 'application-window')).toMatchObject({ outcome: 'REJECT', reason: 'window-not-open' });
    expect(early.checks.find((c) => c.code === 'tax-rating')).toMatchObject({ outcome: 'REJECT' });
    const onTime = await checkRenewal(app, facilityId, '2026-11-01', { borrowerId });
    expect(onTime.checks.find((c) => c.code === 'application-window')).toMatchObject({ outcome: 'PASS' });
    expect(onTime.checks.find((c) => c.code === 'no-arrears')).toMatchObject({ outcome: 'PASS', reason: 'no-arrears' });
    // Interest settled at the end of 2026-11-20 (1 425.00) is due on the 21st and overdue from the 22nd.
    const due = await checkRenewal(app, facilityId, '2026-11-21', { borrowerId });
    expect(due.checks.find((c) => c.code === 'no-arrears')).toMatchObject({ outcome: 'PASS', reason: 'interest-due-not-overdue', params: { amount: '1425.00', payBy: '2026-11-21' } });
    const r = await applyForRenewal(app, facilityId, ctx('2026-11-21', 'rej'), { borrowerId });
    expect(r.body).toMatchObject({ status: 'REJECTED', facility: { maturityDate: '2026-12-01', renewalCount: 0 } });
  });

  it('hides another borrower\'s facility as not found', async () => {
    const { facilityId } = await setup();
    await expect(checkRenewal(app, facilityId, '2026-11-10', { borrowerId: 'someone-else' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('the queue follows expiries recorded in catch-up chunks', () => {
  it('a referral that expired inside a long catch-up (appended as chunks before the command) is listed as EXPIRED', async () => {
    // 20 drawdowns (the default cap) on a line maturing 2027-01-05, referred on 2026-12-22 (use of funds unconfirmed),
    // never decided; the next command comes ten years later, so its catch-up goes in as several chunks.
    const facilityId = uniqueId('F');
    const borrowerId = uniqueId('B');
    await putProfile(app, profile(borrowerId, { fundsUseCompliant: 'unknown', profileDate: '2026-12-01' }));
    await openFacility(app, { date: '2026-01-05', actor: 'channel:t' }, { facilityId, borrowerId, limitFen: 50_000_000_00, effectiveDate: '2026-01-05', maturityDate: '2027-01-05', spreadBp: 80 });
    for (let i = 0; i < DEFAULT_PRODUCT.terms.maxOpenDrawdowns; i++) {
      await drawdown(app, facilityId, ctx('2026-12-21', `d${i}`, 'channel:t'), { amountFen: 1_000_000_00 });
    }
    const referred = await applyForRenewal(app, facilityId, ctx('2026-12-22', 'refer'), { borrowerId });
    expect(referred.body.status).toBe('REFERRED');
    const seq = referred.event.seq;
    const late = await repay(app, facilityId, ctx('2036-01-05', 'late', 'channel:t'), { amountFen: 100_00 });
    // Chunks went in between the referral and the repayment's own event.
    expect(late.event.seq).toBeGreaterThan(seq + 2);
    const expired = (await listRenewals(app, 'EXPIRED', '2036-01-05', { limit: 100 })).items.filter((i) => i.applicationId === referred.body.applicationId);
    expect(expired).toEqual([expect.objectContaining({ status: 'EXPIRED', appliedOn: '2026-12-22', decidedOn: '2027-01-05', oldMaturityDate: '2027-01-05' })]);
    expect((await app.store.listRenewalEntries('REFERRED', { limit: 100 })).items.map((i) => i.applicationId)).not.toContain(referred.body.applicationId);
  });
});
