/**
 * The facility (授信额度) and its drawdowns (借据) as plain, JSON-safe data. The journal stores
 * this whole object after every event; everything else (valuations, views) is derived.
 */
import type { RateBucket } from './accrual.ts';
import type { BusinessDate } from './calendar.ts';
import type { ProductTerms } from './terms.ts';
import type { PolicyCounters } from './policy.ts';

type FacilityStatus = 'ACTIVE' | 'FROZEN' | 'MATURED' | 'CLOSED';
/** RENEWED: settled at its maturity by a renewal's new drawdown (its principal carried there, 无还本续贷). */
type DrawdownStatus = 'ACTIVE' | 'OVERDUE' | 'REPAID' | 'RENEWED';
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
  /**
   * What month-end accrual (计提, month-end-accrual.ts) has booked of the accumulators above, not yet settled:
   * the rounded value of each at the last month end. Settlement books only the rest. Absent when nothing is booked.
   */
  accruedBooked?: AccruedBooked;
  /** On a drawdown a renewal opened: which renewal, the drawdown it settled and the principal carried over. */
  renewal?: DrawdownRenewal;
  /** On a drawdown a renewal settled (status RENEWED): the new drawdown that carries its principal. */
  renewedTo?: string;
}

/** Month-end accrual booked from a drawdown's accumulators, by kind (each is rounded on its own, as at settlement). */
export interface AccruedBooked {
  interestFen: number;
  penaltyFen: number;
  compoundFen: number;
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
  /** The facility's own five-tier class (its DPD and cure history). */
  classification: Classification;
  /**
   * The debtor-level class end of day recorded for an ENTERPRISE borrower with several facilities
   * (the worst among them), kept only where it is worse than the own class; null otherwise.
   * Reports and renewal read `reportedClassification`, never this field directly.
   */
  borrowerClassification: Classification | null;
  /**
   * A non-performing facility whose arrears are all paid is observed before it may move up: normal
   * service from `startedOn` until `endsOn` (exclusive) cures it. Null when no observation runs.
   */
  cureObservation: { startedOn: BusinessDate; endsOn: BusinessDate } | null;
  /**
   * Non-accrual (表外) since this business day (non-accrual.ts): every interest amount the facility owes,
   * settled or booked, is held in the memo accounts, not as a receivable. Null while accruing.
   */
  nonAccrualSince: BusinessDate | null;
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
  /** An approved renewal, executed at the opening of the old maturity date (absent on states stored before it existed). */
  renewalContract?: RenewalContract | null;
  /** The last referral that expired undecided: a decision on it after that is refused as expired. */
  expiredRenewal?: { applicationId: string; expiredOn: BusinessDate } | null;
  /** Monotonic lending counters for the policy figures (policy.ts): period flows without scanning events. */
  counters: PolicyCounters;
  /** Debit-positive balance of every account from this facility's postings so far (the GL trial balance sums them). */
  ledger: Record<Account, number>;
}

// Renewal (无还本续贷) data the state carries; the rules that produce it are in renewal-checks.ts
// (the checks), renewal-commands.ts (applications and decisions) and renewal-execution.ts (dates).

/** The checks, in the order every answer lists them. Stable: clients key texts on them. */
export const RENEWAL_CHECKS = [
  'facility-status',
  'application-window',
  'no-arrears',
  'classification',
  'dpd-history',
  'business-registration',
  'tax-rating',
  'policy-scope',
  'funds-use',
  'new-lending-standard',
  'profile-freshness',
  'renewal-count',
] as const;
export type RenewalCheckCode = (typeof RENEWAL_CHECKS)[number];
export type CheckOutcome = 'PASS' | 'REFER' | 'REJECT';

/**
 * Every reason a check can give, by check. Stable and documented (docs/renewal.md): the SME app
 * shows its own (Chinese) text for each, filled in from `params`.
 */
export const RENEWAL_REASONS = {
  'facility-status': ['facility-active', 'facility-frozen', 'facility-matured', 'facility-closed'],
  'application-window': ['window-open', 'window-not-open', 'window-closed'],
  'no-arrears': ['no-arrears', 'interest-due-not-overdue', 'arrears-unpaid'],
  classification: ['class-normal', 'class-special-mention', 'class-non-performing'],
  'dpd-history': ['no-days-past-due', 'days-past-due-minor', 'days-past-due-serious'],
  'business-registration': ['registration-active', 'registration-suspended', 'registration-revoked', 'profile-missing'],
  'tax-rating': ['tax-rating-good', 'tax-rating-c', 'tax-rating-d', 'profile-missing'],
  'policy-scope': [
    'scope-micro-small-enterprise',
    'scope-medium-enterprise-extension',
    'scope-medium-extension-ended',
    'scope-large-enterprise',
    'scope-enterprise-size-missing',
    'scope-individual-business',
    'scope-owner',
    'scope-farmer',
    'profile-missing',
  ],
  'funds-use': ['funds-used-as-agreed', 'funds-use-unknown', 'funds-diverted', 'profile-missing'],
  'new-lending-standard': ['risk-grade-acceptable', 'risk-grade-review', 'risk-grade-too-high', 'profile-missing'],
  'profile-freshness': ['profile-current', 'profile-stale', 'profile-future-dated', 'profile-missing'],
  'renewal-count': ['renewal-count-below-maximum', 'renewal-count-at-maximum'],
} as const satisfies Record<RenewalCheckCode, readonly string[]>;
export type RenewalReason = (typeof RENEWAL_REASONS)[RenewalCheckCode][number];

export interface RenewalCheck {
  code: RenewalCheckCode;
  outcome: CheckOutcome;
  reason: RenewalReason;
  /** The figures the reason names (amounts as yuan strings, dates, counts): what a translated text fills in. */
  params: Record<string, string | number>;
  /** Plain English: what was found and what the SME can do about it. */
  detail: string;
}

export interface RenewalProposal {
  newMaturityDate: BusinessDate;
  spreadBp: number;
  ratePpm: number;
  /** The 1-year LPR the rate was built on. */
  lprPpm?: number;
}

export interface PendingRenewal {
  applicationId: string;
  appliedOn: BusinessDate;
  checks: RenewalCheck[];
  proposal: RenewalProposal;
}

/**
 * An approved renewal not yet executed: nothing about the running loans changes before
 * `oldMaturityDate`; at its opening every outstanding drawdown is settled by a new one on these terms.
 */
export interface RenewalContract {
  applicationId: string;
  /** The facility's renewal number this contract makes (renewal count + 1). */
  number: number;
  approvedOn: BusinessDate;
  /** `checks` when every check passed, else the operations officer. */
  approvedBy: string;
  oldMaturityDate: BusinessDate;
  newMaturityDate: BusinessDate;
  spreadBp: number;
  /** The new contract rate: the 1-year LPR at approval + the new spread, floored. */
  ratePpm: number;
  lprPpm: number;
  checks: RenewalCheck[];
}

/** The renewal marker of a new drawdown (借据) opened by a renewal: the reports count 无还本续贷 from it. */
export interface DrawdownRenewal {
  /** The facility's renewal number (1 for its first renewal). */
  number: number;
  renewedFrom: string;
  principalCarriedFen: number;
}

export type Account =
  | 'LOAN_PRINCIPAL'
  | 'INTEREST_RECEIVABLE'
  | 'PENALTY_RECEIVABLE'
  | 'INTEREST_INCOME'
  | 'PENALTY_INCOME'
  | 'BORROWER_SETTLEMENT'
  /** Memo (表外) account: interest owed by a non-accrual facility, not on the balance sheet. */
  | 'OFF_BALANCE_INTEREST'
  /** Its contra: every memo entry is DR OFF_BALANCE_INTEREST / CR OFF_BALANCE_INTEREST_CONTRA or the reverse. */
  | 'OFF_BALANCE_INTEREST_CONTRA';

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
