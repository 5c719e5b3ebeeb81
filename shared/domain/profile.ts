/**
 * Borrower profile (non-credit data used by renewal and pricing), maintained by operations.
 */
import type { BusinessDate } from './calendar.ts';
import type { Collateral, RiskGrade } from './product.ts';

export const BORROWER_TYPES = ['ENTERPRISE', 'INDIVIDUAL_BUSINESS', 'OWNER', 'FARMER'] as const;
export const ENTERPRISE_SIZES = ['MICRO', 'SMALL', 'MEDIUM', 'LARGE'] as const;
export const REGISTRATION_STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED'] as const;
export const TAX_RATINGS = ['A', 'B', 'M', 'C', 'D'] as const;
export const COLLATERAL_TYPES = ['NONE', 'GUARANTEE', 'PROPERTY'] as const;
const PRIOR_BANK_LOAN_VALUES = [true, false, 'unknown'] as const;
export type PriorBankLoan = (typeof PRIOR_BANK_LOAN_VALUES)[number];

export type BorrowerType = (typeof BORROWER_TYPES)[number];
export type EnterpriseSize = (typeof ENTERPRISE_SIZES)[number];
type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
type TaxRating = (typeof TAX_RATINGS)[number];
/** Whether the loan's funds were used as agreed (no 挪用), as the last post-loan check found; `unknown` until checked. */
type FundsUseCompliant = boolean | 'unknown';

export interface BorrowerProfile {
  borrowerId: string;
  /** ENTERPRISE by default; 个体工商户, 小微企业主 and 农户 are in the renewal policy's scope too. */
  borrowerType: BorrowerType;
  /**
   * 企业规模 by the 2011 SME classification standard (工信部联企业〔2011〕300号). Required for an
   * ENTERPRISE; null (or any size, unused by the renewal scope) for the other borrower types.
   */
  enterpriseSize: EnterpriseSize | null;
  registrationStatus: RegistrationStatus;
  taxRating: TaxRating;
  riskGrade: RiskGrade;
  collateral: Collateral;
  relationship: { depositBalanceFen: number; settlementVolumeFen: number };
  /** The date the data was last verified: stale data is referred at renewal. */
  profileDate: BusinessDate;
  fundsUseCompliant: FundsUseCompliant;
  /** Any bank loan before this bank's (from the credit report): `false` makes a 首贷户; unknown is counted apart. */
  priorBankLoan?: PriorBankLoan;
}

/** The scope rule's one structural requirement: an enterprise says how large it is. */
export function enterpriseSizeRequired(borrowerType: BorrowerType): boolean {
  return borrowerType === 'ENTERPRISE';
}
