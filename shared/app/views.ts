/**
 * The API's views of domain data: money as yuan strings, rates as percent strings. One
 * place turns fen and ppm into the contract's representation.
 */
import { formatYuan } from '#domain/money.ts';
import { formatPercent } from '#domain/rates.ts';
import type { output } from 'zod/v4/core';
import type { Allocation, FacilityView as FacilityViewSchema } from '#api/facilities.ts';
import { totalsInYuan, type EodReport, type EodReportView as EodReportViewSchema } from '#api/eod.ts';
import type { RenewalContract } from '#domain/state.ts';
import type { PeriodFlows as PeriodFlowsSchema, PolicyView as PolicyViewSchema } from '#api/reports.ts';
import { growthPpm, type BalanceCount, type LendingFlow, type PeriodFlows, type PolicyFigures } from '#domain/policy.ts';
import type { CategoryAmounts, Valuation } from '#domain/valuation.ts';

/** The contract's response types (shared/api): a view that drifts from its schema does not compile. */
export type FacilityView = output<typeof FacilityViewSchema>;
export type AllocationView = output<typeof Allocation>;
type RenewalContractView = NonNullable<FacilityView['renewalContract']>;

function renewalContractView(c: RenewalContract): RenewalContractView {
  return {
    applicationId: c.applicationId,
    number: c.number,
    approvedOn: c.approvedOn,
    approvedBy: c.approvedBy,
    executesOn: c.oldMaturityDate,
    newMaturityDate: c.newMaturityDate,
    spreadBp: c.spreadBp,
    ratePercent: formatPercent(c.ratePpm),
  };
}

export function allocationView(amounts: CategoryAmounts): AllocationView {
  return {
    compoundInterest: formatYuan(amounts.COMPOUND_INTEREST),
    penaltyInterest: formatYuan(amounts.PENALTY_INTEREST),
    overdueInterest: formatYuan(amounts.OVERDUE_INTEREST),
    overduePrincipal: formatYuan(amounts.OVERDUE_PRINCIPAL),
    interestDue: formatYuan(amounts.INTEREST_DUE),
    principal: formatYuan(amounts.PRINCIPAL),
    accruedInterest: formatYuan(amounts.ACCRUED_INTEREST),
  };
}

/** The facility as of `valuation.asOf`: statuses, dates and amounts as they stand that day. */
export function facilityView(valuation: Valuation): FacilityView {
  const { state, totals: t } = valuation;
  const byId = new Map(state.drawdowns.map((d) => [d.drawdownId, d]));
  return {
    facilityId: state.facilityId,
    borrowerId: state.borrowerId,
    status: state.status,
    currency: state.currency,
    limit: formatYuan(valuation.limitFen),
    available: formatYuan(valuation.availableFen),
    principalOutstanding: formatYuan(valuation.principalOutstandingFen),
    accruedInterest: formatYuan(t.ACCRUED_INTEREST),
    interestDue: formatYuan(t.INTEREST_DUE),
    overdueInterest: formatYuan(t.OVERDUE_INTEREST),
    overduePrincipal: formatYuan(t.OVERDUE_PRINCIPAL),
    penaltyInterest: formatYuan(t.PENALTY_INTEREST),
    compoundInterest: formatYuan(t.COMPOUND_INTEREST),
    payoffAmount: formatYuan(valuation.payoffFen),
    payableToday: formatYuan(valuation.payableFen),
    classification: valuation.classification,
    borrowerClassification: valuation.borrowerClassification,
    nonAccrual: valuation.nonAccrualSince !== null,
    nonAccrualSince: valuation.nonAccrualSince,
    offBalanceInterest: formatYuan(valuation.offBalanceInterestFen),
    daysPastDue: valuation.daysPastDue,
    effectiveDate: state.effectiveDate,
    maturityDate: state.maturityDate,
    spreadBp: state.pricing.spreadBp,
    terms: {
      dayCount: state.terms.dayCount,
      rounding: state.terms.rounding,
      settlementCycle: state.terms.settlementCycle,
      graceDays: state.terms.graceDays,
      penaltyUpliftPct: state.terms.penaltyUpliftPct,
      compoundInterest: state.terms.compoundInterest,
    },
    renewalCount: state.renewalCount,
    pendingRenewal: state.pendingRenewal?.applicationId ?? null,
    renewalContract: state.renewalContract == null ? null : renewalContractView(state.renewalContract),
    asOf: valuation.asOf,
    drawdowns: valuation.drawdowns.flatMap((row) => {
      const d = byId.get(row.drawdownId);
      if (d === undefined) return [];
      return [
        {
          drawdownId: d.drawdownId,
          amount: formatYuan(d.amountFen),
          principalOutstanding: formatYuan(d.principalFen),
          drawnDate: d.drawnDate,
          maturityDate: d.maturityDate,
          ratePercent: formatPercent(d.ratePpm),
          penaltyRatePercent: formatPercent(d.penaltyRatePpm),
          status: d.status,
          renewal: d.renewal === undefined ? null : { number: d.renewal.number, renewedFrom: d.renewal.renewedFrom, principalCarried: formatYuan(d.renewal.principalCarriedFen) },
          renewedTo: d.renewedTo ?? null,
        },
      ];
    }),
  };
}

export type EodReportView = output<typeof EodReportViewSchema>;

/**
 * An end-of-day report as the ops routes show it (the run's answer and the stored portfolio of a
 * date), beside the policy figures of the year's start (shared/app/reports.ts yearStartOf).
 */
export function eodReportView(report: EodReport, yearStart: { baseDate: string; policy: PolicyFigures | null }): EodReportView {
  const { totals, overdueRatioPpm, policy, trialBalance: _trialBalance, ...counts } = report;
  // A ratio in ppm reads as a percent exactly like a rate in ppm: 50 000 ppm = 5.0000%.
  return { ...counts, portfolio: { ...totalsInYuan(totals), overdueRatioPercent: formatPercent(overdueRatioPpm) }, policy: policyView(policy, yearStart) };
}


// ---------------------------------------------------------------------------------------
// The policy figures (shared/domain/policy.ts) as the API shows them

type PeriodFlowsView = output<typeof PeriodFlowsSchema>;
export type PolicyView = output<typeof PolicyViewSchema>;
type BalanceCountView = PolicyView['inclusiveSme'];
type LendingView = PeriodFlowsView['newLending'];

/** A signed ratio in ppm as a percent string with 4 decimals: −25 000 ppm → "-2.5000". */
function signedPercent(ppm: number): string {
  return ppm < 0 ? `-${formatPercent(-ppm)}` : formatPercent(ppm);
}

function balanceCountView(b: BalanceCount): BalanceCountView {
  return { balance: formatYuan(b.balanceFen), borrowers: b.borrowers };
}

function lendingView(l: LendingFlow): LendingView {
  return { count: l.count, amount: formatYuan(l.amountFen), weightedRatePercent: formatPercent(l.weightedRatePpm) };
}

function periodFlowsView(f: PeriodFlows): PeriodFlowsView {
  return {
    newLending: lendingView(f.newLending),
    inclusiveSmeNewLending: lendingView(f.inclusiveSmeNewLending),
    firstLoanBorrowers: f.firstLoanBorrowers,
    firstLoanUnknown: f.firstLoanUnknown,
    renewals: { count: f.renewals.count, principalCarried: formatYuan(f.renewals.principalCarriedFen) },
  };
}

function recordView(r: Record<string, BalanceCount>): never {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, balanceCountView(v)])) as never;
}

/** The year's start is the end of 31 December before; without that report, growth and the start count are null. */
function policyView(p: PolicyFigures, yearStart: { baseDate: string; policy: PolicyFigures | null }): PolicyView {
  const base = yearStart.policy;
  const growth = (now: number, then: number | undefined) => {
    const ppm = growthPpm(now, then ?? null);
    return ppm === null ? null : signedPercent(ppm);
  };
  return {
    borrowersWithBalance: p.borrowersWithBalance.borrowers,
    balance: formatYuan(p.borrowersWithBalance.balanceFen),
    inclusiveSme: balanceCountView(p.inclusiveSme),
    farmer: balanceCountView(p.farmer),
    creditLoans: { balance: formatYuan(p.creditLoans.balanceFen), sharePercent: formatPercent(p.creditLoans.sharePpm) },
    byClass: recordView(p.byClass),
    nonPerforming: { balance: formatYuan(p.nonPerforming.balanceFen), ratioPercent: formatPercent(p.nonPerforming.ratioPpm) },
    overdueBalance: formatYuan(p.overdueBalanceFen),
    renewedBalance: formatYuan(p.renewedBalanceFen),
    // Reports kept before non-accrual existed have none.
    nonAccrual: { ...balanceCountView(p.nonAccrual ?? { balanceFen: 0, borrowers: 0 }), offBalanceInterest: formatYuan(p.nonAccrual?.offBalanceInterestFen ?? 0) },
    borrowersWithoutProfile: p.borrowersWithoutProfile,
    flows: { day: periodFlowsView(p.flows.day), monthToDate: periodFlowsView(p.flows.month), yearToDate: periodFlowsView(p.flows.year) },
    sinceYearStart: {
      baseDate: yearStart.baseDate,
      inclusiveSmeBalanceGrowthPercent: growth(p.inclusiveSme.balanceFen, base?.inclusiveSme.balanceFen),
      allLoansBalanceGrowthPercent: growth(p.borrowersWithBalance.balanceFen, base?.borrowersWithBalance.balanceFen),
      inclusiveSmeBorrowersAtStart: base === null ? null : base.inclusiveSme.borrowers,
      inclusiveSmeBorrowers: p.inclusiveSme.borrowers,
    },
    byBorrowerType: recordView(p.byBorrowerType),
    byEnterpriseSize: recordView(p.byEnterpriseSize),
  };
}
