/**
 * Renewal without repaying principal first (无还本续贷, 金规〔2024〕13号; docs/renewal.md
 * issue 10) in the pure domain: the scope and conditions, the contract an approval records, its
 * execution at the old maturity as new drawdowns, and the expiry of an undecided referral.
 *
 * The standard line (test/domain/support.ts): 2 000 000.00, 2026-01-01 → 2026-12-31, LPR 3.00% +
 * 45 bp = 3.45% (34 500 ppm). The renewal window opens 30 days before maturity, on 2026-12-01. The
 * renewal's spread is 61 bp: 3.00% + 0.61% = 3.61% (36 100 ppm; penalty × 1.5 = 54 150 ppm).
 */
import { describe, expect, it } from 'vitest';
import { applyCommand, type Command } from '#domain/facility.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import type { BorrowerProfile } from '#domain/profile.ts';
import { previewRenewal, type ApplyRenewalCommand, type DecideRenewalCommand, type RenewalResult } from '#domain/renewal-commands.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { advance, advanceEveryDay } from '#domain/advance.ts';
import { accrueTo } from '#domain/drawdown-accrual.ts';
import { toDay } from '#domain/calendar.ts';
import { RENEWAL_CHECKS, RENEWAL_REASONS, type FacilityState, type RenewalCheck } from '#domain/state.ts';
import { draw, eod, eventsOfType, expectDomainError, ledgerReceivables, LPR_3_00, MILLION_YUAN, openCommand, payableOn, repayCmd, run, smallEnterpriseProfile } from './support.ts';

const CONFIG = DEFAULT_PRODUCT.renewal;

const profile = smallEnterpriseProfile;

function applyCmd(date: string, p: BorrowerProfile | null = profile(), applicationId = `F1-A-${date}`): ApplyRenewalCommand {
  return { type: 'ApplyRenewal', date, applicationId, profile: p, config: CONFIG, lprPpm: LPR_3_00, spreadBp: 61 };
}

function decideCmd(date: string, applicationId: string, decision: 'APPROVE' | 'DECLINE', p: BorrowerProfile | null = profile()): DecideRenewalCommand {
  return { type: 'DecideRenewal', date, applicationId, decision, note: 'reviewed', decidedBy: 'ops:alice', profile: p, config: CONFIG, lprPpm: LPR_3_00, spreadBp: 61 };
}

/** The line with 1 000 000.00 drawn on 2026-11-25 (after November's settlement). */
function drawn(extra: Command[] = [], terms?: Parameters<typeof openCommand>[1]) {
  return run([openCommand({}, terms), draw('2026-11-25', MILLION_YUAN), ...extra]);
}

const outcome = (checks: readonly RenewalCheck[], code: string) => checks.find((c) => c.code === code)!;
const notPassing = (checks: readonly RenewalCheck[]) => Object.fromEntries(checks.filter((c) => c.outcome !== 'PASS').map((c) => [c.code, c.outcome]));

describe('scope and conditions: every threshold in the product configuration', () => {
  const base = drawn();
  const assess = (p: BorrowerProfile | null, date = '2026-12-10', state: FacilityState = base.state) => previewRenewal(state, applyCmd(date, p));

  it('a clean small enterprise passes every check, each with its reason code, in the documented order', () => {
    const a = assess(profile());
    expect(a.decision).toBe('APPROVED');
    expect(a.checks.map((c) => c.code)).toEqual([...RENEWAL_CHECKS]);
    for (const check of a.checks) expect(RENEWAL_REASONS[check.code] as readonly string[]).toContain(check.reason);
    expect(a.checks.every((c) => c.outcome === 'PASS' && c.detail.length > 0)).toBe(true);
  });

  it.each([
    ['ENTERPRISE MICRO', { enterpriseSize: 'MICRO' }, 'PASS', 'scope-micro-small-enterprise'],
    ['ENTERPRISE SMALL', { enterpriseSize: 'SMALL' }, 'PASS', 'scope-micro-small-enterprise'],
    ['ENTERPRISE MEDIUM during the extension', { enterpriseSize: 'MEDIUM' }, 'PASS', 'scope-medium-enterprise-extension'],
    ['ENTERPRISE LARGE', { enterpriseSize: 'LARGE' }, 'REJECT', 'scope-large-enterprise'],
    ['ENTERPRISE without a size', { enterpriseSize: null }, 'REFER', 'scope-enterprise-size-missing'],
    ['个体工商户', { borrowerType: 'INDIVIDUAL_BUSINESS', enterpriseSize: null }, 'PASS', 'scope-individual-business'],
    ['小微企业主', { borrowerType: 'OWNER', enterpriseSize: null }, 'PASS', 'scope-owner'],
    ['农户', { borrowerType: 'FARMER', enterpriseSize: null }, 'PASS', 'scope-farmer'],
    // A size recorded for a non-enterprise borrower does not take it out of scope.
    ['个体工商户 recorded as LARGE', { borrowerType: 'INDIVIDUAL_BUSINESS', enterpriseSize: 'LARGE' }, 'PASS', 'scope-individual-business'],
  ] as const)('policy scope: %s → %s', (_name, overrides, expected, reason) => {
    const check = outcome(assess(profile(overrides as Partial<BorrowerProfile>)).checks, 'policy-scope');
    expect(check).toMatchObject({ outcome: expected, reason });
  });

  it('a medium enterprise is in scope up to the configured end of the extension (2027-09-30) and referred after it', () => {
    // A line maturing 2027-10-15: its window opens on 2027-09-15.
    const line = run([openCommand({ maturityDate: '2027-10-15' }), draw('2026-11-25', MILLION_YUAN)]);
    const medium = profile({ enterpriseSize: 'MEDIUM', profileDate: '2027-09-01' });
    expect(outcome(assess(medium, '2027-09-30', line.state).checks, 'policy-scope')).toMatchObject({ outcome: 'PASS', reason: 'scope-medium-enterprise-extension', params: { scopeEnds: '2027-09-30' } });
    const after = outcome(assess(medium, '2027-10-01', line.state).checks, 'policy-scope');
    expect(after).toMatchObject({ outcome: 'REFER', reason: 'scope-medium-extension-ended' });
    expect(after.detail).toContain('2027-09-30');
    // The date is configuration, not code.
    const extended = previewRenewal(line.state, { ...applyCmd('2027-10-01', medium), config: { ...CONFIG, mediumEnterpriseScopeEnds: '2028-09-30' } });
    expect(outcome(extended.checks, 'policy-scope').outcome).toBe('PASS');
  });

  it.each([
    [true, 'PASS', 'funds-used-as-agreed'],
    ['unknown', 'REFER', 'funds-use-unknown'],
    [false, 'REJECT', 'funds-diverted'],
  ] as const)('use of funds as agreed (no 挪用): %s → %s', (funds, expected, reason) => {
    expect(outcome(assess(profile({ fundsUseCompliant: funds })).checks, 'funds-use')).toMatchObject({ outcome: expected, reason });
  });

  it.each([
    [1, 'PASS'],
    [7, 'PASS'],
    [8, 'REFER'],
    [9, 'REJECT'],
    [10, 'REJECT'],
  ] as const)('meets the standard for new lending: risk grade %i → %s', (grade, expected) => {
    expect(outcome(assess(profile({ riskGrade: grade })).checks, 'new-lending-standard')).toMatchObject({ outcome: expected, params: { riskGrade: grade, passMax: 7, referMax: 8 } });
  });

  it('without a profile every profile check refers, none rejects', () => {
    expect(notPassing(assess(null).checks)).toEqual({
      'business-registration': 'REFER',
      'tax-rating': 'REFER',
      'policy-scope': 'REFER',
      'funds-use': 'REFER',
      'new-lending-standard': 'REFER',
      'profile-freshness': 'REFER',
    });
  });

  it('无欠贷欠息: interest settled and due but not yet overdue passes, saying how much to pay by when', () => {
    // December's interest, 25 Nov..20 Dec = 26 days: 100 000 000 × 26 × 34 500 / 360 000 000 = 249 166.67 → 2 491.67,
    // due on the 21st and overdue from the 22nd: pay by 2026-12-21.
    const check = outcome(assess(profile(), '2026-12-21').checks, 'no-arrears');
    expect(check).toMatchObject({ outcome: 'PASS', reason: 'interest-due-not-overdue', params: { amount: '2491.67', payBy: '2026-12-21' } });
    expect(check.detail).toBe('No arrears. 2491.67 yuan of settled interest is due: pay it by 2026-12-21 so that it does not become overdue.');
    // A day later it is overdue: arrears, and the class (DPD 1) is SPECIAL_MENTION.
    const late = assess(profile(), '2026-12-22');
    expect(notPassing(late.checks)).toEqual({ 'no-arrears': 'REJECT', classification: 'REFER', 'dpd-history': 'REFER' });
    // The arrears now include compound interest for the 21st, the interest's 付息日 (issue 9 §1):
    // 249 167 × 51 750 / 360 000 000 = 35.82 → 0.36, so 2 491.67 + 0.36 = 2 492.03.
    expect(outcome(late.checks, 'no-arrears')).toMatchObject({ reason: 'arrears-unpaid', params: { amount: '2492.03' } });
    expect(outcome(late.checks, 'classification')).toMatchObject({ reason: 'class-special-mention' });
  });
});

describe('an approval records the contract; nothing about the running loans changes before the old maturity', () => {
  it('approved 20 days before maturity: December settles at the old rate; on 2026-12-31 the old 借据 is settled by a new one', () => {
    const applied = drawn([applyCmd('2026-12-11')]);
    const result = applied.results.at(-1) as RenewalResult;
    expect(result).toMatchObject({ status: 'APPROVED', proposal: { newMaturityDate: '2027-12-31', spreadBp: 61, ratePpm: 36_100 } });
    expect(applied.state.renewalContract).toMatchObject({
      applicationId: 'F1-A-2026-12-11',
      number: 1,
      approvedOn: '2026-12-11',
      approvedBy: 'checks',
      oldMaturityDate: '2026-12-31',
      newMaturityDate: '2027-12-31',
      spreadBp: 61,
      ratePpm: 36_100,
    });
    // The running loan is untouched: same rate, maturity, facility maturity and spread.
    expect(applied.state).toMatchObject({ maturityDate: '2026-12-31', renewalCount: 0, pricing: { spreadBp: 45 } });
    expect(applied.state.drawdowns).toEqual([expect.objectContaining({ drawdownId: 'F1-D0001', ratePpm: 34_500, maturityDate: '2026-12-31', status: 'ACTIVE' })]);
    expect(eventsOfType(applied.events, 'RenewalApproved')).toHaveLength(1);
    expect(eventsOfType(applied.events, 'FacilityRenewed')).toHaveLength(0);
    // A second application meanwhile is refused.
    expectDomainError(() => applyCommand(applied.state, applyCmd('2026-12-12')), 'renewal-approved');

    // December's settlement: 25 Nov..20 Dec = 26 days all at 3.45% → 2 491.67 (the old rules switched the rate on the 11th).
    const paid = run([repayCmd('2026-12-21', 249_167)], applied);
    expect(payableOn(paid.state, '2026-12-22')).toMatchObject({ INTEREST_DUE: 0, OVERDUE_INTEREST: 0 });

    // The opening of 2026-12-31 executes the contract.
    const switched = run([eod('2026-12-30')], paid);
    const [renewed] = eventsOfType(switched.events, 'FacilityRenewed');
    expect(renewed!.date).toBe('2026-12-31');
    // The old one's interest to maturity, 21..30 Dec = 10 days: 100 000 000 × 10 × 34 500 / 360 000 000 = 95 833.33 → 958.33.
    expect(renewed!.data).toMatchObject({
      applicationId: 'F1-A-2026-12-11',
      renewalNumber: 1,
      oldMaturityDate: '2026-12-31',
      newMaturityDate: '2027-12-31',
      oldSpreadBp: 45,
      newSpreadBp: 61,
      newRatePpm: 36_100,
      drawdowns: [
        {
          from: 'F1-D0001',
          to: 'F1-D0002',
          principalCarriedFen: MILLION_YUAN,
          interestToMaturityFen: 95_833,
          oldRatePpm: 34_500,
          newRatePpm: 36_100,
          oldMaturityDate: '2026-12-31',
          // min(new facility maturity 2027-12-31, 2026-12-31 + 365 days = 2027-12-31).
          newMaturityDate: '2027-12-31',
        },
      ],
    });
    expect((renewed!.data['checks'] as unknown[]).length).toBe(RENEWAL_CHECKS.length);
    // Postings balance: the interest settles into the receivable, the principal moves between 借据 with no cash
    // (the end of 2026-12-30's events together: the interest may settle as the loan's maturity settlement).
    expect(renewed!.postings.filter((p) => p.account === 'LOAN_PRINCIPAL')).toEqual([
      { account: 'LOAN_PRINCIPAL', side: 'DR', amountFen: MILLION_YUAN },
      { account: 'LOAN_PRINCIPAL', side: 'CR', amountFen: MILLION_YUAN },
    ]);
    expect(switched.events.slice(paid.events.length).flatMap((e) => e.postings)).toEqual([
      { account: 'INTEREST_RECEIVABLE', side: 'DR', amountFen: 95_833 },
      { account: 'INTEREST_INCOME', side: 'CR', amountFen: 95_833 },
      { account: 'LOAN_PRINCIPAL', side: 'DR', amountFen: MILLION_YUAN },
      { account: 'LOAN_PRINCIPAL', side: 'CR', amountFen: MILLION_YUAN },
    ]);
    expect(eventsOfType(switched.events, 'FacilityMatured')).toHaveLength(0);
    const s = switched.state;
    expect(s).toMatchObject({ maturityDate: '2027-12-31', renewalCount: 1, pricing: { spreadBp: 61 }, renewalContract: null, classification: 'NORMAL', status: 'ACTIVE' });
    expect(s.drawdowns).toEqual([
      expect.objectContaining({ drawdownId: 'F1-D0001', status: 'RENEWED', principalFen: 0, renewedTo: 'F1-D0002' }),
      expect.objectContaining({
        drawdownId: 'F1-D0002',
        status: 'ACTIVE',
        amountFen: MILLION_YUAN,
        principalFen: MILLION_YUAN,
        drawnDate: '2026-12-31',
        maturityDate: '2027-12-31',
        ratePpm: 36_100,
        penaltyRatePpm: 54_150,
        renewal: { number: 1, renewedFrom: 'F1-D0001', principalCarriedFen: MILLION_YUAN },
      }),
    ]);
    // On the old maturity date the old 借据's interest is due (利随本清), not yet overdue; the principal is the new one's.
    expect(payableOn(s, '2026-12-31')).toMatchObject({ INTEREST_DUE: 95_833, OVERDUE_INTEREST: 0, OVERDUE_PRINCIPAL: 0, PRINCIPAL: MILLION_YUAN, ACCRUED_INTEREST: 0 });
    // The books equal the state: principal 1 000 000.00, interest receivable 958.33.
    expect(ledgerReceivables(switched.events)).toEqual({ LOAN_PRINCIPAL: MILLION_YUAN, INTEREST_RECEIVABLE: 95_833, PENALTY_RECEIVABLE: 0 });

    // The new one runs at 3.61% from 2026-12-31: 31 Dec..20 Jan = 21 days: 100 000 000 × 21 × 36 100 / 360 000 000 = 210 583.33 → 2 105.83.
    const later = run([repayCmd('2026-12-31', 95_833), eod('2027-01-20')], switched);
    expect(payableOn(later.state, '2027-01-21')).toMatchObject({ INTEREST_DUE: 210_583, OVERDUE_INTEREST: 0 });
    // The old 借据, paid up, has left the state.
    expect(later.state.drawdowns.map((d) => d.drawdownId)).toEqual(['F1-D0002']);
    expect(later.state.classification).toBe('NORMAL');
  });

  it('unpaid, the old 借据’s interest to maturity turns overdue on M + 1 like any settled interest', () => {
    const line = drawn([applyCmd('2026-12-11'), repayCmd('2026-12-21', 249_167), eod('2026-12-31')]);
    expect(valuationAsOf(line.state, '2027-01-01')).toMatchObject({ daysPastDue: 1 });
    expect(payableOn(line.state, '2027-01-01')).toMatchObject({ OVERDUE_INTEREST: 95_833, OVERDUE_PRINCIPAL: 0 });
  });

  it('the new drawdown matures at the product’s maximum drawdown term when that comes first', () => {
    // maxDrawdownTermDays 180: the first drawdown matures with the line (2026-11-25 + 36 days = 2026-12-31 ≤ 180 days);
    // the new one at 2026-12-31 + 180 days = 2027-06-29, before the new facility maturity 2027-12-31.
    const line = drawn([applyCmd('2026-12-11'), repayCmd('2026-12-21', 249_167), eod('2026-12-30')], { maxDrawdownTermDays: 180 });
    expect(line.state.maturityDate).toBe('2027-12-31');
    expect(line.state.drawdowns.find((d) => d.drawdownId === 'F1-D0002')).toMatchObject({ drawnDate: '2026-12-31', maturityDate: '2027-06-29' });
  });

  it('approved on the maturity date itself (the opening has passed), the contract is executed at once', () => {
    const line = drawn([repayCmd('2026-12-21', 249_167), applyCmd('2026-12-31')]);
    const types = line.events.map((e) => e.type);
    expect(types.slice(-2)).toEqual(['RenewalApproved', 'FacilityRenewed']);
    expect(line.state.drawdowns.find((d) => d.drawdownId === 'F1-D0002')).toMatchObject({ drawnDate: '2026-12-31', ratePpm: 36_100, principalFen: MILLION_YUAN });
    // Same interest to maturity as at the opening: 21..30 Dec.
    expect(payableOn(line.state, '2026-12-31')).toMatchObject({ INTEREST_DUE: 95_833, PRINCIPAL: MILLION_YUAN });
  });

  it('a contract whose conditions no longer hold at the old maturity lapses, and the loan follows the ordinary maturity rules', () => {
    // December's interest is left unpaid: overdue from the 22nd, DPD 10 on the 31st.
    const line = drawn([applyCmd('2026-12-11'), eod('2027-01-01')]);
    const [lapsed] = eventsOfType(line.events, 'RenewalLapsed');
    expect(lapsed!.data).toMatchObject({ applicationId: 'F1-A-2026-12-11', reason: 'arrears-at-maturity' });
    expect(eventsOfType(line.events, 'FacilityRenewed')).toHaveLength(0);
    expect(line.state).toMatchObject({ status: 'MATURED', renewalCount: 0, renewalContract: null, maturityDate: '2026-12-31' });
    expect(line.state.drawdowns[0]).toMatchObject({ drawdownId: 'F1-D0001', status: 'OVERDUE' });
  });

  it('a renewal neither improves a class nor resets the DPD history', () => {
    // A SPECIAL_MENTION borrower (DPD 1 in March, cured) referred on dpd-history, approved by ops.
    const line = run([
      openCommand(),
      draw('2026-03-05', MILLION_YUAN),
      // March's interest, 5..20 March = 16 days: 100 000 000 × 16 × 34 500 / 360 000 000 = 153 333.33 → 1 533.33, overdue on the 22nd.
      eod('2026-03-22'),
    ]);
    expect(line.state.classification).toBe('SPECIAL_MENTION');
    const history = line.state.dpdHistory.length;
    const repaid = run([repayCmd('2026-03-23', payableOnTotal(line.state, '2026-03-23')), draw('2026-11-25', MILLION_YUAN)], line);
    const referred = run([applyCmd('2026-12-10')], repaid);
    expect((referred.results.at(-1) as RenewalResult).status).toBe('REFERRED');
    const approved = run([decideCmd('2026-12-11', 'F1-A-2026-12-10', 'APPROVE'), repayCmd('2026-12-21', 249_167), eod('2026-12-30')], referred);
    expect(approved.state.renewalCount).toBe(1);
    expect(approved.state.classification).toBe(repaid.state.classification);
    expect(approved.state.dpdHistory).toHaveLength(history);
    expect(eventsOfType(approved.events, 'ClassificationChanged').length).toBe(eventsOfType(repaid.events, 'ClassificationChanged').length);
  });
});

function payableOnTotal(state: FacilityState, date: string): number {
  return Object.values(payableOn(state, date)).reduce((a, b) => a + b, 0);
}

describe('a referral must be decided before the old maturity ends', () => {
  const referred = () => drawn([applyCmd('2026-12-10', profile({ fundsUseCompliant: 'unknown' }))]);

  it('decided on the maturity date itself it is approved and executed at once', () => {
    const line = run([repayCmd('2026-12-21', 249_167), decideCmd('2026-12-31', 'F1-A-2026-12-10', 'APPROVE')], referred());
    expect(line.events.map((e) => e.type).slice(-2)).toEqual(['RenewalApproved', 'FacilityRenewed']);
    expect(line.state).toMatchObject({ maturityDate: '2027-12-31', renewalCount: 1, pendingRenewal: null });
  });

  it('undecided at the end of the maturity date it expires; a decision after that is renewal-expired; the loan falls overdue', () => {
    const line = run([repayCmd('2026-12-21', 249_167), eod('2026-12-31')], referred());
    const [expired] = eventsOfType(line.events, 'RenewalExpired');
    expect(expired).toMatchObject({ date: '2026-12-31', data: { applicationId: 'F1-A-2026-12-10', appliedOn: '2026-12-10', oldMaturityDate: '2026-12-31' } });
    expect(line.state).toMatchObject({ pendingRenewal: null, status: 'MATURED', expiredRenewal: { applicationId: 'F1-A-2026-12-10', expiredOn: '2026-12-31' } });
    expect(line.state.drawdowns[0]).toMatchObject({ status: 'OVERDUE', overdueSince: '2027-01-01' });
    const error = expectDomainError(() => applyCommand(line.state, decideCmd('2027-01-01', 'F1-A-2026-12-10', 'APPROVE')), 'renewal-expired');
    expect(error.details).toMatchObject({ expiredOn: '2026-12-31' });
  });

  it('the next command records the expiry even when end of day did not run, and refuses the late decision', () => {
    const line = run([repayCmd('2026-12-21', 249_167)], referred());
    expectDomainError(() => applyCommand(line.state, decideCmd('2027-01-01', 'F1-A-2026-12-10', 'DECLINE')), 'renewal-expired');
    const next = run([repayCmd('2027-01-02', 100_00)], line);
    expect(eventsOfType(next.events, 'RenewalExpired')).toHaveLength(1);
  });

  it('a decline keeps the original REFERRED decision in the application’s history', () => {
    const line = run([decideCmd('2026-12-11', 'F1-A-2026-12-10', 'DECLINE')], referred());
    expect((line.results.at(-1) as RenewalResult).history).toEqual([
      { status: 'REFERRED', date: '2026-12-10', by: 'checks', note: null },
      { status: 'DECLINED', date: '2026-12-11', by: 'ops:alice', note: 'reviewed' },
    ]);
  });

  it('the date engine jumping from boundary to boundary lands where the end of every single day does', () => {
    const approved = drawn([applyCmd('2026-12-11'), repayCmd('2026-12-21', 249_167)]);
    const referred = drawn([applyCmd('2026-12-10', profile({ fundsUseCompliant: 'unknown' }))]);
    for (const start of [approved.state, referred.state]) {
      for (const to of ['2026-12-30', '2026-12-31', '2027-01-01', '2027-02-15']) {
        const jump = advance(start, to);
        const every = advanceEveryDay(start, to);
        expect(every.events, to).toEqual(jump.events);
        // advance leaves accrual lazy (accruedUntil at the last boundary); accrued to the same day they are identical.
        for (const t of [jump, every]) accrueTo(t.state, toDay(to));
        expect(every.state, to).toEqual(jump.state);
      }
    }
  });

  it('replaying the same commands reproduces the state exactly', () => {
    const commands: Command[] = [
      openCommand(),
      draw('2026-11-25', MILLION_YUAN),
      applyCmd('2026-12-10', profile({ fundsUseCompliant: 'unknown' })),
      decideCmd('2026-12-12', 'F1-A-2026-12-10', 'APPROVE'),
      repayCmd('2026-12-21', 249_167),
      // The old 借据's interest to maturity, due on the old maturity date.
      repayCmd('2026-12-31', 95_833),
      eod('2027-01-05'),
      draw('2027-01-06', 200_000_00),
    ];
    expect(run(commands).state).toEqual(run(commands).state);
    expect(run(commands).state.drawdowns.map((d) => [d.drawdownId, d.status, d.ratePpm])).toEqual([
      ['F1-D0002', 'ACTIVE', 36_100],
      ['F1-D0003', 'ACTIVE', 36_100],
    ]);
  });
});
