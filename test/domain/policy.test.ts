/**
 * The policy figures' rules (shared/domain/policy.ts), each as named in the notice they come from,
 * with the counters a facility carries so a period's flow needs no scan of its events.
 */
import { describe, expect, it } from 'vitest';
import {
  borrowerFacts,
  countNewDrawdowns,
  firstLoanStatus,
  flowIn,
  INCLUSIVE_SME_CREDIT_CAP_FEN,
  isCreditLoan,
  isFarmerBusinessLoan,
  isInclusiveSme,
  policyFigures,
  ratioPpm,
  growthPpm,
  weightedRatePpm,
  emptyPart,
  addFacilityFigures,
  mergeParts,
  zeroFlows,
  type BorrowerFacts,
  type FacilityFigures,
} from '#domain/policy.ts';
import { draw, LPR_3_00, openCommand, repayCmd, run } from './support.ts';

const facts = (over: Partial<BorrowerFacts>): BorrowerFacts => ({ borrowerType: 'ENTERPRISE', enterpriseSize: 'SMALL', collateral: 'GUARANTEE', priorBankLoan: true, ...over });

describe('普惠小微: micro and small enterprises, 个体工商户 and 小微企业主 with total credit of at most 10 000 000.00', () => {
  it('is a matter of borrower type and size', () => {
    expect(isInclusiveSme(facts({ enterpriseSize: 'MICRO' }), 0)).toBe(true);
    expect(isInclusiveSme(facts({ enterpriseSize: 'SMALL' }), 0)).toBe(true);
    expect(isInclusiveSme(facts({ enterpriseSize: 'MEDIUM' }), 0)).toBe(false);
    expect(isInclusiveSme(facts({ borrowerType: 'INDIVIDUAL_BUSINESS', enterpriseSize: 'MEDIUM' }), 0)).toBe(true);
    expect(isInclusiveSme(facts({ borrowerType: 'OWNER' }), 0)).toBe(true);
    // FARMER loans are 普惠涉农 (农户经营性), reported on their own line.
    expect(isInclusiveSme(facts({ borrowerType: 'FARMER' }), 0)).toBe(false);
    expect(isFarmerBusinessLoan(facts({ borrowerType: 'FARMER' }))).toBe(true);
    expect(isInclusiveSme(null, 0)).toBe(false);
  });

  it('the line is inclusive: 10 000 000.00 is in, 10 000 000.01 is out', () => {
    expect(INCLUSIVE_SME_CREDIT_CAP_FEN).toBe(10_000_000_00);
    expect(isInclusiveSme(facts({}), 10_000_000_00)).toBe(true);
    expect(isInclusiveSme(facts({}), 10_000_000_01)).toBe(false);
  });
});

describe('首贷户 and 信用贷款', () => {
  it('首贷户: the first drawdown falls in the period and the credit report shows no bank loan before; unknown is apart', () => {
    expect(firstLoanStatus(facts({ priorBankLoan: false }), '2026-01-05', '2026-01-01', '2026-01-31')).toBe('FIRST_LOAN');
    expect(firstLoanStatus(facts({ priorBankLoan: true }), '2026-01-05', '2026-01-01', '2026-01-31')).toBe('NOT_FIRST_LOAN');
    expect(firstLoanStatus(facts({ priorBankLoan: 'unknown' }), '2026-01-05', '2026-01-01', '2026-01-31')).toBe('UNKNOWN');
    // No profile: nothing is known about prior loans.
    expect(firstLoanStatus(null, '2026-01-05', '2026-01-01', '2026-01-31')).toBe('UNKNOWN');
    // Outside the period, or never drawn: not a 首贷户 of the period, whatever the credit report says.
    expect(firstLoanStatus(facts({ priorBankLoan: false }), '2025-12-31', '2026-01-01', '2026-01-31')).toBe('NOT_FIRST_LOAN');
    expect(firstLoanStatus(facts({ priorBankLoan: false }), '2026-02-01', '2026-01-01', '2026-01-31')).toBe('NOT_FIRST_LOAN');
    expect(firstLoanStatus(facts({ priorBankLoan: false }), null, '2026-01-01', '2026-01-31')).toBe('NOT_FIRST_LOAN');
  });

  it('信用贷款: no guarantee, no property', () => {
    expect(isCreditLoan(facts({ collateral: 'NONE' }))).toBe(true);
    expect(isCreditLoan(facts({ collateral: 'GUARANTEE' }))).toBe(false);
    expect(isCreditLoan(facts({ collateral: 'PROPERTY' }))).toBe(false);
  });

  it('a profile without priorBankLoan counts as unknown', () => {
    const profile = { borrowerId: 'B', borrowerType: 'OWNER', enterpriseSize: 'MICRO', collateral: 'NONE' } as Parameters<typeof borrowerFacts>[0];
    expect(borrowerFacts(profile)?.priorBankLoan).toBe('unknown');
  });
});

describe('rates and ratios, exact in integers and rounded once', () => {
  it('weighted average rate Σ(amount × rate) / Σ amount', () => {
    // 400 000.00 at 3.50% and 100 000.00 at 3.80%: (40 000 000 × 35 000 + 10 000 000 × 38 000) / 50 000 000 = 35 600 ppm.
    expect(weightedRatePpm(50_000_000, 40_000_000n * 35_000n + 10_000_000n * 38_000n)).toBe(35_600);
    // 1 fen at 1 ppm and 2 fen at 2 ppm: 5 / 3 = 1.67 → 2 (half-up).
    expect(weightedRatePpm(3, 5n)).toBe(2);
    expect(weightedRatePpm(0, 0n)).toBe(0);
    // Σ amount × rate far beyond 2^53: 10^12 fen at 100% is 10^18, still exact.
    expect(weightedRatePpm(1_000_000_000_000, 1_000_000_000_000n * 1_000_000n)).toBe(1_000_000);
  });

  it('shares and growth in ppm (a percent with 4 decimals), half-up; growth may be negative, or null without a base', () => {
    expect(ratioPpm(1, 3)).toBe(333_333);
    expect(ratioPpm(2, 3)).toBe(666_667);
    expect(ratioPpm(5, 0)).toBe(0);
    expect(growthPpm(150, 100)).toBe(500_000);
    expect(growthPpm(50, 100)).toBe(-500_000);
    expect(growthPpm(100, 0)).toBeNull();
    expect(growthPpm(100, null)).toBeNull();
  });
});

describe('the counters a facility carries', () => {
  it('count each drawdown once, into the day, month and year it was drawn', () => {
    // 3.45% on the standard line; 300 000.00 on 01-05, 200 000.00 on 01-20, 100 000.00 on 02-03.
    const r = run([openCommand(), draw('2026-01-05', 300_000_00), draw('2026-01-20', 200_000_00), repayCmd('2026-01-25', 100_000_00), draw('2026-02-03', 100_000_00)]);
    const c = r.state.counters;
    expect(c.total).toEqual({ newLendingCount: 3, newLendingFen: 600_000_00, newLendingFenPpm: String(600_000_00 * 34_500), renewalCount: 0, renewalPrincipalFen: 0 });
    expect(c.firstDrawdownDate).toBe('2026-01-05');
    // Counting again changes nothing: the count is idempotent by the drawdown's ordinal.
    countNewDrawdowns(r.state);
    expect(r.state.counters.total.newLendingCount).toBe(3);
    // The flows of a period are the counters less those when it opened; a period without a drawdown has none.
    expect(flowIn(r.state, 'day', '2026-02-03').newLendingFen).toBe(100_000_00);
    expect(flowIn(r.state, 'month', '2026-02-03').newLendingFen).toBe(100_000_00);
    expect(flowIn(r.state, 'year', '2026-02-03').newLendingFen).toBe(600_000_00);
    expect(flowIn(r.state, 'day', '2026-02-04').newLendingFen).toBe(0);
    expect(flowIn(r.state, 'month', '2026-03-01').newLendingCount).toBe(0);
  });

  it('a drawdown a renewal created is 无还本续贷, never new lending, and carries its principal', () => {
    const r = run([openCommand(), draw('2026-01-05', 300_000_00)]);
    const state = structuredClone(r.state);
    // The marker the renewal rules put on the new drawdown at the old maturity.
    state.drawdowns.push({ ...state.drawdowns[0]!, drawdownId: 'F1-D0002', ordinal: 2, drawnDate: '2026-01-31', renewal: { number: 1, renewedFrom: 'F1-D0001', principalCarriedFen: 300_000_00 } });
    countNewDrawdowns(state);
    expect(state.counters.total).toMatchObject({ newLendingCount: 1, newLendingFen: 300_000_00, renewalCount: 1, renewalPrincipalFen: 300_000_00 });
    expect(flowIn(state, 'day', '2026-01-31')).toMatchObject({ newLendingCount: 0, renewalCount: 1, renewalPrincipalFen: 300_000_00 });
    expect(flowIn(state, 'month', '2026-01-31')).toMatchObject({ newLendingCount: 1, renewalCount: 1 });
  });

  it('every transition books its postings on the facility ledger, which matches the state', () => {
    const r = run([openCommand(), draw('2026-01-05', 1_000_000_00, { lprPpm: LPR_3_00 }), repayCmd('2026-01-12', 400_000_00)]);
    expect(r.state.ledger).toMatchObject({ LOAN_PRINCIPAL: 600_000_00, BORROWER_SETTLEMENT: -600_000_00 });
  });
});

describe('the book of a date', () => {
  it('a borrower without a balance is counted nowhere, and share and ratio are 0 on an empty book', () => {
    const idle = { ...emptyPart('B-IDLE'), creditFen: 5_000_000_00, facts: facts({}) };
    const p = policyFigures('2026-01-31', [idle], { borrowerTypes: ['ENTERPRISE'], enterpriseSizes: ['SMALL'] });
    expect(p.borrowersWithBalance).toEqual({ balanceFen: 0, borrowers: 0 });
    expect(p.inclusiveSme).toEqual({ balanceFen: 0, borrowers: 0 });
    expect(p.byEnterpriseSize['SMALL']).toEqual({ balanceFen: 0, borrowers: 0 });
    expect(p.creditLoans.sharePpm).toBe(0);
    expect(p.nonPerforming.ratioPpm).toBe(0);
    expect(p.totalCreditFen).toBe(5_000_000_00);
  });

  /** One facility's figures as end of day collects them. */
  const facility = (borrowerId: string, over: Partial<FacilityFigures>): FacilityFigures => ({
    borrowerId,
    creditFen: 0,
    balanceFen: 0,
    overdueFen: 0,
    renewedBalanceFen: 0,
    nonAccrualBalanceFen: 0,
    offBalanceInterestFen: 0,
    classification: 'NORMAL',
    firstDrawdownDate: null,
    flows: { day: zeroFlows(), month: zeroFlows(), year: zeroFlows() },
    ...over,
  });
  /** A borrower's two facilities met in two different shards: each shard sums its own, then the parts merge. */
  const twoShards = (f: BorrowerFacts, a: Partial<FacilityFigures>, b: Partial<FacilityFigures>) => {
    const first = { ...emptyPart('B1'), facts: f };
    const second = { ...emptyPart('B1'), facts: f };
    addFacilityFigures(first, facility('B1', a));
    addFacilityFigures(second, facility('B1', b));
    mergeParts(first, second);
    return policyFigures('2026-01-31', [first], { borrowerTypes: ['ENTERPRISE', 'INDIVIDUAL_BUSINESS'], enterpriseSizes: ['SMALL'] });
  };

  it('five-tier balances by borrower: an ENTERPRISE reports its whole balance under its worst class, whichever shards its facilities sit in', () => {
    // 600 000.00 NORMAL + 400 000.00 SUBSTANDARD of one enterprise: 1 000 000.00 SUBSTANDARD, one borrower, 不良率 100 %.
    const p = twoShards(facts({}), { creditFen: 1_000_000_00, balanceFen: 600_000_00 }, { creditFen: 1_000_000_00, balanceFen: 400_000_00, classification: 'SUBSTANDARD' });
    expect(p.byClass.NORMAL).toEqual({ balanceFen: 0, borrowers: 0 });
    expect(p.byClass.SUBSTANDARD).toEqual({ balanceFen: 1_000_000_00, borrowers: 1 });
    expect(p.nonPerforming).toEqual({ balanceFen: 1_000_000_00, ratioPpm: 1_000_000 });
    // Its total credit is the sum over both shards: 2 000 000.00, inside the line.
    expect(p.inclusiveSme).toEqual({ balanceFen: 1_000_000_00, borrowers: 1 });
  });

  it('a 个体工商户 is classified facility by facility: the balances stay apart, the borrower counts once under its worst class', () => {
    const p = twoShards(facts({ borrowerType: 'INDIVIDUAL_BUSINESS' }), { balanceFen: 600_000_00 }, { balanceFen: 400_000_00, classification: 'SUBSTANDARD' });
    expect(p.byClass.NORMAL).toEqual({ balanceFen: 600_000_00, borrowers: 0 });
    expect(p.byClass.SUBSTANDARD).toEqual({ balanceFen: 400_000_00, borrowers: 1 });
    expect(p.nonPerforming).toEqual({ balanceFen: 400_000_00, ratioPpm: 400_000 }); // 400 000 / 1 000 000 = 40 %
  });

  it('total credit over the line through facilities in two shards takes the borrower out of 普惠小微', () => {
    // 6 000 000.00 + 4 000 000.01 = 10 000 000.01 > 10 000 000.00.
    const p = twoShards(facts({}), { creditFen: 6_000_000_00, balanceFen: 100_00 }, { creditFen: 4_000_000_01 });
    expect(p.totalCreditFen).toBe(10_000_000_01);
    expect(p.inclusiveSme).toEqual({ balanceFen: 0, borrowers: 0 });
    expect(p.borrowersWithBalance).toEqual({ balanceFen: 100_00, borrowers: 1 });
  });
});
