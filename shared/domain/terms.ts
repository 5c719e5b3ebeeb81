/**
 * Product terms of a facility: everything configurable per product lives here, with the
 * defaults of docs/lending-rules.md. Limits on lists and counts are named so loops stay bounded.
 */
import { ValidationError, type FieldIssue } from './errors.ts';
import type { DayCount, SettlementCycle } from './calendar.ts';
import type { RoundingMode } from './money.ts';

/** The repayment categories, named as docs/lending-rules.md orders them by default. */
export const ALLOCATION_CATEGORIES = [
  'COMPOUND_INTEREST',
  'PENALTY_INTEREST',
  'OVERDUE_INTEREST',
  'OVERDUE_PRINCIPAL',
  'INTEREST_DUE',
  'PRINCIPAL',
  'ACCRUED_INTEREST',
] as const;
export type AllocationCategory = (typeof ALLOCATION_CATEGORIES)[number];

export interface ProductTerms {
  dayCount: DayCount;
  settlementCycle: SettlementCycle;
  /** Days after the due date before unpaid settled interest turns overdue (宽限期). */
  graceDays: number;
  /** Penalty rate = contract rate × (1 + uplift%); 30–50 per common practice. */
  penaltyUpliftPct: number;
  /** Compound interest (复利) on overdue interest at the penalty rate. */
  compoundInterest: boolean;
  allocationOrder: readonly AllocationCategory[];
  rounding: RoundingMode;
  minDrawdownFen: number;
  maxDrawdownTermDays: number;
  maxOpenDrawdowns: number;
  /** FIXED keeps each drawdown's rate; FLOATING reprices it to LPR + spread on each repricing date. */
  rateType: 'FIXED' | 'FLOATING';
  /** Repricing dates of a floating rate: each 1 January, or each anniversary of the drawdown. */
  repricing: 'JANUARY_FIRST' | 'ANNIVERSARY';
  /**
   * Five-tier classification (《商业银行金融资产风险分类办法》, 2023): any arrears → at least SPECIAL_MENTION;
   * more than this many days past due → at least SUBSTANDARD, DOUBTFUL, LOSS.
   */
  substandardAfterDpd: number;
  doubtfulAfterDpd: number;
  lossAfterDpd: number;
  /** A non-performing facility is cured after the longer of this many months … */
  cureMinMonths: number;
  /** … and this many settlement periods (利随本清: the product's maximum drawdown term) of normal service. */
  cureSettlementPeriods: number;
  /** From this DPD a facility is non-accrual (表外): its interest is owed but booked off balance sheet. */
  nonAccrualFromDpd: number;
}

const MAX_GRACE_DAYS = 30;
const MIN_PENALTY_UPLIFT_PCT = 30;
const MAX_PENALTY_UPLIFT_PCT = 50;
/** Drawdowns open at once on one facility: bounds every per-drawdown loop. */
export const MAX_OPEN_DRAWDOWNS = 100;
/** A drawdown's term: 3 years at most. */
export const MAX_DRAWDOWN_TERM_DAYS = 1_096;
/** A facility's term: 5 years at most (renewals extend it term by term). */
export const MAX_FACILITY_TERM_DAYS = 1_827;
/** Classification and non-accrual thresholds stay within ten years of days past due. */
const MAX_THRESHOLD_DPD = 3_650;

export const DEFAULT_TERMS: Readonly<ProductTerms> = Object.freeze({
  dayCount: 'ACT_360',
  settlementCycle: 'MONTHLY',
  graceDays: 0,
  penaltyUpliftPct: 50,
  compoundInterest: true,
  allocationOrder: ALLOCATION_CATEGORIES,
  rounding: 'HALF_UP',
  minDrawdownFen: 100_00,
  maxDrawdownTermDays: 365,
  maxOpenDrawdowns: 20,
  rateType: 'FIXED',
  repricing: 'JANUARY_FIRST',
  substandardAfterDpd: 90,
  doubtfulAfterDpd: 270,
  lossAfterDpd: 360,
  cureMinMonths: 6,
  cureSettlementPeriods: 2,
  nonAccrualFromDpd: 91,
});

/** Fills defaults and validates; throws one ValidationError listing every bad field. */
export function resolveTerms(overrides: Partial<ProductTerms> = {}, path = 'terms'): ProductTerms {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw ValidationError.of(path, 'must be an object of product terms');
  const terms: ProductTerms = { ...DEFAULT_TERMS, ...overrides };
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string) => issues.push({ path: `${path}.${field}`, message });
  // A misspelt term would otherwise fall back to its default without a word.
  for (const field of Object.keys(overrides)) if (!Object.hasOwn(DEFAULT_TERMS, field)) bad(field, 'is not a product term');
  const intIn = (field: keyof ProductTerms, min: number, max: number) => {
    const value = terms[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      bad(field, `must be an integer between ${min} and ${max}`);
    }
  };
  if (terms.dayCount !== 'ACT_360' && terms.dayCount !== 'ACT_365') bad('dayCount', 'must be ACT_360 or ACT_365');
  if (!['MONTHLY', 'QUARTERLY', 'WITH_PRINCIPAL'].includes(terms.settlementCycle)) {
    bad('settlementCycle', 'must be MONTHLY, QUARTERLY or WITH_PRINCIPAL');
  }
  if (terms.rounding !== 'HALF_UP' && terms.rounding !== 'HALF_EVEN') bad('rounding', 'must be HALF_UP or HALF_EVEN');
  if (typeof terms.compoundInterest !== 'boolean') bad('compoundInterest', 'must be a boolean');
  if (terms.rateType !== 'FIXED' && terms.rateType !== 'FLOATING') bad('rateType', 'must be FIXED or FLOATING');
  if (terms.repricing !== 'JANUARY_FIRST' && terms.repricing !== 'ANNIVERSARY') bad('repricing', 'must be JANUARY_FIRST or ANNIVERSARY');
  intIn('graceDays', 0, MAX_GRACE_DAYS);
  intIn('penaltyUpliftPct', MIN_PENALTY_UPLIFT_PCT, MAX_PENALTY_UPLIFT_PCT);
  intIn('minDrawdownFen', 1, 1_000_000_000_00);
  intIn('maxDrawdownTermDays', 1, MAX_DRAWDOWN_TERM_DAYS);
  intIn('maxOpenDrawdowns', 1, MAX_OPEN_DRAWDOWNS);
  intIn('substandardAfterDpd', 1, MAX_THRESHOLD_DPD);
  intIn('doubtfulAfterDpd', 1, MAX_THRESHOLD_DPD);
  intIn('lossAfterDpd', 1, MAX_THRESHOLD_DPD);
  intIn('cureMinMonths', 0, 36);
  intIn('cureSettlementPeriods', 0, 12);
  intIn('nonAccrualFromDpd', 1, MAX_THRESHOLD_DPD);
  if (issues.length === 0 && !(terms.substandardAfterDpd < terms.doubtfulAfterDpd && terms.doubtfulAfterDpd < terms.lossAfterDpd)) {
    bad('doubtfulAfterDpd', 'the thresholds must rise: substandardAfterDpd < doubtfulAfterDpd < lossAfterDpd');
  }
  const order = terms.allocationOrder;
  if (
    !Array.isArray(order) ||
    order.length !== ALLOCATION_CATEGORIES.length ||
    new Set(order).size !== ALLOCATION_CATEGORIES.length ||
    !order.every((c) => (ALLOCATION_CATEGORIES as readonly string[]).includes(c))
  ) {
    bad('allocationOrder', `must list each of ${ALLOCATION_CATEGORIES.join(', ')} exactly once`);
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { ...terms, allocationOrder: [...order] };
}
