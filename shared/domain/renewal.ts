/**
 * Renewal without repaying principal first (无还本续贷, docs/renewal.md): the
 * assessment an application gets (the checks are in renewal-checks.ts) and the terms it proposes.
 * An approval records a contract; the date engine executes it at the old maturity
 * (renewal-execution.ts). Nothing here changes a running loan.
 */
import { addMonths, type BusinessDate } from './calendar.ts';
import { reportedClassification } from './classification.ts';
import { contractRatePpm } from './rates.ts';
import { decisionOf, runRenewalChecks } from './renewal-checks.ts';
import type { BorrowerProfile } from './profile.ts';
import type { RenewalConfig } from './product.ts';
import type { Classification, FacilityState, RenewalCheck, RenewalProposal } from './state.ts';
import type { CategoryAmounts } from './valuation.ts';

export type RenewalDecision = 'APPROVED' | 'REFERRED' | 'REJECTED';

export interface RenewalAssessment {
  decision: RenewalDecision;
  checks: RenewalCheck[];
  proposal: RenewalProposal;
}

/** The renewal's terms: old maturity + the renewal term, the model's spread over today's LPR, floored. */
export function proposalFor(state: FacilityState, config: RenewalConfig, lprPpm: number, spreadBp: number): RenewalProposal {
  return {
    newMaturityDate: addMonths(state.maturityDate, config.renewalTermMonths),
    spreadBp,
    ratePpm: contractRatePpm(lprPpm, spreadBp, state.pricing.floorPpm),
    lprPpm,
  };
}

/**
 * The borrower-level class the renewal checks read: the debtor-level class for an ENTERPRISE borrower
 * (the worst among its facilities, recorded by end of day), else the facility's own.
 */
function borrowerClassOf(state: FacilityState): Classification {
  return reportedClassification(state);
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
  const checks = runRenewalChecks({ state, date, owed, borrowerClass: borrowerClassOf(state), profile, config });
  return { decision: decisionOf(checks), checks, proposal };
}
