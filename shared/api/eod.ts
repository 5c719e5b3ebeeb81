/**
 * The end-of-day report, written once (docs/end-of-day.md): what a range of shards finds, what the
 * report of a date keeps (both in fen, as the nightly state machine passes them and the ledger
 * stores them) and the API's view of it (in yuan). The view's portfolio is derived from the
 * totals: every `xFen` total is shown as `x` in yuan, so a total added here shows up everywhere.
 */
import { formatYuan } from '#domain/money.ts';
import { BusinessDate, FacilityId, Percent, Yuan } from './primitives.ts';
import * as z from './z.ts';
import { BorrowerPart, Ledger, PolicyFigures, PolicyView } from './reports.ts';

/**
 * Failed facilities a part names (all are counted): keeps a part a few KB, well inside Step
 * Functions' 256 KB payload while it travels between invocations of a range, and the report one item.
 */
export const EOD_MAX_LISTED_FAILURES = 20;

const Count = /* @__PURE__ */ z.schema(() => z.int().check(z.gte(0)));
const Counts = /* @__PURE__ */ z.schema(() => z.record(z.string(), Count));

/** Portfolio totals as of an end-of-day date, in fen: facilities not closed, valued through `advance`. */
export const PortfolioTotals = /* @__PURE__ */ z.schema(() => z.strictObject({
  facilities: Count,
  principalOutstandingFen: Count,
  accruedInterestFen: Count,
  interestDueFen: Count,
  overdueInterestFen: Count,
  overduePrincipalFen: Count,
  /** Penalty and compound interest. */
  penaltyInterestFen: Count,
  byClassification: Counts,
}));

const EodFailure = /* @__PURE__ */ z.schema(() => z.strictObject({ facilityId: FacilityId, code: z.string() }));

/**
 * What end of day found in the shards [from, to) of a date (counts and totals in fen, a few KB at
 * most): carried from one eod-shard invocation of a range to the next, kept by the last one; the
 * report combines one run's parts, which must cover every shard exactly once (combineParts).
 */
export const EodPart = /* @__PURE__ */ z.schema(() => z.strictObject({
  date: BusinessDate,
  /** The range's first shard, and one past its last (0..EOD_SHARD_COUNT, shared/ledger/schema.ts). */
  from: Count,
  to: Count,
  processed: Count,
  changed: Count,
  /** Facilities that failed; `failed` names the first EOD_MAX_LISTED_FAILURES of them. */
  failures: Count,
  failed: z.array(EodFailure).check(z.maxLength(EOD_MAX_LISTED_FAILURES)),
  eventsByType: Counts,
  totals: PortfolioTotals,
  /**
   * Items of borrower sums (EodBorrowers) the range's invocations kept so far: the sums themselves
   * are stored apart, so the part stays a few KB however many borrowers the range holds.
   */
  borrowerChunks: Count,
  /** Debit-positive balance of every account after the end of the date, over the shard's facilities. */
  ledger: Ledger,
}));

/** The portfolio report of one end-of-day date, combined from one run's parts (kept as EOD#<date>). */
export const EodReport = /* @__PURE__ */ z.schema(() => z.strictObject({
  date: BusinessDate,
  shards: Count,
  processed: Count,
  changed: Count,
  /** Facilities that failed, all of them; `failed` lists the first few of each range only. */
  failures: Count,
  failed: z.array(EodFailure),
  eventsByType: Counts,
  totals: PortfolioTotals,
  /** Overdue principal / principal outstanding, in ppm (0 when nothing is outstanding). */
  overdueRatioPpm: Count,
  /** The policy figures of the date (shared/domain/policy.ts), in fen, ppm and counts. */
  policy: PolicyFigures,
  /** Debit-positive balance of every account, on and off balance sheet, after the end of the date, over the book. */
  trialBalance: Ledger,
}));

/**
 * The borrowers one invocation of a range met, each summed over its facilities there (a borrower's
 * facilities may sit in several shards; docs/reporting.md), kept as one item `BORR#<run>#<from>#<index>`.
 */
export const EodBorrowers = /* @__PURE__ */ z.schema(() => z.strictObject({
  date: BusinessDate,
  /** The range's first shard. */
  from: Count,
  /** 0, 1, … along the range's invocations. */
  index: Count,
  borrowers: z.array(BorrowerPart),
}));

export type PortfolioTotals = z.output<typeof PortfolioTotals>;
export type EodBorrowers = z.output<typeof EodBorrowers>;
export type EodPart = z.output<typeof EodPart>;
export type EodReport = z.output<typeof EodReport>;

type TotalsShape = (typeof PortfolioTotals)['shape'];
/** The totals' shape with every `xFen` amount as `x` in yuan. */
export type InYuan<S> = { [K in keyof S as K extends `${infer Name}Fen` ? Name : K]: K extends `${string}Fen` ? typeof Yuan : S[K] };

function inYuan<S extends Record<string, z.core.$ZodType>>(shape: S): InYuan<S> {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => (key.endsWith('Fen') ? [key.slice(0, -3), Yuan] : [key, schema]))) as InYuan<S>;
}

/** The totals with every `xFen` amount as `x` in yuan: the values of the view's portfolio. */
export function totalsInYuan(totals: PortfolioTotals): z.output<z.ZodMiniObject<InYuan<TotalsShape>>> {
  return Object.fromEntries(Object.entries(totals).map(([key, value]) => (key.endsWith('Fen') ? [key.slice(0, -3), formatYuan(value as number)] : [key, value]))) as never;
}

/** The report as the ops routes show it: the run's answer and the stored portfolio of a date. */
export const EodReportView = /* @__PURE__ */ z.schema(() => z.strictObject({
  date: BusinessDate,
  shards: Count,
  processed: Count,
  changed: Count,
  failures: Count.check(z.meta({ description: 'Facilities the run could not process; `failed` names the first few of each range of shards.' })),
  failed: z.array(EodFailure),
  eventsByType: Counts,
  portfolio: z.strictObject({
    ...inYuan<TotalsShape>(PortfolioTotals.shape),
    /** Overdue principal as a percent of the principal outstanding. */
    overdueRatioPercent: Percent,
  }),
  /** The policy figures of the date (docs/reporting.md). */
  policy: PolicyView,
}));
