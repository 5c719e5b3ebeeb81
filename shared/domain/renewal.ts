/**
 * Renewal without repaying principal first (无还本续贷, DESIGN §8). Each check yields PASS, REFER
 * or REJECT with a reason; any REJECT → REJECTED, else any REFER → REFERRED (ops review), else
 * APPROVED and executed at once: the maturity moves one renewal term out, outstanding drawdowns
 * roll into it with no principal repaid, the spread is repriced, classification stays NORMAL.
 */
import { addDays, addMonths, daysBetween, toDay, type BusinessDate } from './calendar.ts';
import { maxDpdWithin } from './classification.ts';
import { accrueTo } from './drawdown-accrual.ts';
import { contractRatePpm, penaltyRatePpm } from './rates.ts';
import type { BorrowerProfile } from './profile.ts';
import type { RenewalConfig } from './product.ts';
import type { CheckOutcome, FacilityState, RenewalCheck, RenewalCheckCode, RenewalProposal } from './state.ts';
import type { CategoryAmounts } from './valuation.ts';

export interface RenewalAssessment {
  decision: RenewalDecision;
  checks: RenewalCheck[];
  proposal: RenewalProposal;
}

export type RenewalDecision = 'APPROVED' | 'REFERRED' | 'REJECTED';

export function proposalFor(state: FacilityState, config: RenewalConfig, lprPpm: number, spreadBp: number): RenewalProposal {
  return {
    newMaturityDate: addMonths(state.maturityDate, config.renewalTermMonths),
    spreadBp,
    ratePpm: contractRatePpm(lprPpm, spreadBp, state.pricing.floorPpm),
  };
}

/**
 * Runs every check on a state opened on `date`, given what the borrower owes on that date
 * (`owed`, by category). Pure; no side effects.
 */
export function assessRenewal(
  state: FacilityState,
  owed: CategoryAmounts,
  date: BusinessDate,
  profile: BorrowerProfile | null,
  config: RenewalConfig,
  proposal: RenewalProposal,
): RenewalAssessment {
  const checks: RenewalCheck[] = [];
  const add = (code: RenewalCheckCode, outcome: CheckOutcome, detail: string) => checks.push({ code, outcome, detail });

  if (state.status === 'ACTIVE') add('facility-status', 'PASS', 'facility is active');
  else add('facility-status', 'REJECT', `facility is ${state.status}`);

  const daysToMaturity = daysBetween(date, state.maturityDate);
  if (daysToMaturity < 0) add('application-window', 'REJECT', `the facility matured on ${state.maturityDate}`);
  else if (daysToMaturity > config.windowDays) {
    add('application-window', 'REJECT', `the window opens ${config.windowDays} days before maturity, on ${addDays(state.maturityDate, -config.windowDays)}`);
  } else add('application-window', 'PASS', `${daysToMaturity} days before maturity`);

  const t = owed;
  const arrears = t.OVERDUE_PRINCIPAL + t.OVERDUE_INTEREST + t.PENALTY_INTEREST + t.COMPOUND_INTEREST;
  if (arrears > 0) add('no-arrears', 'REJECT', 'overdue principal, overdue interest or penalty interest is unpaid (欠贷欠息)');
  else if (t.INTEREST_DUE > 0) add('no-arrears', 'REJECT', 'settled interest is due and unpaid: pay it first');
  else add('no-arrears', 'PASS', 'no arrears; interest paid up to date');

  if (state.classification === 'NORMAL') add('classification', 'PASS', 'classified NORMAL');
  else add('classification', 'REJECT', `classified ${state.classification}`);

  const maxDpd = maxDpdWithin(state, date, config.dpdHistoryWindowDays);
  if (maxDpd === 0) add('dpd-history', 'PASS', `no days past due in the last ${config.dpdHistoryWindowDays} days`);
  else if (maxDpd <= config.dpdReferMax) add('dpd-history', 'REFER', `up to ${maxDpd} days past due in the last ${config.dpdHistoryWindowDays} days`);
  else add('dpd-history', 'REJECT', `${maxDpd} days past due in the last ${config.dpdHistoryWindowDays} days`);

  if (profile === null) {
    for (const code of ['business-registration', 'tax-rating', 'enterprise-size', 'profile-freshness'] as const) {
      add(code, 'REFER', 'no borrower profile on file');
    }
  } else {
    if (profile.registrationStatus === 'ACTIVE') add('business-registration', 'PASS', 'business registration active');
    else add('business-registration', 'REJECT', `business registration ${profile.registrationStatus}`);

    if (profile.taxRating === 'D') add('tax-rating', 'REJECT', 'tax credit rating D');
    else if (profile.taxRating === 'C') add('tax-rating', 'REFER', 'tax credit rating C');
    else add('tax-rating', 'PASS', `tax credit rating ${profile.taxRating}`);

    if (profile.enterpriseSize === 'MEDIUM') add('enterprise-size', 'REFER', 'medium enterprise: outside the micro/small policy scope');
    else add('enterprise-size', 'PASS', `${profile.enterpriseSize.toLowerCase()} enterprise`);

    const age = daysBetween(profile.profileDate, date);
    if (age > config.profileMaxAgeDays) add('profile-freshness', 'REFER', `profile dated ${profile.profileDate} is ${age} days old (max ${config.profileMaxAgeDays})`);
    else if (age < 0) add('profile-freshness', 'REFER', `profile dated ${profile.profileDate} is after the application date`);
    else add('profile-freshness', 'PASS', `profile dated ${profile.profileDate}`);
  }

  if (state.renewalCount < config.maxConsecutiveRenewals) add('renewal-count', 'PASS', `renewal ${state.renewalCount + 1} of ${config.maxConsecutiveRenewals}`);
  else add('renewal-count', 'REFER', `already renewed ${state.renewalCount} times (max ${config.maxConsecutiveRenewals} without review)`);

  const decision: RenewalDecision = checks.some((c) => c.outcome === 'REJECT')
    ? 'REJECTED'
    : checks.some((c) => c.outcome === 'REFER')
      ? 'REFERRED'
      : 'APPROVED';
  return { decision, checks, proposal };
}

/**
 * Executes an approved renewal on a draft opened on `date`: no principal moves, every open
 * drawdown now matures with the facility, the new rate applies from `date` (a new accrual bucket).
 * Returns what the event records.
 */
export function executeRenewal(draft: FacilityState, date: BusinessDate, proposal: RenewalProposal): Record<string, unknown> {
  accrueTo(draft, toDay(date));
  const before = { maturityDate: draft.maturityDate, spreadBp: draft.pricing.spreadBp, rates: draft.drawdowns.map((d) => ({ drawdownId: d.drawdownId, ratePpm: d.ratePpm })) };
  draft.maturityDate = proposal.newMaturityDate;
  draft.pricing = { ...draft.pricing, spreadBp: proposal.spreadBp };
  for (const d of draft.drawdowns) {
    if (d.principalFen === 0) continue;
    d.maturityDate = proposal.newMaturityDate;
    d.ratePpm = proposal.ratePpm;
    d.penaltyRatePpm = penaltyRatePpm(proposal.ratePpm, draft.terms.penaltyUpliftPct);
  }
  draft.renewalCount += 1;
  draft.classification = 'NORMAL';
  return {
    oldMaturityDate: before.maturityDate,
    newMaturityDate: proposal.newMaturityDate,
    oldSpreadBp: before.spreadBp,
    newSpreadBp: proposal.spreadBp,
    oldRates: before.rates,
    newRatePpm: proposal.ratePpm,
  };
}
