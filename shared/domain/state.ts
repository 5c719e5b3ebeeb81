/**
 * The facility (授信额度) and its drawdowns (借据) as plain, JSON-safe data. The journal stores
 * this whole object after every event; everything else (valuations, views) is derived.
 */
import type { RateBucket } from './accrual.ts';
import type { BusinessDate } from './calendar.ts';
import type { ProductTerms } from './terms.ts';

export type FacilityStatus = 'ACTIVE' | 'FROZEN' | 'MATURED' | 'CLOSED';
export type DrawdownStatus = 'ACTIVE' | 'OVERDUE' | 'REPAID';
export type Classification = 'NORMAL' | 'SPECIAL_MENTION' | 'SUBSTANDARD' | 'DOUBTFUL' | 'LOSS';

export interface Pricing {
  spreadBp: number;
  /** The rate never goes below this (利率下限); 0 means no floor. */
  floorPpm: number;
}

/** Settled interest not yet paid: due from the day after settlement, overdue from `overdueFrom`. */
export interface InterestItem {
  settledOn: BusinessDate;
  overdueFrom: BusinessDate;
  amountFen: number;
}

export interface Drawdown {
  drawdownId: string;
  /** 1, 2, 3… in the order drawn: the tie-break after maturity in allocation. */
  ordinal: number;
  amountFen: number;
  principalFen: number;
  drawnDate: BusinessDate;
  maturityDate: BusinessDate;
  ratePpm: number;
  penaltyRatePpm: number;
  status: DrawdownStatus;
  /** First day of overdue principal (maturity + 1) once it fell overdue. */
  overdueSince: BusinessDate | null;
  /** Contract interest on normal principal, not yet settled. */
  interestAcc: RateBucket[];
  /** Penalty interest (罚息) on overdue principal, not yet settled. */
  penaltyAcc: RateBucket[];
  /** Compound interest (复利) on overdue interest, not yet settled. */
  compoundAcc: RateBucket[];
  interestItems: InterestItem[];
  penaltyDueFen: number;
  compoundDueFen: number;
}

/** A span of days past due, kept for the renewal rule on DPD history. */
export interface DpdEpisode {
  from: BusinessDate;
  /** Day the arrears were cleared; null while the episode is open. */
  to: BusinessDate | null;
  maxDpd: number;
}

export interface FacilityState {
  facilityId: string;
  borrowerId: string;
  currency: 'CNY';
  limitFen: number;
  effectiveDate: BusinessDate;
  maturityDate: BusinessDate;
  status: FacilityStatus;
  terms: ProductTerms;
  pricing: Pricing;
  renewalCount: number;
  classification: Classification;
  /**
   * The business day this state opens: the end of every earlier day has been applied
   * (settlement, overdue, classification). Commands are dated on or after it.
   */
  businessDate: BusinessDate;
  /** Days before this one are in the accumulators; later days are accrued on demand. */
  accruedUntil: BusinessDate;
  drawdowns: Drawdown[];
  /** Drawdowns ever made: names the next one. */
  drawdownCount: number;
  repaymentCount: number;
  dpdHistory: DpdEpisode[];
  /** A renewal application referred to operations, awaiting their decision. */
  pendingRenewal: PendingRenewal | null;
}

// Renewal (无还本续贷) data the state carries; the rules that produce it are in renewal.ts.
export const RENEWAL_CHECKS = [
  'facility-status',
  'application-window',
  'no-arrears',
  'classification',
  'dpd-history',
  'business-registration',
  'tax-rating',
  'enterprise-size',
  'profile-freshness',
  'renewal-count',
] as const;
export type RenewalCheckCode = (typeof RENEWAL_CHECKS)[number];
export type CheckOutcome = 'PASS' | 'REFER' | 'REJECT';

export interface RenewalCheck {
  code: RenewalCheckCode;
  outcome: CheckOutcome;
  detail: string;
}

export interface RenewalProposal {
  newMaturityDate: BusinessDate;
  spreadBp: number;
  ratePpm: number;
}

export interface PendingRenewal {
  applicationId: string;
  appliedOn: BusinessDate;
  checks: RenewalCheck[];
  proposal: RenewalProposal;
}

export type Account =
  | 'LOAN_PRINCIPAL'
  | 'INTEREST_RECEIVABLE'
  | 'PENALTY_RECEIVABLE'
  | 'INTEREST_INCOME'
  | 'PENALTY_INCOME'
  | 'BORROWER_SETTLEMENT';

export interface Posting {
  account: Account;
  side: 'DR' | 'CR';
  amountFen: number;
}

/** Something that happened to a facility, with its double-entry postings. */
export interface DomainEvent {
  type: string;
  date: BusinessDate;
  data: Record<string, unknown>;
  postings: Posting[];
}

/** The result of every transition: the new state and what happened, in order. */
export interface Transition<R = undefined> {
  state: FacilityState;
  events: DomainEvent[];
  result: R;
}
