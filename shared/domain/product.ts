/**
 * The product configuration: every pricing and renewal parameter in one place, so a bank
 * tunes its product here rather than in code. Amounts in fen, rates in bp or ppm as named.
 */
import type { BusinessDate } from './calendar.ts';
import { DEFAULT_TERMS, type ProductTerms } from './terms.ts';

export type RiskGrade = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export type Collateral = 'NONE' | 'GUARANTEE' | 'PROPERTY';

export interface RelationshipBand {
  /** Minimum average deposit balance (fen) or yearly settlement volume (fen) for the band. */
  minFen: number;
  discountBp: number;
}

export interface PricingConfig {
  /** Internal funds transfer price (FTP) as an annual rate in bp. */
  fundingCostBp: number;
  operatingCostBp: number;
  capitalCostBp: number;
  targetMarginBp: number;
  /** Probability of default in bp (1.50% = 150) by internal risk grade 1 (best) … 10. */
  pdBpByGrade: Readonly<Record<RiskGrade, number>>;
  /** Loss given default in whole percent by collateral type. */
  lgdPctByCollateral: Readonly<Record<Collateral, number>>;
  depositBands: readonly RelationshipBand[];
  settlementBands: readonly RelationshipBand[];
  maxRelationshipDiscountBp: number;
  /** Incentive for a borrower's first loan ever (首贷户). */
  firstLoanIncentiveBp: number;
  /** The lowest spread the model may return, in bp over LPR (may be negative). */
  spreadFloorBp: number;
  /** The contract-rate floor written into new facilities, ppm. */
  rateFloorPpm: number;
}

export interface RenewalConfig {
  /** Days before facility maturity from which an SME may apply (the maturity date itself included). */
  windowDays: number;
  /** The new term added to the old maturity. */
  renewalTermMonths: number;
  /** Consecutive renewals allowed without a manual review. */
  maxConsecutiveRenewals: number;
  /** Borrower data older than this is referred for refresh. */
  profileMaxAgeDays: number;
  /** DPD history: window, and the highest DPD that is referred rather than rejected. */
  dpdHistoryWindowDays: number;
  dpdReferMax: number;
  /**
   * 金规〔2024〕13号 extended the policy to medium enterprises for a period: applications up to and
   * including this date are in scope, later ones are referred.
   */
  mediumEnterpriseScopeEnds: BusinessDate;
  /** Meets the standard for new lending: an internal risk grade (1 best … 10) up to this passes… */
  riskGradePassMax: number;
  /** …up to this is referred, worse is rejected. */
  riskGradeReferMax: number;
}

export interface ProductConfig {
  terms: ProductTerms;
  pricing: PricingConfig;
  renewal: RenewalConfig;
}

export const DEFAULT_PRODUCT: Readonly<ProductConfig> = Object.freeze({
  terms: DEFAULT_TERMS,
  pricing: {
    fundingCostBp: 180,
    operatingCostBp: 60,
    capitalCostBp: 50,
    targetMarginBp: 40,
    pdBpByGrade: { 1: 10, 2: 25, 3: 50, 4: 80, 5: 120, 6: 180, 7: 260, 8: 400, 9: 650, 10: 1_000 },
    lgdPctByCollateral: { NONE: 60, GUARANTEE: 45, PROPERTY: 30 },
    depositBands: [
      { minFen: 500_000_00, discountBp: 5 },
      { minFen: 2_000_000_00, discountBp: 10 },
      { minFen: 10_000_000_00, discountBp: 20 },
    ],
    settlementBands: [
      { minFen: 5_000_000_00, discountBp: 5 },
      { minFen: 20_000_000_00, discountBp: 10 },
    ],
    maxRelationshipDiscountBp: 25,
    firstLoanIncentiveBp: 20,
    spreadFloorBp: -30,
    rateFloorPpm: 20_000,
  },
  renewal: {
    windowDays: 30,
    renewalTermMonths: 12,
    maxConsecutiveRenewals: 3,
    profileMaxAgeDays: 90,
    dpdHistoryWindowDays: 365,
    dpdReferMax: 30,
    mediumEnterpriseScopeEnds: '2027-09-30',
    riskGradePassMax: 7,
    riskGradeReferMax: 8,
  },
});
