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
import type { CategoryAmounts, Valuation } from '#domain/valuation.ts';

/** The contract's response types (shared/api): a view that drifts from its schema does not compile. */
export type FacilityView = output<typeof FacilityViewSchema>;
export type AllocationView = output<typeof Allocation>;
export type RenewalContractView = NonNullable<FacilityView['renewalContract']>;

export function renewalContractView(c: RenewalContract): RenewalContractView {
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

/** An end-of-day report as the ops routes show it (the run's answer and the stored portfolio of a date). */
export function eodReportView(report: EodReport): EodReportView {
  const { totals, overdueRatioPpm, ...counts } = report;
  // A ratio in ppm reads as a percent exactly like a rate in ppm: 50 000 ppm = 5.0000%.
  return { ...counts, portfolio: { ...totalsInYuan(totals), overdueRatioPercent: formatPercent(overdueRatioPpm) } };
}
