/**
 * The contract of operations and pricing: LPR fixings, borrower profiles, pricing quotes,
 * renewal applications and their review, end of day (its report: ./eod.ts).
 */
import { BORROWER_TYPES, COLLATERAL_TYPES, ENTERPRISE_SIZES, REGISTRATION_STATUSES, TAX_RATINGS } from '#domain/profile.ts';
import { RENEWAL_CHECKS } from '#domain/state.ts';
import { FacilityView } from './facilities.ts';
import { BorrowerId, BusinessDate, FacilityId, Money, PageQuery, Percent, RatePercent, Yuan, page } from './primitives.ts';
import * as z from './z.ts';


export const LprPath = z.strictObject({ date: BusinessDate });
export const LprRequest = z.strictObject({ oneYear: RatePercent, fiveYear: RatePercent });
export const LprView = z.strictObject({ date: BusinessDate, oneYear: Percent, fiveYear: Percent });

export const BorrowerPath = z.strictObject({ borrowerId: BorrowerId });
export const ProfileRequest = z.strictObject({
  borrowerType: z.optional(z.enum(BORROWER_TYPES)),
  enterpriseSize: z.enum(ENTERPRISE_SIZES),
  registrationStatus: z.enum(REGISTRATION_STATUSES),
  taxRating: z.enum(TAX_RATINGS),
  riskGrade: z.int().check(z.gte(1), z.lte(10)),
  collateral: z.enum(COLLATERAL_TYPES),
  relationship: z.strictObject({ depositBalance: Money, settlementVolume: Money }),
  profileDate: BusinessDate,
});
export const ProfileView = z.strictObject({
  borrowerId: BorrowerId,
  borrowerType: z.enum(BORROWER_TYPES),
  enterpriseSize: z.enum(ENTERPRISE_SIZES),
  registrationStatus: z.enum(REGISTRATION_STATUSES),
  taxRating: z.enum(TAX_RATINGS),
  riskGrade: z.int(),
  collateral: z.enum(COLLATERAL_TYPES),
  relationship: z.strictObject({ depositBalance: Yuan, settlementVolume: Yuan }),
  profileDate: BusinessDate,
  version: z.int(),
  firstLoan: z.nullable(z.strictObject({ facilityId: FacilityId, drawdownId: z.string(), date: BusinessDate })),
});

export const QuoteRequest = z.strictObject({ borrowerId: BorrowerId, asOf: z.optional(BusinessDate) });
export const QuoteView = z.strictObject({
  borrowerId: BorrowerId,
  asOf: BusinessDate,
  lprPercent: Percent,
  spreadBp: z.int(),
  ratePercent: Percent,
  floorApplied: z.boolean(),
  components: z.strictObject({
    fundingCostBp: z.int(),
    operatingCostBp: z.int(),
    riskCostBp: z.int(),
    capitalCostBp: z.int(),
    targetMarginBp: z.int(),
    relationshipDiscountBp: z.int(),
    firstLoanIncentiveBp: z.int(),
  }),
});

const Check = z.strictObject({ code: z.enum(RENEWAL_CHECKS), outcome: z.enum(['PASS', 'REFER', 'REJECT']), detail: z.string() });
const Proposal = z.strictObject({ newMaturityDate: BusinessDate, spreadBp: z.int(), ratePercent: Percent });
export const RenewalCheckView = z.strictObject({ decision: z.enum(['APPROVED', 'REFERRED', 'REJECTED']), checks: z.array(Check), proposal: Proposal });
export const RenewalView = z.strictObject({
  applicationId: z.string(),
  status: z.enum(['APPROVED', 'REFERRED', 'REJECTED', 'DECLINED']),
  decision: z.enum(['APPROVED', 'REFERRED', 'REJECTED']),
  checks: z.array(Check),
  proposal: Proposal,
  facility: FacilityView,
});
export const DecisionPath = z.strictObject({ facilityId: FacilityId, applicationId: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,80}$/, 'must be an application id')) });
export const DecisionRequest = z.strictObject({ decision: z.enum(['APPROVE', 'DECLINE']), note: z.string().check(z.minLength(1), z.maxLength(500)) });
export const ReferralsQuery = z.extend(PageQuery, { status: z.literal('REFERRED') });
export const ReferralsPage = page(z.strictObject({ facilityId: FacilityId, applicationId: z.string(), borrowerId: BorrowerId, appliedOn: BusinessDate }));

export const EodPath = z.strictObject({ date: BusinessDate });
export const PortfolioQuery = z.strictObject({ date: BusinessDate });
export { EodReportView } from './eod.ts';
