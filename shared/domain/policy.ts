/**
 * The figures the SME lending policy is judged by (普惠小微, 首贷户, 信用贷款, new lending and its
 * rate, 无还本续贷, five-tier balances, 不良率), each defined once here and named after its rule.
 * Everything is in fen, ppm and integer counts; Σ amount × rate is a BigInt carried as a decimal
 * string, so no figure is ever rounded before the one division that makes a rate.
 *
 * How a period's flow is known without scanning events: each facility carries monotonic counters
 * (new lending count, amount and Σ amount × rate; renewals and principal carried; its first
 * drawdown date) and, for the day, month and year its last drawdown fell in, the counters as they
 * stood when that period opened. A period's flow is the difference of the two readings.
 */
import type { BusinessDate } from './calendar.ts';
import { CLASSIFICATIONS, reportedClassification, worseClassification } from './classification.ts';
import { invariant } from './errors.ts';
import type { BorrowerProfile, BorrowerType, EnterpriseSize, PriorBankLoan } from './profile.ts';
import type { Collateral } from './product.ts';
import type { Classification, Drawdown, FacilityState } from './state.ts';

// ---------------------------------------------------------------------------------------
// The rules

/** 普惠小微: total credit (单户授信总额) of at most 10 000 000.00 yuan. */
export const INCLUSIVE_SME_CREDIT_CAP_FEN = 1_000_000_000;

export const CLASSES: readonly Classification[] = CLASSIFICATIONS;
/** 不良贷款 = 次级 + 可疑 + 损失. */
const NON_PERFORMING: readonly Classification[] = ['SUBSTANDARD', 'DOUBTFUL', 'LOSS'];

/** The borrower facts the figures read (from the profile; a borrower without one is none of the groups). */
export interface BorrowerFacts {
  borrowerType: BorrowerType;
  /** For enterprises; other borrower types may have none. */
  enterpriseSize: EnterpriseSize | null;
  collateral: Collateral;
  priorBankLoan: PriorBankLoan;
}

export function borrowerFacts(profile: BorrowerProfile | null): BorrowerFacts | null {
  if (profile === null) return null;
  return {
    borrowerType: profile.borrowerType ?? 'ENTERPRISE',
    enterpriseSize: profile.enterpriseSize ?? null,
    collateral: profile.collateral,
    priorBankLoan: profile.priorBankLoan ?? 'unknown',
  };
}

/**
 * 普惠小微贷款: a MICRO or SMALL enterprise, an INDIVIDUAL_BUSINESS (个体工商户) or an OWNER
 * (小微企业主), whose total credit here — the limits of its facilities not closed — is at most
 * 10 000 000.00 on the date. FARMER loans are 普惠涉农, reported on their own line.
 */
export function isInclusiveSme(facts: BorrowerFacts | null, totalCreditFen: number): boolean {
  if (facts === null || totalCreditFen > INCLUSIVE_SME_CREDIT_CAP_FEN) return false;
  switch (facts.borrowerType) {
    case 'ENTERPRISE':
      return facts.enterpriseSize === 'MICRO' || facts.enterpriseSize === 'SMALL';
    case 'INDIVIDUAL_BUSINESS':
    case 'OWNER':
      return true;
    default:
      return false;
  }
}

/** 农户经营性贷款: a FARMER's business loans (普惠涉农), apart from 普惠小微. */
export function isFarmerBusinessLoan(facts: BorrowerFacts | null): boolean {
  return facts?.borrowerType === 'FARMER';
}

/** 信用贷款: no guarantee and no property behind the loan. */
export function isCreditLoan(facts: BorrowerFacts | null): boolean {
  return facts?.collateral === 'NONE';
}

export type FirstLoanStatus = 'FIRST_LOAN' | 'UNKNOWN' | 'NOT_FIRST_LOAN';

/**
 * 首贷户: the borrower's first drawdown here falls in the period [from, to] AND its credit report
 * says it had no bank loan before. `unknown` is counted apart, never as a 首贷户.
 */
export function firstLoanStatus(facts: BorrowerFacts | null, firstDrawdownDate: BusinessDate | null, from: BusinessDate, to: BusinessDate): FirstLoanStatus {
  if (firstDrawdownDate === null || firstDrawdownDate < from || firstDrawdownDate > to) return 'NOT_FIRST_LOAN';
  const prior = facts?.priorBankLoan ?? 'unknown';
  if (prior === 'unknown') return 'UNKNOWN';
  return prior ? 'NOT_FIRST_LOAN' : 'FIRST_LOAN';
}

/**
 * 五级分类 by borrower (债务人维度, 2023 rule): an ENTERPRISE borrower's whole balance is reported under
 * the worst class among its facilities with a balance, however they are spread over shards (end of
 * day records the borrower class on each facility a day late at worst; the report does not wait for
 * it). Other borrower types report each facility under its own class. A borrower without a profile
 * counts as an ENTERPRISE, as end of day's debtor-level step treats it.
 */
function isDebtorLevelClassified(facts: BorrowerFacts | null): boolean {
  return (facts?.borrowerType ?? 'ENTERPRISE') === 'ENTERPRISE';
}

/** Weighted average rate Σ(amount × rate) / Σ amount in ppm, rounded half-up once; 0 for no lending. */
export function weightedRatePpm(amountFen: number, amountRateFenPpm: bigint): number {
  if (amountFen === 0) return 0;
  const d = BigInt(amountFen);
  return Number((amountRateFenPpm * 2n + d) / (2n * d));
}

// ---------------------------------------------------------------------------------------
// Monotonic counters on the facility state

/** Flows since the facility opened (or within a period, as a difference). */
export interface FlowCounters {
  /** New lending: drawdowns made, renewal-created drawdowns excluded. */
  newLendingCount: number;
  newLendingFen: number;
  /** Σ amount × annual rate (fen × ppm), a BigInt as a decimal string: it outgrows 2^53 at once. */
  newLendingFenPpm: string;
  /** 无还本续贷: drawdowns a renewal created, and the principal they carried over. */
  renewalCount: number;
  renewalPrincipalFen: number;
}

export type PeriodKind = 'day' | 'month' | 'year';
const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'month', 'year'];

/** The counters as they stood when `period` (a date, YYYY-MM or YYYY) opened. */
interface PeriodOpening {
  period: string;
  counters: FlowCounters;
}

export interface PolicyCounters {
  /** Drawdowns with an ordinal up to this one are counted (the count is idempotent). */
  countedThrough: number;
  total: FlowCounters;
  /** The facility's first drawdown (renewal-created drawdowns never count). */
  firstDrawdownDate: BusinessDate | null;
  openings: Record<PeriodKind, PeriodOpening | null>;
}

export function zeroFlows(): FlowCounters {
  return { newLendingCount: 0, newLendingFen: 0, newLendingFenPpm: '0', renewalCount: 0, renewalPrincipalFen: 0 };
}

export function initialCounters(): PolicyCounters {
  return { countedThrough: 0, total: zeroFlows(), firstDrawdownDate: null, openings: { day: null, month: null, year: null } };
}

function periodOf(kind: PeriodKind, date: BusinessDate): string {
  return kind === 'day' ? date : kind === 'month' ? date.slice(0, 7) : date.slice(0, 4);
}

/** The first day of the period of `kind` that contains `date`. */
function periodStart(kind: PeriodKind, date: BusinessDate): BusinessDate {
  return kind === 'day' ? date : kind === 'month' ? `${date.slice(0, 7)}-01` : `${date.slice(0, 4)}-01-01`;
}

/** The marker a drawdown a renewal opened carries (`renewal: { number, renewedFrom, principalCarriedFen }`), or null. */
function renewalMarkerOf(d: Drawdown): NonNullable<Drawdown['renewal']> | null {
  return d.renewal ?? null;
}

function carriedFen(d: Drawdown): number {
  return renewalMarkerOf(d)?.principalCarriedFen ?? d.amountFen;
}

function countersOf(state: FacilityState): PolicyCounters {
  return state.counters ?? initialCounters();
}

/**
 * Counts every drawdown not counted yet, in the order drawn (mutates the draft). Idempotent by
 * ordinal, so the state machine may call it after every transition, whoever created the drawdown.
 */
export function countNewDrawdowns(state: FacilityState): void {
  const counters = (state.counters ??= initialCounters());
  const fresh = state.drawdowns.filter((d) => d.ordinal > counters.countedThrough).sort((a, b) => a.ordinal - b.ordinal);
  for (const d of fresh) {
    for (const kind of PERIOD_KINDS) {
      const period = periodOf(kind, d.drawnDate);
      if (counters.openings[kind]?.period !== period) counters.openings[kind] = { period, counters: { ...counters.total } };
    }
    const t = counters.total;
    if (renewalMarkerOf(d) !== null) {
      t.renewalCount += 1;
      t.renewalPrincipalFen += carriedFen(d);
    } else {
      t.newLendingCount += 1;
      t.newLendingFen += d.amountFen;
      t.newLendingFenPpm = (BigInt(t.newLendingFenPpm) + BigInt(d.amountFen) * BigInt(d.ratePpm)).toString();
      if (counters.firstDrawdownDate === null || d.drawnDate < counters.firstDrawdownDate) counters.firstDrawdownDate = d.drawnDate;
    }
    invariant(Number.isSafeInteger(t.newLendingFen) && Number.isSafeInteger(t.renewalPrincipalFen), 'flow counters must stay safe integers');
    counters.countedThrough = d.ordinal;
  }
}

function subtractFlows(a: FlowCounters, b: FlowCounters): FlowCounters {
  const out: FlowCounters = {
    newLendingCount: a.newLendingCount - b.newLendingCount,
    newLendingFen: a.newLendingFen - b.newLendingFen,
    newLendingFenPpm: (BigInt(a.newLendingFenPpm) - BigInt(b.newLendingFenPpm)).toString(),
    renewalCount: a.renewalCount - b.renewalCount,
    renewalPrincipalFen: a.renewalPrincipalFen - b.renewalPrincipalFen,
  };
  invariant(out.newLendingCount >= 0 && out.newLendingFen >= 0 && out.renewalCount >= 0 && out.renewalPrincipalFen >= 0, 'counters are monotonic');
  return out;
}

function addFlows(into: FlowCounters, from: FlowCounters): void {
  into.newLendingCount += from.newLendingCount;
  into.newLendingFen += from.newLendingFen;
  into.newLendingFenPpm = (BigInt(into.newLendingFenPpm) + BigInt(from.newLendingFenPpm)).toString();
  into.renewalCount += from.renewalCount;
  into.renewalPrincipalFen += from.renewalPrincipalFen;
}

/**
 * The facility's flow in the period of `kind` containing `date`, from a state as of `date`: the
 * counters now less the counters when the period opened. No drawdown in the period → nothing.
 */
export function flowIn(state: FacilityState, kind: PeriodKind, date: BusinessDate): FlowCounters {
  const counters = countersOf(state);
  const opening = counters.openings[kind];
  if (opening === null || opening.period !== periodOf(kind, date)) return zeroFlows();
  return subtractFlows(counters.total, opening.counters);
}

// ---------------------------------------------------------------------------------------
// Per facility, per borrower, per book

/** The sums a facility contributes to its borrower, and a borrower's part is the sum of. */
interface SummedFigures {
  /** The limit when not closed: part of the borrower's total credit. */
  creditFen: number;
  balanceFen: number;
  overdueFen: number;
  /** Principal outstanding on drawdowns a renewal created. */
  renewedBalanceFen: number;
  /** The balance when the facility is on non-accrual (非应计, interest kept off balance sheet), else 0. */
  nonAccrualBalanceFen: number;
  /** Interest owed but kept on the memo account (表外应收利息), as of the date. */
  offBalanceInterestFen: number;
  firstDrawdownDate: BusinessDate | null;
  flows: Record<PeriodKind, FlowCounters>;
}

/** What end of day collects from one facility as of a date (closed facilities too: their flows count). */
export interface FacilityFigures extends SummedFigures {
  borrowerId: string;
  classification: Classification;
}

/** `state` is the facility as of `date` (accrued and classified through it). */
export function facilityFigures(state: FacilityState, date: BusinessDate, amounts: { balanceFen: number; overdueFen: number; offBalanceInterestFen: number }): FacilityFigures {
  countNewDrawdowns(state);
  let renewedBalanceFen = 0;
  for (const d of state.drawdowns) if (renewalMarkerOf(d) !== null) renewedBalanceFen += d.principalFen;
  return {
    borrowerId: state.borrowerId,
    creditFen: state.status === 'CLOSED' ? 0 : state.limitFen,
    balanceFen: amounts.balanceFen,
    overdueFen: amounts.overdueFen,
    renewedBalanceFen,
    nonAccrualBalanceFen: state.nonAccrualSince === null ? 0 : amounts.balanceFen,
    offBalanceInterestFen: amounts.offBalanceInterestFen,
    classification: reportedClassification(state),
    firstDrawdownDate: countersOf(state).firstDrawdownDate,
    flows: { day: flowIn(state, 'day', date), month: flowIn(state, 'month', date), year: flowIn(state, 'year', date) },
  };
}

/** One borrower's facilities of a shard, summed; shards' parts of one borrower merge the same way. */
export interface BorrowerPart extends SummedFigures {
  borrowerId: string;
  /** Balance by each facility's reporting class. */
  balanceByClass: Partial<Record<Classification, number>>;
  /** Worst class among the facilities with a balance; null when nothing is outstanding. */
  worstClass: Classification | null;
  /** Read once per borrower from its profile; null when it has none. */
  facts: BorrowerFacts | null;
}

export function emptyPart(borrowerId: string): BorrowerPart {
  return {
    borrowerId,
    creditFen: 0,
    balanceFen: 0,
    overdueFen: 0,
    renewedBalanceFen: 0,
    nonAccrualBalanceFen: 0,
    offBalanceInterestFen: 0,
    balanceByClass: {},
    worstClass: null,
    firstDrawdownDate: null,
    flows: { day: zeroFlows(), month: zeroFlows(), year: zeroFlows() },
    facts: null,
  };
}

export function addFacilityFigures(part: BorrowerPart, f: FacilityFigures): void {
  invariant(part.borrowerId === f.borrowerId, 'a facility adds to its own borrower');
  part.creditFen += f.creditFen;
  part.balanceFen += f.balanceFen;
  part.overdueFen += f.overdueFen;
  part.renewedBalanceFen += f.renewedBalanceFen;
  part.nonAccrualBalanceFen += f.nonAccrualBalanceFen;
  part.offBalanceInterestFen += f.offBalanceInterestFen;
  if (f.balanceFen > 0) {
    part.balanceByClass[f.classification] = (part.balanceByClass[f.classification] ?? 0) + f.balanceFen;
    part.worstClass = part.worstClass === null ? f.classification : worseClassification(part.worstClass, f.classification);
  }
  if (f.firstDrawdownDate !== null && (part.firstDrawdownDate === null || f.firstDrawdownDate < part.firstDrawdownDate)) part.firstDrawdownDate = f.firstDrawdownDate;
  for (const kind of PERIOD_KINDS) addFlows(part.flows[kind], f.flows[kind]);
}

export function mergeParts(into: BorrowerPart, from: BorrowerPart): void {
  invariant(into.borrowerId === from.borrowerId, 'parts of one borrower merge');
  into.creditFen += from.creditFen;
  into.balanceFen += from.balanceFen;
  into.overdueFen += from.overdueFen;
  into.renewedBalanceFen += from.renewedBalanceFen;
  into.nonAccrualBalanceFen += from.nonAccrualBalanceFen;
  into.offBalanceInterestFen += from.offBalanceInterestFen;
  for (const [k, v] of Object.entries(from.balanceByClass) as [Classification, number][]) into.balanceByClass[k] = (into.balanceByClass[k] ?? 0) + v;
  if (from.worstClass !== null) into.worstClass = into.worstClass === null ? from.worstClass : worseClassification(into.worstClass, from.worstClass);
  if (from.firstDrawdownDate !== null && (into.firstDrawdownDate === null || from.firstDrawdownDate < into.firstDrawdownDate)) into.firstDrawdownDate = from.firstDrawdownDate;
  for (const kind of PERIOD_KINDS) addFlows(into.flows[kind], from.flows[kind]);
  into.facts ??= from.facts;
}

/** A balance and the borrowers holding one. */
export interface BalanceCount {
  balanceFen: number;
  borrowers: number;
}

export interface LendingFlow {
  count: number;
  amountFen: number;
  /** Σ amount × rate (fen × ppm) as a decimal string; the weighted rate is this / amountFen. */
  amountRateFenPpm: string;
  weightedRatePpm: number;
}

export interface PeriodFlows {
  newLending: LendingFlow;
  inclusiveSmeNewLending: LendingFlow;
  firstLoanBorrowers: number;
  firstLoanUnknown: number;
  renewals: { count: number; principalCarriedFen: number };
}

/** The policy figures of one date, in fen, ppm and counts (the API shows them in yuan and percent). */
export interface PolicyFigures {
  borrowersWithBalance: BalanceCount;
  inclusiveSme: BalanceCount;
  farmer: BalanceCount;
  creditLoans: { balanceFen: number; sharePpm: number };
  byClass: Record<Classification, BalanceCount>;
  nonPerforming: { balanceFen: number; ratioPpm: number };
  overdueBalanceFen: number;
  renewedBalanceFen: number;
  /** 非应计贷款: balance on non-accrual and its borrowers, and the interest kept off balance sheet (表外). */
  nonAccrual: BalanceCount & { offBalanceInterestFen: number };
  /** Total credit (Σ limits not closed) of the book, and borrowers without a profile (in no group). */
  totalCreditFen: number;
  borrowersWithoutProfile: number;
  flows: Record<PeriodKind, PeriodFlows>;
  byBorrowerType: Record<string, BalanceCount>;
  byEnterpriseSize: Record<string, BalanceCount>;
}

/** part / whole in ppm, rounded half-up once; 0 when the whole is 0. A share in ppm reads as a percent like a rate. */
export function ratioPpm(part: number, whole: number): number {
  if (whole === 0) return 0;
  const w = BigInt(whole);
  return Number((BigInt(part) * 2_000_000n + w) / (2n * w));
}

function lending(count: number, amountFen: number, fenPpm: bigint): LendingFlow {
  return { count, amountFen, amountRateFenPpm: fenPpm.toString(), weightedRatePpm: weightedRatePpm(amountFen, fenPpm) };
}

function flowsOf(parts: readonly { part: BorrowerPart; inclusive: boolean }[], kind: PeriodKind, date: BusinessDate): PeriodFlows {
  let count = 0, amount = 0, fenPpm = 0n, smeCount = 0, smeAmount = 0, smeFenPpm = 0n;
  let first = 0, unknown = 0, renewals = 0, carried = 0;
  const from = periodStart(kind, date);
  for (const { part, inclusive } of parts) {
    const f = part.flows[kind];
    count += f.newLendingCount;
    amount += f.newLendingFen;
    fenPpm += BigInt(f.newLendingFenPpm);
    if (inclusive) {
      smeCount += f.newLendingCount;
      smeAmount += f.newLendingFen;
      smeFenPpm += BigInt(f.newLendingFenPpm);
    }
    renewals += f.renewalCount;
    carried += f.renewalPrincipalFen;
    const status = firstLoanStatus(part.facts, part.firstDrawdownDate, from, date);
    if (status === 'FIRST_LOAN') first += 1;
    else if (status === 'UNKNOWN') unknown += 1;
  }
  return {
    newLending: lending(count, amount, fenPpm),
    inclusiveSmeNewLending: lending(smeCount, smeAmount, smeFenPpm),
    firstLoanBorrowers: first,
    firstLoanUnknown: unknown,
    renewals: { count: renewals, principalCarriedFen: carried },
  };
}

function add(target: BalanceCount, balanceFen: number): void {
  target.balanceFen += balanceFen;
  if (balanceFen > 0) target.borrowers += 1;
}

/** The book's figures on `date` from every borrower's merged part (each borrower exactly once). */
export function policyFigures(date: BusinessDate, parts: Iterable<BorrowerPart>, groups: { borrowerTypes: readonly string[]; enterpriseSizes: readonly string[] }): PolicyFigures {
  const zero = (): BalanceCount => ({ balanceFen: 0, borrowers: 0 });
  const out: PolicyFigures = {
    borrowersWithBalance: zero(),
    inclusiveSme: zero(),
    farmer: zero(),
    creditLoans: { balanceFen: 0, sharePpm: 0 },
    byClass: Object.fromEntries(CLASSES.map((c) => [c, zero()])) as Record<Classification, BalanceCount>,
    nonPerforming: { balanceFen: 0, ratioPpm: 0 },
    overdueBalanceFen: 0,
    renewedBalanceFen: 0,
    nonAccrual: { balanceFen: 0, borrowers: 0, offBalanceInterestFen: 0 },
    totalCreditFen: 0,
    borrowersWithoutProfile: 0,
    flows: { day: undefined!, month: undefined!, year: undefined! },
    byBorrowerType: Object.fromEntries(groups.borrowerTypes.map((t) => [t, zero()])),
    byEnterpriseSize: Object.fromEntries(groups.enterpriseSizes.map((s) => [s, zero()])),
  };
  const classified: { part: BorrowerPart; inclusive: boolean }[] = [];
  for (const part of parts) {
    const inclusive = isInclusiveSme(part.facts, part.creditFen);
    classified.push({ part, inclusive });
    out.totalCreditFen += part.creditFen;
    add(out.borrowersWithBalance, part.balanceFen);
    if (inclusive) add(out.inclusiveSme, part.balanceFen);
    if (isFarmerBusinessLoan(part.facts)) add(out.farmer, part.balanceFen);
    if (isCreditLoan(part.facts)) out.creditLoans.balanceFen += part.balanceFen;
    if (isDebtorLevelClassified(part.facts)) {
      if (part.worstClass !== null) out.byClass[part.worstClass].balanceFen += part.balanceFen;
    } else {
      for (const [c, balance] of Object.entries(part.balanceByClass) as [Classification, number][]) out.byClass[c].balanceFen += balance;
    }
    if (part.worstClass !== null) out.byClass[part.worstClass].borrowers += 1;
    out.overdueBalanceFen += part.overdueFen;
    out.renewedBalanceFen += part.renewedBalanceFen;
    add(out.nonAccrual, part.nonAccrualBalanceFen);
    out.nonAccrual.offBalanceInterestFen += part.offBalanceInterestFen;
    if (part.facts === null) {
      if (part.balanceFen > 0) out.borrowersWithoutProfile += 1;
    } else {
      add((out.byBorrowerType[part.facts.borrowerType] ??= zero()), part.balanceFen);
      // Enterprise size describes enterprises only; the other borrower types have none to report.
      if (part.facts.borrowerType === 'ENTERPRISE' && part.facts.enterpriseSize !== null) add((out.byEnterpriseSize[part.facts.enterpriseSize] ??= zero()), part.balanceFen);
    }
  }
  const total = out.borrowersWithBalance.balanceFen;
  out.creditLoans.sharePpm = ratioPpm(out.creditLoans.balanceFen, total);
  out.nonPerforming.balanceFen = NON_PERFORMING.reduce((n, c) => n + out.byClass[c].balanceFen, 0);
  out.nonPerforming.ratioPpm = ratioPpm(out.nonPerforming.balanceFen, total);
  for (const kind of PERIOD_KINDS) out.flows[kind] = flowsOf(classified, kind, date);
  return out;
}

/** Growth of a balance since a base, as a signed ratio in ppm (null when there is no base to grow from). */
export function growthPpm(nowFen: number, baseFen: number | null): number | null {
  if (baseFen === null || baseFen === 0) return null;
  const diff = BigInt(nowFen - baseFen);
  const b = BigInt(baseFen);
  const negative = diff < 0n;
  const abs = negative ? -diff : diff;
  const rounded = (abs * 2_000_000n + b) / (2n * b);
  return Number(negative ? -rounded : rounded);
}
