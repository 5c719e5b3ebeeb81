/**
 * Risk-differentiated pricing (差异化定价, docs/lending-rules.md):
 *   spread = max(floor, funding − LPR + operating + risk (PD × LGD) + capital + margin
 *                − relationship discount − first-loan incentive)        all in bp.
 * A quote returns every component so a relationship manager can explain the price.
 */
import { contractRatePpm, PPM_PER_BP } from './rates.ts';
import type { BorrowerProfile } from './profile.ts';
import type { PricingConfig, RelationshipBand } from './product.ts';

interface PriceComponents {
  fundingCostBp: number;
  operatingCostBp: number;
  riskCostBp: number;
  capitalCostBp: number;
  targetMarginBp: number;
  relationshipDiscountBp: number;
  firstLoanIncentiveBp: number;
}

export interface Quote {
  lprPpm: number;
  spreadBp: number;
  ratePpm: number;
  floorApplied: boolean;
  components: PriceComponents;
}

export interface QuoteInput {
  lprPpm: number;
  profile: Pick<BorrowerProfile, 'riskGrade' | 'collateral' | 'relationship'>;
  /** True while the borrower has never drawn a loan (首贷户 incentive). */
  firstLoan: boolean;
}

/** Risk cost = PD × LGD, rounded half-up to a whole bp. */
function riskCostBp(pdBp: number, lgdPct: number): number {
  return Math.floor((pdBp * lgdPct + 50) / 100);
}

function bandDiscount(bands: readonly RelationshipBand[], valueFen: number): number {
  let discount = 0;
  for (const band of bands) if (valueFen >= band.minFen) discount = Math.max(discount, band.discountBp);
  return discount;
}

export function quote(config: PricingConfig, input: QuoteInput): Quote {
  const { profile } = input;
  const relationship =
    bandDiscount(config.depositBands, profile.relationship.depositBalanceFen) +
    bandDiscount(config.settlementBands, profile.relationship.settlementVolumeFen);
  const components: PriceComponents = {
    fundingCostBp: config.fundingCostBp,
    operatingCostBp: config.operatingCostBp,
    riskCostBp: riskCostBp(config.pdBpByGrade[profile.riskGrade], config.lgdPctByCollateral[profile.collateral]),
    capitalCostBp: config.capitalCostBp,
    targetMarginBp: config.targetMarginBp,
    relationshipDiscountBp: Math.min(relationship, config.maxRelationshipDiscountBp),
    firstLoanIncentiveBp: input.firstLoan ? config.firstLoanIncentiveBp : 0,
  };
  // LPR is in ppm and a multiple of 5 bp, so the division is exact.
  const lprBp = Math.round(input.lprPpm / PPM_PER_BP);
  const modelSpread =
    components.fundingCostBp -
    lprBp +
    components.operatingCostBp +
    components.riskCostBp +
    components.capitalCostBp +
    components.targetMarginBp -
    components.relationshipDiscountBp -
    components.firstLoanIncentiveBp;
  const spreadBp = Math.max(config.spreadFloorBp, modelSpread);
  const ratePpm = contractRatePpm(input.lprPpm, spreadBp, config.rateFloorPpm);
  const floorApplied = spreadBp !== modelSpread || ratePpm !== input.lprPpm + spreadBp * PPM_PER_BP;
  return { lprPpm: input.lprPpm, spreadBp, ratePpm, floorApplied, components };
}
