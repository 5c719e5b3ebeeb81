/**
 * The facility contract: requests and views of credit lines, drawdowns, repayments, the
 * journal and the statement. Money is a yuan string, rates a percent string (see primitives).
 */
import { BorrowerId, BusinessDate, Cursor, FacilityId, PageQuery, PositiveMoney, Percent, SpreadBp, Timestamp, Yuan, page } from './primitives.ts';
import * as z from './z.ts';

/**
 * The service mints drawdown ids as `<facilityId>-D<nnnn>`: a 64-character facility id gives a
 * 70-character drawdown id, which the bank-assigned DrawdownId (at most 64) cannot describe.
 */
const drawdownId = /* @__PURE__ */ z.schema(() => z.string().check(z.meta({ description: 'The drawdown (loan note) id the service assigns: the facility id, "-D" and a sequence number.', examples: ['FAC-2026-000123-D0001'] })));

export const FacilityPath = /* @__PURE__ */ z.schema(() => z.strictObject({ facilityId: FacilityId }));
export const AsOfQuery = /* @__PURE__ */ z.schema(() => z.strictObject({ asOf: z.optional(BusinessDate) }));

/** The product options of a line; the rest (allocation order, thresholds, limits) is the product's. */
const termFields = () => ({
  /** ACT/360 (default): a day's interest is the annual rate / 360; ACT/365: / 365. */
  dayCount: z.enum(['ACT_360', 'ACT_365']),
  /** The one rounding at settlement: 四舍五入 (HALF_UP, default) or banker's (HALF_EVEN). */
  rounding: z.enum(['HALF_UP', 'HALF_EVEN']),
  /** 结息: on the 20th of each month (default), of Mar/Jun/Sep/Dec, or with the principal (利随本清). */
  settlementCycle: z.enum(['MONTHLY', 'QUARTERLY', 'WITH_PRINCIPAL']),
  /** 宽限期: days after the due date before unpaid settled interest is overdue (default 0). */
  graceDays: z.int().check(z.gte(0), z.lte(30)),
  /** Penalty rate = contract rate × (1 + uplift %), 30–50 (default 50). */
  penaltyUpliftPct: z.int().check(z.gte(30), z.lte(50)),
  /** 复利 on overdue interest at the penalty rate (default true). */
  compoundInterest: z.boolean(),
});

/** What a channel may choose when it opens a line: each option left out is the product's default. */
const OpenFacilityTerms = /* @__PURE__ */ z.schema(() => z.partial(z.strictObject(termFields())).check(z.meta({ id: 'FacilityTerms' })));

/** The options in force on a line, each one as chosen at opening or the product's default. */
const FacilityTermsView = /* @__PURE__ */ z.schema(() => z.strictObject(termFields()).check(z.meta({ id: 'FacilityTermsInForce' })));

export const OpenFacilityRequest = /* @__PURE__ */ z.schema(() => z.strictObject({
  borrowerId: BorrowerId,
  limit: PositiveMoney,
  effectiveDate: BusinessDate,
  maturityDate: BusinessDate,
  /** Without a spread the pricing model prices the borrower (needs its profile). */
  pricing: z.optional(
    z.strictObject({
      spreadBp: z.optional(SpreadBp),
      /** FLOATING reprices every drawdown to LPR + spread on each 1 January (or drawdown anniversary). */
      rateType: z.optional(z.enum(['FIXED', 'FLOATING'])),
      repricing: z.optional(z.enum(['JANUARY_FIRST', 'ANNIVERSARY'])),
    }),
  ),
  /** Product options of the line (docs/lending-rules.md); each one left out is the product's default. */
  terms: z.optional(OpenFacilityTerms),
}));

const Classification = /* @__PURE__ */ z.schema(() => z.enum(['NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS']));

const DrawdownView = /* @__PURE__ */ z.schema(() => z.strictObject({
  drawdownId,
  amount: Yuan,
  principalOutstanding: Yuan,
  drawnDate: BusinessDate,
  maturityDate: BusinessDate,
  ratePercent: Percent,
  penaltyRatePercent: Percent,
  status: z.enum(['ACTIVE', 'OVERDUE', 'REPAID', 'RENEWED']).check(z.meta({ description: 'RENEWED: settled at its maturity by a renewal; `renewedTo` names the drawdown carrying its principal.' })),
  renewal: z.nullable(
    z.strictObject({ number: z.int(), renewedFrom: drawdownId, principalCarried: Yuan }).check(
      z.meta({ description: 'On a drawdown opened by a renewal (无还本续贷): the renewal number, the drawdown it settled and the principal carried over with no cash.' }),
    ),
  ),
  renewedTo: z.nullable(drawdownId),
}));

const RenewalContractView = /* @__PURE__ */ z.schema(() => z.strictObject({
  applicationId: z.string(),
  number: z.int(),
  approvedOn: BusinessDate,
  approvedBy: z.string(),
  executesOn: BusinessDate,
  newMaturityDate: BusinessDate,
  spreadBp: z.int(),
  ratePercent: Percent,
}).check(
  z.meta({
    description:
      'An approved renewal not yet executed: nothing about the running loans changes before `executesOn` (the old maturity date); at its opening every outstanding drawdown is settled by a new one on these terms.',
  }),
));

export const FacilityView = /* @__PURE__ */ z.schema(() => z.strictObject({
  facilityId: FacilityId,
  borrowerId: BorrowerId,
  status: z.enum(['ACTIVE', 'FROZEN', 'MATURED', 'CLOSED']),
  currency: z.literal('CNY'),
  limit: Yuan,
  available: Yuan,
  principalOutstanding: Yuan,
  accruedInterest: Yuan,
  interestDue: Yuan,
  overdueInterest: Yuan,
  overduePrincipal: Yuan,
  penaltyInterest: Yuan,
  compoundInterest: Yuan,
  /** Everything owed at the end of `asOf`, day `asOf`'s interest included (as end of day values it). */
  payoffAmount: Yuan,
  /** What a repayment on `asOf` may pay to settle everything: interest through the day before (算头不算尾); more is `overpayment`. */
  payableToday: Yuan,
  /** The facility's own five-tier class (风险分类). */
  classification: Classification,
  /** The class reports and the renewal checks use: for an ENTERPRISE borrower the worst class among its facilities (债务人维度), else the own class. */
  borrowerClassification: Classification,
  /** Non-accrual (表外, from DPD 91 until cured): the interest owed is booked off balance sheet and is income only when paid. */
  nonAccrual: z.boolean(),
  /** The day the facility became non-accrual; null while it accrues. */
  nonAccrualSince: z.nullable(BusinessDate),
  /** Interest owed and booked off balance sheet (the OFF_BALANCE_INTEREST memo balance); "0.00" while accruing. It is in payoffAmount. */
  offBalanceInterest: Yuan,
  daysPastDue: z.int(),
  effectiveDate: BusinessDate,
  maturityDate: BusinessDate,
  spreadBp: z.int(),
  /** The product options in force (the `terms` of the opening, defaults filled in). */
  terms: FacilityTermsView,
  renewalCount: z.int(),
  pendingRenewal: z.nullable(z.string()),
  renewalContract: z.nullable(RenewalContractView),
  asOf: BusinessDate,
  drawdowns: z.array(DrawdownView),
}).check(z.meta({ id: 'Facility' })));

export const DrawdownRequest = /* @__PURE__ */ z.schema(() => z.strictObject({
  amount: PositiveMoney,
  /** Days to the drawdown's maturity; default: the product's maximum, capped at the facility's maturity. */
  termDays: z.optional(z.int().check(z.gte(1), z.lte(1_096))),
}));

export const DrawdownResponse = /* @__PURE__ */ z.schema(() => z.strictObject({
  drawdownId,
  amount: Yuan,
  ratePercent: Percent,
  drawnDate: BusinessDate,
  maturityDate: BusinessDate,
  /** True when this is the borrower's first loan ever (首贷户). */
  firstLoan: z.boolean(),
  facility: FacilityView,
}));

export const RepaymentRequest = /* @__PURE__ */ z.schema(() => z.strictObject({ amount: PositiveMoney }));

export const Allocation = /* @__PURE__ */ z.schema(() => z.strictObject({
  compoundInterest: Yuan,
  penaltyInterest: Yuan,
  overdueInterest: Yuan,
  overduePrincipal: Yuan,
  interestDue: Yuan,
  principal: Yuan,
  accruedInterest: Yuan,
}));

export const RepaymentResponse = /* @__PURE__ */ z.schema(() => z.strictObject({ repaymentId: z.string(), amount: Yuan, allocation: Allocation, facility: FacilityView }));

const EventView = /* @__PURE__ */ z.schema(() => z.strictObject({
  seq: z.int(),
  type: z.string(),
  businessDate: BusinessDate,
  recordedAt: Timestamp,
  actor: z.string(),
  data: z.unknown(),
  postings: z.array(z.strictObject({ account: z.string(), side: z.enum(['DR', 'CR']), amount: Yuan })),
}));
export const EventsQuery = PageQuery;
export const EventsPage = /* @__PURE__ */ z.schema(() => page(EventView));

export const StatementQuery = /* @__PURE__ */ z.schema(() => z.strictObject({ from: BusinessDate, to: BusinessDate }));
export const StatementRow = /* @__PURE__ */ z.schema(() => z.strictObject({
  date: BusinessDate,
  principal: Yuan,
  ratePercent: Percent,
  interestForDay: z.string().check(z.regex(/^(0|[1-9][0-9]*)\.[0-9]{4}$/), z.meta({ description: 'Interest of that day in yuan to 4 decimals; rounding happens once at settlement.' })),
  accruedInterest: Yuan,
  interestDue: Yuan,
  overdueInterest: Yuan,
  penaltyInterest: Yuan,
  payoffAmount: Yuan,
  daysPastDue: z.int(),
}));
export const StatementResponse = /* @__PURE__ */ z.schema(() => z.strictObject({ facilityId: FacilityId, from: BusinessDate, to: BusinessDate, rows: z.array(StatementRow) }));

export const FacilityList = /* @__PURE__ */ z.schema(() => z.strictObject({ items: z.array(FacilityView), nextCursor: z.optional(Cursor) }));

export const FreezeRequest = /* @__PURE__ */ z.schema(() => z.strictObject({ reason: z.optional(z.string().check(z.minLength(1), z.maxLength(200))) }));
export const LimitRequest = /* @__PURE__ */ z.schema(() => z.strictObject({ limit: PositiveMoney }));

