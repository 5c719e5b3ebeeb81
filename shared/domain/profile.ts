/**
 * Borrower profile (non-credit data used by renewal and pricing), maintained by operations.
 */
import type { BusinessDate } from './calendar.ts';
import type { Collateral, RiskGrade } from './product.ts';

export const BORROWER_TYPES = ['ENTERPRISE', 'INDIVIDUAL_BUSINESS', 'OWNER', 'FARMER'] as const;
export const ENTERPRISE_SIZES = ['MICRO', 'SMALL', 'MEDIUM'] as const;
export const REGISTRATION_STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED'] as const;
export const TAX_RATINGS = ['A', 'B', 'M', 'C', 'D'] as const;
export const COLLATERAL_TYPES = ['NONE', 'GUARANTEE', 'PROPERTY'] as const;

export type BorrowerType = (typeof BORROWER_TYPES)[number];
export type EnterpriseSize = (typeof ENTERPRISE_SIZES)[number];
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
export type TaxRating = (typeof TAX_RATINGS)[number];

export interface BorrowerProfile {
  borrowerId: string;
  /** ENTERPRISE by default; 个体工商户, 小微企业主 and 农户 are in the renewal policy's scope too. */
  borrowerType: BorrowerType;
  enterpriseSize: EnterpriseSize;
  registrationStatus: RegistrationStatus;
  taxRating: TaxRating;
  riskGrade: RiskGrade;
  collateral: Collateral;
  relationship: { depositBalanceFen: number; settlementVolumeFen: number };
  /** The date the data was last verified: stale data is referred at renewal. */
  profileDate: BusinessDate;
}
