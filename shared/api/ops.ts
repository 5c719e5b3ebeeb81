/**
 * The contract of operations and pricing: LPR fixings, borrower profiles, pricing quotes,
 * renewal applications and their review, end of day (its report: ./eod.ts).
 */
import { BORROWER_TYPES, COLLATERAL_TYPES, ENTERPRISE_SIZES, REGISTRATION_STATUSES, TAX_RATINGS, enterpriseSizeRequired } from '#domain/profile.ts';
import { RENEWAL_QUEUE_STATUSES } from '#domain/renewal-checks.ts';
import { RENEWAL_CHECKS, RENEWAL_REASONS } from '#domain/state.ts';
import { FacilityView } from './facilities.ts';
import { BorrowerId, BusinessDate, FacilityId, Money, PageLimit, PageQuery, Percent, RatePercent, Yuan, page } from './primitives.ts';
import * as z from './z.ts';

/** From the credit report: a bank loan before ours (true), none (false: a 首贷户 at its first drawdown), or not known. */
const PriorBankLoan = /* @__PURE__ */ z.schema(() => z.union([z.boolean(), z.literal('unknown')]).check(
  z.meta({ description: 'Had the borrower any bank loan before (credit report)? false makes it a 首贷户 at its first drawdown; "unknown" (the default) is counted apart.' }),
));


export const LprPath = /* @__PURE__ */ z.schema(() => z.strictObject({ date: BusinessDate }));
export const LprRequest = /* @__PURE__ */ z.schema(() => z.strictObject({ oneYear: RatePercent, fiveYear: RatePercent }));
export const LprView = /* @__PURE__ */ z.schema(() => z.strictObject({ date: BusinessDate, oneYear: Percent, fiveYear: Percent }));
/** The most recent fixings first; `limit` of them (default 24: two years of monthly fixings). */
export const LprListQuery = /* @__PURE__ */ z.schema(() => z.strictObject({ limit: z.optional(PageLimit) }));
export const LprList = /* @__PURE__ */ z.schema(() => z.strictObject({ items: z.array(LprView) }));

export const BorrowerPath = /* @__PURE__ */ z.schema(() => z.strictObject({ borrowerId: BorrowerId }));
const FundsUseCompliant = /* @__PURE__ */ z.schema(() => z.union([z.boolean(), z.literal('unknown')]).check(
  z.meta({ description: 'Whether the funds were used as agreed (no 挪用) at the last post-loan check: true, false, or "unknown" (the default) until checked.' }),
));
const EnterpriseSize = /* @__PURE__ */ z.schema(() => z.enum(ENTERPRISE_SIZES).check(
  z.meta({ description: '企业规模 (2011 SME standard). Required when borrowerType is ENTERPRISE (the default); optional, and unused by the renewal scope, for the other types.' }),
));
export const ProfileRequest = /* @__PURE__ */ z.schema(() => z
  .strictObject({
    borrowerType: z.optional(z.enum(BORROWER_TYPES)),
    enterpriseSize: z.optional(EnterpriseSize),
    registrationStatus: z.enum(REGISTRATION_STATUSES),
    taxRating: z.enum(TAX_RATINGS),
    riskGrade: z.int().check(z.gte(1), z.lte(10)),
    collateral: z.enum(COLLATERAL_TYPES),
    relationship: z.strictObject({ depositBalance: Money, settlementVolume: Money }),
    profileDate: BusinessDate,
    fundsUseCompliant: z.optional(FundsUseCompliant),
    priorBankLoan: z.optional(PriorBankLoan),
  })
  .check(
    z.refine((p) => !enterpriseSizeRequired(p.borrowerType ?? 'ENTERPRISE') || p.enterpriseSize !== undefined, {
      path: ['enterpriseSize'],
      message: 'is required for an ENTERPRISE borrower',
    }),
  ));
export const ProfileView = /* @__PURE__ */ z.schema(() => z.strictObject({
  borrowerId: BorrowerId,
  borrowerType: z.enum(BORROWER_TYPES),
  enterpriseSize: z.nullable(z.enum(ENTERPRISE_SIZES)),
  registrationStatus: z.enum(REGISTRATION_STATUSES),
  taxRating: z.enum(TAX_RATINGS),
  riskGrade: z.int(),
  collateral: z.enum(COLLATERAL_TYPES),
  relationship: z.strictObject({ depositBalance: Yuan, settlementVolume: Yuan }),
  profileDate: BusinessDate,
  fundsUseCompliant: FundsUseCompliant,
  priorBankLoan: PriorBankLoan,
  version: z.int(),
  firstLoan: z.nullable(z.strictObject({ facilityId: FacilityId, drawdownId: z.string(), date: BusinessDate })),
}));

export const QuoteRequest = /* @__PURE__ */ z.schema(() => z.strictObject({ borrowerId: BorrowerId, asOf: z.optional(BusinessDate) }));
export const QuoteView = /* @__PURE__ */ z.schema(() => z.strictObject({
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
}));

const Check = /* @__PURE__ */ z.schema(() => z.strictObject({
  code: z.enum(RENEWAL_CHECKS),
  outcome: z.enum(['PASS', 'REFER', 'REJECT']),
  reason: z.enum(Object.values(RENEWAL_REASONS).flat() as [string, ...string[]]).check(
    z.meta({ description: 'Stable reason code of the outcome (docs/renewal.md lists them by check): clients key their own texts on it.' }),
  ),
  params: z.record(z.string(), z.union([z.string(), z.number()])).check(z.meta({ description: 'The figures the reason names (amounts in yuan, dates, counts).' })),
  detail: z.string().check(z.meta({ description: 'Plain English: what was found and what the SME can do about it.' })),
}));
const Proposal = /* @__PURE__ */ z.schema(() => z.strictObject({ newMaturityDate: BusinessDate, spreadBp: z.int(), ratePercent: Percent }));
const ApplicationStep = /* @__PURE__ */ z.schema(() => z.strictObject({
  status: z.enum(['REFERRED', 'APPROVED', 'REJECTED', 'DECLINED', 'EXPIRED']),
  date: BusinessDate,
  by: z.string().check(z.meta({ description: '`checks` for the automatic assessment, `system` for expiry, else the officer.' })),
  note: z.nullable(z.string()),
}));
export const RenewalCheckView = /* @__PURE__ */ z.schema(() => z.strictObject({ decision: z.enum(['APPROVED', 'REFERRED', 'REJECTED']), checks: z.array(Check), proposal: Proposal }));
export const RenewalView = /* @__PURE__ */ z.schema(() => z.strictObject({
  applicationId: z.string(),
  status: z.enum(['APPROVED', 'REFERRED', 'REJECTED']),
  decision: z.enum(['APPROVED', 'REFERRED', 'REJECTED']),
  checks: z.array(Check),
  proposal: Proposal,
  history: z.array(ApplicationStep),
  facility: FacilityView,
}));
export const DecisionPath = /* @__PURE__ */ z.schema(() => z.strictObject({ facilityId: FacilityId, applicationId: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,80}$/, 'must be an application id')) }));
export const DecisionRequest = /* @__PURE__ */ z.schema(() => z.strictObject({ decision: z.enum(['APPROVE', 'DECLINE']), note: z.string().check(z.minLength(1), z.maxLength(500)) }));
export const DecisionView = /* @__PURE__ */ z.schema(() => z.strictObject({
  applicationId: z.string(),
  status: z.enum(['APPROVED', 'DECLINED', 'EXPIRED']),
  decidedOn: BusinessDate,
  note: z.string(),
  checks: z.array(Check).check(z.meta({ description: 'Every check as re-run for an approval; as at the application for a decline.' })),
  history: z.array(ApplicationStep).check(z.meta({ description: 'The application’s steps, the original REFERRED decision first.' })),
  facility: FacilityView,
}));
export const RenewalsQuery = /* @__PURE__ */ z.schema(() => z.extend(PageQuery, { status: z.enum(RENEWAL_QUEUE_STATUSES) }));
export const RenewalsPage = /* @__PURE__ */ z.schema(() => page(
  z.strictObject({
    applicationId: z.string(),
    facilityId: FacilityId,
    borrowerId: BorrowerId,
    status: z.enum(RENEWAL_QUEUE_STATUSES),
    appliedOn: BusinessDate,
    referredBy: z.array(Check).check(z.meta({ description: 'The checks that did not pass: what referred the application (empty when approved at once).' })),
    principalOutstanding: Yuan,
    oldMaturityDate: BusinessDate,
    proposal: Proposal,
    decidedOn: z.nullable(BusinessDate),
    history: z.array(ApplicationStep),
  }).check(z.meta({ description: 'One application under its status; principalOutstanding is the principal when it reached that status.' })),
));

export const EodPath = /* @__PURE__ */ z.schema(() => z.strictObject({ date: BusinessDate }));
export const PortfolioQuery = /* @__PURE__ */ z.schema(() => z.strictObject({ date: BusinessDate }));
export { EodReportView } from './eod.ts';
