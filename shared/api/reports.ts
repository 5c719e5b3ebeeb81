/**
 * The contract of reporting (docs/reporting.md): the policy figures a report carries (in fen
 * between end-of-day steps, in yuan and percent in views), the month and year reports, and the
 * general-ledger extract.
 */
import type { BorrowerPart as DomainBorrowerPart, PolicyFigures as DomainPolicyFigures } from '#domain/policy.ts';
import { CLASSES } from '#domain/policy.ts';
import { BORROWER_TYPES, COLLATERAL_TYPES, ENTERPRISE_SIZES } from '#domain/profile.ts';
import { BusinessDate, FacilityId, PageQuery, Percent, Yuan } from './primitives.ts';
import * as z from './z.ts';

const Count = /* @__PURE__ */ z.schema(() => z.int().check(z.gte(0)));
const Decimal = /* @__PURE__ */ z.schema(() => z.string().check(z.regex(/^[0-9]{1,40}$/)));
const ClassName = /* @__PURE__ */ z.schema(() => z.enum(CLASSES as readonly ['NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS']));
const Flows = /* @__PURE__ */ z.schema(() => z.strictObject({ newLendingCount: Count, newLendingFen: Count, newLendingFenPpm: Decimal, renewalCount: Count, renewalPrincipalFen: Count }));

/** One borrower's facilities of a shard, summed (shared/domain/policy.ts BorrowerPart): ~300 bytes in a shard's answer. */
export const BorrowerPart = /* @__PURE__ */ z.schema(() => z.strictObject({
  borrowerId: z.string(),
  creditFen: Count,
  balanceFen: Count,
  overdueFen: Count,
  renewedBalanceFen: Count,
  nonAccrualBalanceFen: Count,
  offBalanceInterestFen: Count,
  balanceByClass: z.partialRecord(ClassName, Count),
  worstClass: z.nullable(ClassName),
  firstDrawdownDate: z.nullable(BusinessDate),
  flows: z.strictObject({ day: Flows, month: Flows, year: Flows }),
  facts: z.nullable(
    z.strictObject({
      borrowerType: z.enum(BORROWER_TYPES),
      enterpriseSize: z.nullable(z.enum(ENTERPRISE_SIZES)),
      collateral: z.enum(COLLATERAL_TYPES),
      priorBankLoan: z.union([z.boolean(), z.literal('unknown')]),
    }),
  ),
}) as unknown as z.ZodMiniType<DomainBorrowerPart>);

/** The policy figures kept with a report, in fen and ppm: computed by policyFigures, never sent by a client. */
export const PolicyFigures = /* @__PURE__ */ z.schema(() => z.custom<DomainPolicyFigures>((value) => typeof value === 'object' && value !== null && 'flows' in value && 'byClass' in value));

/** Debit-positive balance of every account, in fen (may be negative: credit balances). */
export const Ledger = /* @__PURE__ */ z.schema(() => z.record(z.string(), z.int()));

const SignedPercent = /* @__PURE__ */ z.schema(() => z.string().check(
  z.regex(/^-?(0|[1-9][0-9]*)\.[0-9]{4}$/, 'must be a percent with 4 decimals'),
  z.meta({ description: 'A change in percent, exactly 4 decimals, may be negative, e.g. "-2.5000".' }),
));
const BalanceCount = /* @__PURE__ */ z.schema(() => z.strictObject({ balance: Yuan, borrowers: Count }));
const Lending = /* @__PURE__ */ z.schema(() => z.strictObject({ count: Count, amount: Yuan, weightedRatePercent: Percent }));
export const PeriodFlows = /* @__PURE__ */ z.schema(() => z.strictObject({
  newLending: Lending,
  inclusiveSmeNewLending: Lending,
  firstLoanBorrowers: Count,
  firstLoanUnknown: Count,
  renewals: z.strictObject({ count: Count, principalCarried: Yuan }),
}));
const byName = <N extends string>(names: readonly N[]) => z.strictObject(Object.fromEntries(names.map((n) => [n, BalanceCount])) as Record<N, typeof BalanceCount>);
export const PolicyView = /* @__PURE__ */ z.schema(() => z.strictObject({
  borrowersWithBalance: Count,
  balance: Yuan,
  inclusiveSme: BalanceCount,
  farmer: BalanceCount,
  creditLoans: z.strictObject({ balance: Yuan, sharePercent: Percent }),
  byClass: byName(CLASSES),
  nonPerforming: z.strictObject({ balance: Yuan, ratioPercent: Percent }),
  overdueBalance: Yuan,
  renewedBalance: Yuan,
  /** 非应计贷款 (表外): the balance of facilities on non-accrual, their borrowers, and the interest kept on the memo account. */
  nonAccrual: z.strictObject({ balance: Yuan, borrowers: Count, offBalanceInterest: Yuan }),
  borrowersWithoutProfile: Count,
  flows: z.strictObject({ day: PeriodFlows, monthToDate: PeriodFlows, yearToDate: PeriodFlows }),
  sinceYearStart: z.strictObject({
    baseDate: BusinessDate,
    inclusiveSmeBalanceGrowthPercent: z.nullable(SignedPercent),
    allLoansBalanceGrowthPercent: z.nullable(SignedPercent),
    inclusiveSmeBorrowersAtStart: z.nullable(Count),
    inclusiveSmeBorrowers: Count,
  }),
  byBorrowerType: byName(BORROWER_TYPES),
  byEnterpriseSize: byName(ENTERPRISE_SIZES),
}));

export const PolicyReportQuery = /* @__PURE__ */ z.schema(() => z.strictObject({
  month: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'))),
  year: z.optional(z.string().check(z.regex(/^\d{4}$/, 'must be a year YYYY'))),
}));
export const PolicyPeriodReport = /* @__PURE__ */ z.schema(() => z.strictObject({
  period: z.string(),
  asOf: BusinessDate,
  complete: z.boolean(),
  flows: PeriodFlows,
  policy: PolicyView,
}));

export const LedgerDateQuery = /* @__PURE__ */ z.schema(() => z.strictObject({ date: BusinessDate }));
export const TrialBalanceView = /* @__PURE__ */ z.schema(() => z.strictObject({
  date: BusinessDate,
  accounts: z.array(z.strictObject({ account: z.string(), offBalanceSheet: z.boolean(), side: z.enum(['DR', 'CR']), balance: Yuan })),
  totals: z.strictObject({ debit: Yuan, credit: Yuan }),
}));
export const PostingsQuery = /* @__PURE__ */ z.schema(() => z.extend(PageQuery, { date: BusinessDate }));
export const PostingsPage = /* @__PURE__ */ z.schema(() => z.strictObject({
  date: BusinessDate,
  items: z.array(
    z.strictObject({
      facilityId: FacilityId,
      seq: z.int(),
      eventType: z.string(),
      businessDate: BusinessDate,
      recordedAt: z.string(),
      account: z.string(),
      side: z.enum(['DR', 'CR']),
      amount: Yuan,
    }),
  ),
  nextCursor: z.optional(z.string()),
}));
