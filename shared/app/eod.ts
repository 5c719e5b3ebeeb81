/**
 * End of day (COB, docs/end-of-day.md): for every facility, persist what `advance` produces for the end
 * of the date (settlement, overdue, penalty start, maturity, classification) and value the
 * portfolio as of that date. Ordinary days cost reads only; running a date twice changes
 * nothing the second time. Facilities are found through the EOD-shard index, shard by shard.
 *
 * Who runs it: the nightly state machine (one eod-shard task per shard, then eod-report, which
 * combines them and keeps the report), the ops route and the local runner (runEod, every shard
 * in turn). All keep the date's report the same way and emit the same metrics.
 */
import { addDays, businessDateAt } from '#domain/calendar.ts';
import { endOfDay, type EndOfDayCommand } from '#domain/facility.ts';
import type { LprSchedule } from '#domain/repricing.ts';
import { catchUpChunk, stateAsOf, withLpr } from './facilities.ts';
import { EOD_MAX_LISTED_FAILURES } from '#api/eod.ts';
import { DomainError, invariant, ValidationError } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import type { Classification, DomainEvent, FacilityState } from '#domain/state.ts';
import { debtorClassification } from '#domain/classification.ts';
import type { BorrowerProfile } from '#domain/profile.ts';
import { classificationAfterEndOfDay, valuationAsOf, type Valuation } from '#domain/valuation.ts';
import { addFacilityFigures, borrowerFacts, emptyPart as emptyBorrowerPart, facilityFigures, mergeParts, policyFigures, type BorrowerPart, type PolicyFigures } from '#domain/policy.ts';
import { zeroLedger } from '#domain/postings.ts';
import { BORROWER_TYPES, ENTERPRISE_SIZES } from '#domain/profile.ts';
import type { BusinessMetricName } from '#http/observability.ts';
import { executeCommand } from '#ledger/command.ts';
import type { EodPart, EodReport, PortfolioTotals } from '#api/eod.ts';
import { EOD_SHARD_COUNT, SHARDS_PER_PARTITION } from '#ledger/schema.ts';
import type { AppDeps } from './deps.ts';
import { syncRenewalQueueAfterAppend } from './renewal-queue.ts';

export { EOD_MAX_LISTED_FAILURES } from '#api/eod.ts';
export type { EodPart, EodReport } from '#api/eod.ts';

/** Facilities of one page valued at once: overlaps store round trips without flooding the store. */
export const EOD_CONCURRENCY = 8;
export const EOD_PAGE_SIZE = 100;
const EOD_ACTOR = 'system:eod';
/**
 * End of day never runs for a date after the current business date (docs/end-of-day.md): a run a year
 * ahead would move every facility there, and every command dated today would then be refused
 * with date-before-last-event. Its own class so the state machine does not retry it.
 */
export class EodDateInFuture extends DomainError {
  constructor(date: string, businessDate: string) {
    super('eod-date-in-future', `end of day cannot run for ${date}: it is after the current business date ${businessDate}`, { date, businessDate });
    this.name = 'EodDateInFuture';
  }
}

/** Every entry to end of day (the route, the state machine's tasks, `npm run eod`) checks its date here first. */
export function assertEodDateNotInFuture(date: string, businessDate: string): void {
  if (date > businessDate) throw new EodDateInFuture(date, businessDate);
}

/**
 * An invocation stops paging once less than this is left of its time, and hands back its cursor:
 * enough for the page in flight (100 facilities, a second or two even on a settlement day with the
 * store's retries), and it keeps every invocation under 80 % of the eod-shard timeout (10 minutes:
 * at most 8 minutes + one page), so none is ever cut off mid-page.
 */
export const EOD_TIME_MARGIN_MS = 150_000;

/** How much time an invocation has left: Lambda's context.getRemainingTimeInMillis, or a test's clock. */
export interface EodBudget {
  remainingMs(): number;
}

/** No time limit: the ops route and the local runner, which page every shard in one go. */
const UNLIMITED_BUDGET: EodBudget = { remainingMs: () => Number.POSITIVE_INFINITY };

/**
 * Where paging stands inside a range: the first shard of the segment (the part of the range inside
 * one index partition) to page next, and the page cursor inside that segment.
 */
interface EodPosition {
  shard: number;
  cursor?: string;
}

/** A range of shards [from, to). */
export interface EodRange {
  from: number;
  to: number;
}

/** What one invocation hands back: the range's part so far, and where to go on (null: the range is done). */
export interface EodStep {
  part: EodPart;
  next: EodPosition | null;
  /**
   * The borrowers this invocation met, each summed over its facilities here (with its profile's
   * facts). Not part of the part: the nightly run keeps them as items of their own
   * (putEodBorrowers), so what travels between invocations stays a few KB.
   */
  borrowers: BorrowerPart[];
}

/** Thrown inside `decide` when a racing command already applied the end of day. */
class NothingToDo extends Error {}

function emptyTotals(): PortfolioTotals {
  return {
    facilities: 0,
    principalOutstandingFen: 0,
    accruedInterestFen: 0,
    interestDueFen: 0,
    overdueInterestFen: 0,
    overduePrincipalFen: 0,
    penaltyInterestFen: 0,
    byClassification: {},
  };
}

function addValuation(totals: PortfolioTotals, state: FacilityState, v: Valuation): void {
  if (state.status === 'CLOSED') return;
  totals.facilities += 1;
  totals.principalOutstandingFen += v.principalOutstandingFen;
  totals.accruedInterestFen += v.totals.ACCRUED_INTEREST;
  totals.interestDueFen += v.totals.INTEREST_DUE;
  totals.overdueInterestFen += v.totals.OVERDUE_INTEREST;
  totals.overduePrincipalFen += v.totals.OVERDUE_PRINCIPAL;
  totals.penaltyInterestFen += v.totals.PENALTY_INTEREST + v.totals.COMPOUND_INTEREST;
  totals.byClassification[v.borrowerClassification] = (totals.byClassification[v.borrowerClassification] ?? 0) + 1;
}

/** The borrowers one invocation met, by id, in the order met; and those whose profiles nobody has asked for yet. */
class BorrowerIndex {
  readonly #byId = new Map<string, BorrowerPart>();
  #unread: BorrowerPart[] = [];

  /** The borrower's part, started empty the first time it is met. */
  of(borrowerId: string): BorrowerPart {
    let borrower = this.#byId.get(borrowerId);
    if (borrower === undefined) {
      borrower = emptyBorrowerPart(borrowerId);
      this.#byId.set(borrowerId, borrower);
      this.#unread.push(borrower);
    }
    return borrower;
  }

  /** The borrowers met since the last call (each handed out once). */
  takeUnread(): BorrowerPart[] {
    const unread = this.#unread;
    this.#unread = [];
    return unread;
  }

  all(): BorrowerPart[] {
    return [...this.#byId.values()];
  }
}

/**
 * Everything a facility contributes to the date's report: the portfolio totals, its borrower's
 * policy figures (docs/reporting.md) and, from `endOfDate` (the state after the end of the date),
 * the trial balance. One function, so the paging loop only calls it.
 */
function collectFigures(part: EodPart, index: BorrowerIndex, asOf: FacilityState, endOfDate: FacilityState, date: string, lpr: LprSchedule): void {
  // One valuation serves the totals and the policy figures: it is most of a facility's cost here.
  const v = valuationAsOf(asOf, date, lpr);
  addValuation(part.totals, asOf, v);
  const figures = facilityFigures(v.state, date, { balanceFen: v.principalOutstandingFen, overdueFen: v.totals.OVERDUE_PRINCIPAL, offBalanceInterestFen: v.offBalanceInterestFen });
  addFacilityFigures(index.of(figures.borrowerId), figures);
  for (const [account, net] of Object.entries(endOfDate.ledger)) part.ledger[account] = (part.ledger[account] ?? 0) + net;
}

/** Reads the profiles of borrowers just met, in batches (DynamoDB BatchGetItem, 100 keys a call). */
async function attachBorrowerFacts(deps: AppDeps, borrowers: readonly BorrowerPart[]): Promise<void> {
  if (borrowers.length === 0) return;
  const records = await deps.store.getBorrowers<BorrowerProfile>(borrowers.map((b) => b.borrowerId));
  for (const b of borrowers) b.facts = borrowerFacts(records.get(b.borrowerId)?.profile ?? null);
}

function mergeTotals(into: PortfolioTotals, from: PortfolioTotals): void {
  for (const key of ['facilities', 'principalOutstandingFen', 'accruedInterestFen', 'interestDueFen', 'overdueInterestFen', 'overduePrincipalFen', 'penaltyInterestFen'] as const) {
    into[key] += from[key];
  }
  for (const [k, n] of Object.entries(from.byClassification)) into.byClassification[k] = (into.byClassification[k] ?? 0) + n;
}

/**
 * Events read back to find a line's state at the end of a past date (a re-run, or yesterday's run on a
 * line that took commands today): a few months of a busy line. Each is one read, on re-runs only.
 */
const MAX_EOD_LOOKBACK_EVENTS = 100;

/**
 * The per-facility step: persist what `advance` produces for the end of `date` and add the
 * facility's valuation to `result`. Independent of order, of ranges and of invocations.
 */
async function processFacility(deps: AppDeps, facilityId: string, date: string, lpr: LprSchedule, result: EodPart, index: BorrowerIndex): Promise<void> {
  const latest = await deps.store.loadLatestState<FacilityState>(facilityId);
  if (latest === null) return;
  result.processed += 1;
  // Valued before the end of day is applied: "as of D" shows D's categories with D's interest.
  // A re-run (or a command dated after D) finds the state past D: value the event before it. One
  // further back than MAX_EOD_LOOKBACK_EVENTS is named among the failures, not left out silently.
  let asOf: FacilityState | null = null;
  let beyondReach: DomainError | null = null;
  try {
    asOf = await stateAsOf(deps, latest, date, MAX_EOD_LOOKBACK_EVENTS);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    beyondReach = error;
  }
  const command: EndOfDayCommand = { type: 'EndOfDay', date };
  const transition = endOfDay(latest.state, withLpr(command, latest.state, lpr));
  if (asOf !== null) {
    const endOfDate = asOf === latest.state ? transition.state : endOfDay(asOf, withLpr(command, asOf, lpr)).state;
    collectFigures(result, index, asOf, endOfDate, date, lpr);
  }
  if (transition.events.length > 0) await appendEndOfDay(deps, facilityId, command, lpr, result);
  const classChanged = transition.events.some((e) => e.type === 'ClassificationChanged');
  await applyBorrowerClassification(deps, transition.state, classChanged, date, lpr, result);
  if (beyondReach !== null) throw beyondReach;
}

/**
 * Appends the end-of-day event for `command` unless a racing command already applied it (the state is
 * re-read on every attempt); counts what it wrote in `result`.
 */
async function appendEndOfDay(deps: AppDeps, facilityId: string, command: EndOfDayCommand, lpr: LprSchedule, result: EodPart): Promise<void> {
  let written: DomainEvent[] = [];
  let seenSeq: number | null = null;
  try {
    const appended = await executeCommand<FacilityState>(
      deps.store,
      {
        facilityId,
        decide: (current) => {
          seenSeq ??= current!.seq;
          const dated = withLpr(command, current!.state, lpr);
          const t = endOfDay(current!.state, dated);
          if (t.events.length === 0) throw new NothingToDo();
          written = t.events;
          return {
            type: 'EndOfDay',
            businessDate: command.date,
            actor: EOD_ACTOR,
            data: { command: dated, events: t.events.map(({ type, date: d, data }) => ({ type, date: d, data })) },
            postings: t.events.flatMap((e) => e.postings),
            state: t.state,
          };
        },
        // A facility no end of day reached for years catches up in chunks, as a command would.
        catchUp: (current) => catchUpChunk(current.state, command.date, lpr),
      },
      deps.runtime,
    );
    // End of day expires undecided referrals at the end of the maturity date: the queue follows.
    await syncRenewalQueueAfterAppend(deps, facilityId, seenSeq, appended);
  } catch (error) {
    if (error instanceof NothingToDo) return;
    throw error;
  }
  result.changed += 1;
  for (const e of written) result.eventsByType[e.type] = (result.eventsByType[e.type] ?? 0) + 1;
}

/** A borrower's facilities end of day values for its debtor-level class; bounds the per-borrower reads. */
const MAX_BORROWER_FACILITIES = 50;

/**
 * The debtor-level class (债务人维度, 2023 rule) of `borrowerId` once the end of `date` is applied: every
 * facility of the borrower (borrower index) valued at the same date with the pure `advance`, so the
 * answer is the same whichever shard or order end of day meets them in. Null where the rule does not
 * apply: a borrower with one facility, or one that is not an ENTERPRISE (missing profile: ENTERPRISE).
 */
async function borrowerClassificationOn(
  deps: AppDeps,
  borrowerId: string,
  date: string,
  lpr: LprSchedule,
): Promise<{ classification: Classification | null; facilities: FacilityState[] }> {
  const page = await deps.store.listFacilitiesByBorrower(borrowerId, { limit: MAX_BORROWER_FACILITIES });
  const facilities: FacilityState[] = [];
  for (const id of page.items) {
    const latest = await deps.store.loadLatestState<FacilityState>(id);
    if (latest !== null && latest.state.status !== 'CLOSED') facilities.push(latest.state);
  }
  if (facilities.length <= 1) return { classification: null, facilities };
  const record = await deps.store.getBorrower<BorrowerProfile>(borrowerId);
  if ((record?.profile?.borrowerType ?? 'ENTERPRISE') !== 'ENTERPRISE') return { classification: null, facilities };
  return { classification: debtorClassification(facilities.map((s) => classificationAfterEndOfDay(s, date, lpr))), facilities };
}

/**
 * The per-facility debtor-level step of end of day, after the facility's own end of day: works out the
 * borrower's class and records it on each of its facilities where it differs (a BorrowerClassificationChanged
 * event). Cheap on a healthy book: only a facility that is not NORMAL, carries a borrower class or changed
 * class today looks at its siblings.
 */
async function applyBorrowerClassification(
  deps: AppDeps,
  state: FacilityState,
  classChanged: boolean,
  date: string,
  lpr: LprSchedule,
  result: EodPart,
): Promise<void> {
  if (state.status === 'CLOSED' || (state.classification === 'NORMAL' && state.borrowerClassification === null && !classChanged)) return;
  const { classification, facilities } = await borrowerClassificationOn(deps, state.borrowerId, date, lpr);
  for (const sibling of facilities) {
    const command: EndOfDayCommand = { type: 'EndOfDay', date, borrowerClassification: classification };
    const probe = endOfDay(sibling, withLpr(command, sibling, lpr));
    if (probe.events.some((e) => e.type === 'BorrowerClassificationChanged')) await appendEndOfDay(deps, sibling.facilityId, command, lpr, result);
  }
}

function emptyPart(date: string, range: EodRange): EodPart {
  return { date, from: range.from, to: range.to, processed: 0, changed: 0, failures: 0, failed: [], eventsByType: {}, totals: emptyTotals(), borrowerChunks: 0, ledger: zeroLedger() };
}

/** One page of facility ids, EOD_CONCURRENCY at a time. A facility that fails is counted and named; the page carries on. */
async function processPage(deps: AppDeps, page: readonly string[], date: string, lpr: LprSchedule, part: EodPart, index: BorrowerIndex): Promise<void> {
  const ids = [...page];
  const workers = Array.from({ length: Math.min(EOD_CONCURRENCY, ids.length) }, async () => {
    for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
      try {
        await processFacility(deps, id, date, lpr, part, index);
      } catch (error) {
        part.failures += 1;
        if (part.failed.length < EOD_MAX_LISTED_FAILURES) part.failed.push({ facilityId: id, code: error instanceof DomainError || error instanceof LedgerError ? error.code : 'internal-error' });
      }
    }
  });
  await Promise.all(workers);
}

function assertRange(range: EodRange): void {
  invariant(
    Number.isSafeInteger(range.from) && Number.isSafeInteger(range.to) && range.from >= 0 && range.from < range.to && range.to <= EOD_SHARD_COUNT,
    `not a range of shards: [${range.from}, ${range.to})`,
  );
}

export interface EodRangeOptions {
  /** What the previous invocation of this range handed back: go on from its cursor, adding to its part. */
  readonly resume?: { readonly part: EodPart; readonly next: EodPosition };
  /** @default UNLIMITED_BUDGET */
  readonly budget?: EodBudget;
  /** After each page, with the part so far (progress bars). */
  readonly onPage?: (part: Readonly<EodPart>) => void;
}

/**
 * End of day over the shards [from, to) of a date, page by page: after each page, if less than
 * EOD_TIME_MARGIN_MS is left, it stops and hands back its part with the position to go on from.
 * Every invocation pages at least once, so a chain of invocations always finishes. Handing the
 * step back in (`resume`) gives the same part as one uninterrupted pass: each facility is in
 * exactly one page of one segment, and each page is processed once along the chain.
 */
export async function runEodRange(deps: AppDeps, date: string, range: EodRange, options: EodRangeOptions = {}): Promise<EodStep> {
  assertRange(range);
  const { resume, budget = UNLIMITED_BUDGET } = options;
  if (resume !== undefined) {
    const { part } = resume;
    invariant(part.date === date && part.from === range.from && part.to === range.to, `a part of ${part.date} [${part.from}, ${part.to}) does not go on with ${date} [${range.from}, ${range.to})`);
  }
  // A copy: the part handed in stays as it was (a retried step starts from the same one).
  const part: EodPart = resume === undefined ? emptyPart(date, range) : structuredClone(resume.part);
  const segments = segmentsOf(range);
  let segment = resume === undefined ? 0 : segments.findIndex((s) => s.from === resume.next.shard);
  invariant(segment >= 0, `position shard ${resume?.next.shard} does not start a segment of [${range.from}, ${range.to})`);
  let cursor: string | undefined = resume?.next.cursor;
  const lpr = await deps.lpr.schedule();
  const index = new BorrowerIndex();
  // The profiles of a page's new borrowers (one BatchGetItem: a page has at most 100) are read while
  // the next page is processed, not all after the last page: the same reads, their round trips hidden.
  const profileReads: Promise<void>[] = [];
  const readNewProfiles = () => {
    const read = attachBorrowerFacts(deps, index.takeUnread());
    // Awaited by handBack; until then a failed read must not count as an unhandled rejection.
    read.catch(() => {});
    profileReads.push(read);
  };
  const handBack = async (next: EodPosition | null): Promise<EodStep> => {
    await Promise.all(profileReads);
    return { part, next, borrowers: index.all() };
  };
  for (;;) {
    const shards = segments[segment]!;
    const page = await deps.store.listFacilitiesByShards(shards, { limit: EOD_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
    await processPage(deps, page.items, date, lpr, part, index);
    readNewProfiles();
    options.onPage?.(part);
    if (page.nextCursor !== null) cursor = page.nextCursor;
    else if (segment + 1 < segments.length) [segment, cursor] = [segment + 1, undefined];
    else return handBack(null);
    if (budget.remainingMs() < EOD_TIME_MARGIN_MS) return handBack({ shard: segments[segment]!.from, ...(cursor === undefined ? {} : { cursor }) });
  }
}

/**
 * Borrowers in one stored item at most: a borrower's sums are ~300–600 bytes of JSON, so an item
 * stays far below MAX_ITEM_BYTES (256 KB; the store checks every put).
 */
export const EOD_BORROWERS_PER_ITEM = 200;

/** An invocation's borrowers cut into items of at most EOD_BORROWERS_PER_ITEM, in the order met. */
function borrowerChunks(borrowers: readonly BorrowerPart[]): BorrowerPart[][] {
  const chunks: BorrowerPart[][] = [];
  for (let i = 0; i < borrowers.length; i += EOD_BORROWERS_PER_ITEM) chunks.push(borrowers.slice(i, i + EOD_BORROWERS_PER_ITEM));
  return chunks;
}

/**
 * Every borrower's parts merged into one per borrower: a borrower's facilities may sit in several
 * shards, ranges and invocations, and the rules (total credit, first drawdown, worst class) must
 * see the borrower whole.
 */
export function mergeBorrowers(parts: Iterable<BorrowerPart>): Map<string, BorrowerPart> {
  const borrowers = new Map<string, BorrowerPart>();
  for (const part of parts) {
    const known = borrowers.get(part.borrowerId);
    if (known === undefined) borrowers.set(part.borrowerId, structuredClone(part));
    else mergeParts(known, part);
  }
  return borrowers;
}

/** A range cut where the shard index's partitions end: each piece is one Query (page by page). */
export function segmentsOf(range: EodRange): EodRange[] {
  const segments: EodRange[] = [];
  for (let from = range.from; from < range.to; ) {
    const to = Math.min(range.to, (Math.floor(from / SHARDS_PER_PARTITION) + 1) * SHARDS_PER_PARTITION);
    segments.push({ from, to });
    from = to;
  }
  return segments;
}

/** [0, EOD_SHARD_COUNT) cut into `groups` contiguous ranges, as equal as can be (sizes differ by one at most). */
export function eodRanges(groups: number): EodRange[] {
  invariant(Number.isSafeInteger(groups) && groups >= 1 && groups <= EOD_SHARD_COUNT, `groups must be an integer from 1 to ${EOD_SHARD_COUNT}, got ${groups}`);
  return Array.from({ length: groups }, (_, g) => ({ from: Math.floor((g * EOD_SHARD_COUNT) / groups), to: Math.floor(((g + 1) * EOD_SHARD_COUNT) / groups) }));
}

/** Adds parts up into the portfolio report of the date (no coverage check: see combineParts). */
export function summarise(date: string, parts: readonly EodPart[], borrowers: Iterable<BorrowerPart>): EodReport {
  const totals = emptyTotals();
  const eventsByType: Record<string, number> = {};
  const trialBalance: Record<string, number> = zeroLedger();
  for (const p of parts) {
    mergeTotals(totals, p.totals);
    for (const [k, n] of Object.entries(p.eventsByType)) eventsByType[k] = (eventsByType[k] ?? 0) + n;
    for (const [account, net] of Object.entries(p.ledger)) trialBalance[account] = (trialBalance[account] ?? 0) + net;
  }
  const principal = totals.principalOutstandingFen;
  return {
    date,
    shards: parts.reduce((n, p) => n + (p.to - p.from), 0),
    processed: parts.reduce((n, p) => n + p.processed, 0),
    changed: parts.reduce((n, p) => n + p.changed, 0),
    failures: parts.reduce((n, p) => n + p.failures, 0),
    failed: parts.flatMap((p) => p.failed),
    eventsByType,
    totals,
    overdueRatioPpm: principal === 0 ? 0 : Number((BigInt(totals.overduePrincipalFen) * 1_000_000n + BigInt(principal) / 2n) / BigInt(principal)),
    policy: policyFigures(date, mergeBorrowers(borrowers).values(), { borrowerTypes: BORROWER_TYPES, enterpriseSizes: ENTERPRISE_SIZES }),
    trialBalance,
  };
}

/** Ranges the local runner and the ops route page in turn (a progress bar moves per range). */
export const EOD_LOCAL_GROUPS = 16;

/**
 * Facilities `POST /v1/ops/eod/{date}` takes on within its one request (a 10 s function, ≈ 1–2 s of
 * reads and writes for 1 000 lines on DynamoDB): a larger book runs on the state machine, which has
 * no such bound. Deployed functions only: locally (`npm start`, `npm run eod`) there is no time limit.
 */
const MAX_OPS_EOD_FACILITIES = 1_000;

/**
 * Refuses a book of more than `maxFacilities` lines with 422 eod-book-too-large before anything is
 * written: reads facility ids only, page by page, and stops at the first one over the bound.
 */
export async function assertBookFitsOneRequest(deps: AppDeps, maxFacilities = MAX_OPS_EOD_FACILITIES): Promise<void> {
  let count = 0;
  for (const shards of segmentsOf({ from: 0, to: EOD_SHARD_COUNT })) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.listFacilitiesByShards(shards, { limit: EOD_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
      count += page.items.length;
      if (count > maxFacilities) {
        throw new DomainError('eod-book-too-large', `the book has more than ${maxFacilities} facilities, more than one request runs: start the end-of-day state machine with {"date": "…"} instead`, { maxFacilities });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }
}

/** Every range in turn, in one process and without a time limit (local runner, ops route; in AWS the state machine maps over the ranges). */
export async function runEod(deps: AppDeps, date: string, onPart?: (part: EodPart) => void): Promise<EodReport> {
  const parts: EodPart[] = [];
  const borrowers: BorrowerPart[] = [];
  for (const range of eodRanges(EOD_LOCAL_GROUPS)) {
    const step = await runEodRange(deps, date, range);
    parts.push(step.part);
    borrowers.push(...step.borrowers);
    onPart?.(step.part);
  }
  return combineParts(date, parts, borrowers);
}

// ---------------------------------------------------------------------------------------
// The nightly run: Step Functions maps over ranges of shards; each range is a loop of
// invocations, each going on from the cursor the previous one handed back; the last keeps the
// range's part; then the report combines the run's parts.

/** The date the nightly run processes: yesterday in Asia/Shanghai at the scheduled time (00:30 → the day that just ended). */
export function nightlyEodDate(scheduledAt: Date): string {
  return addDays(businessDateAt(scheduledAt), -1);
}

/** A run names its date, or the scheduler's time it derives it from (never both: which would win?). */
export function eodDateOf(input: { readonly date?: string | undefined; readonly scheduledTime?: string | undefined }): string {
  if (input.date !== undefined && input.scheduledTime === undefined) return input.date;
  if (input.scheduledTime !== undefined && input.date === undefined) return nightlyEodDate(new Date(input.scheduledTime));
  throw ValidationError.of('', 'give either date (a re-run) or scheduledTime (the nightly schedule), not both or neither');
}

/** One invocation's input: the run and its range; from the second invocation on, the previous step (next, part). */
export interface EodTaskInput extends EodRange {
  readonly date?: string | undefined;
  readonly scheduledTime?: string | undefined;
  readonly run: string;
  readonly next?: EodPosition | undefined;
  readonly part?: EodPart | undefined;
}

/** One invocation's output, which is the next invocation's input as it stands; no `next` once the range is done. */
export interface EodTaskOutput extends EodRange {
  date: string;
  run: string;
  next?: EodPosition;
  part: EodPart;
}

/**
 * One invocation of a range in the nightly run: goes on from the previous step and, once the
 * range is done, keeps its part for the report (a retry of that last step writes the same part).
 * A retry after a crash gets the crashed invocation's input, so it resumes from the last cursor
 * handed back, not from the range's first page.
 */
export async function continueEod(deps: AppDeps, input: EodTaskInput, budget: EodBudget): Promise<EodTaskOutput> {
  const date = eodDateOf(input);
  invariant((input.next === undefined) === (input.part === undefined), 'next and part go together: both from the previous step, or neither on the first');
  const range = { from: input.from, to: input.to };
  const resume = input.next === undefined ? {} : { resume: { part: input.part!, next: input.next } };
  const step = await runEodRange(deps, date, range, { budget, ...resume });
  // The borrowers met go to items of their own, numbered on from the part's count: a retry of this
  // invocation starts from the same count and writes the same items again.
  const part = step.part;
  for (const chunk of borrowerChunks(step.borrowers)) {
    await deps.store.putEodBorrowers(input.run, { date, from: range.from, index: part.borrowerChunks, borrowers: chunk });
    part.borrowerChunks += 1;
  }
  if (step.next === null) await deps.store.putEodPart(input.run, part);
  return { date, run: input.run, ...range, ...(step.next === null ? {} : { next: step.next }), part };
}

/**
 * Combines parts into the date's report. Together they must cover every shard exactly once and
 * be of this date: a report that silently missed a shard would understate the portfolio.
 */
export function combineParts(date: string, parts: readonly EodPart[], borrowers: Iterable<BorrowerPart>): EodReport {
  const sorted = [...parts].sort((a, b) => a.from - b.from);
  const ranges = () => sorted.map((p) => `[${p.from}, ${p.to})`).join(' ');
  let covered = 0;
  for (const p of sorted) {
    invariant(p.from === covered && p.to > p.from, `end of day ${date} needs parts covering each of the ${EOD_SHARD_COUNT} shards once, got ${ranges()}`);
    covered = p.to;
  }
  invariant(covered === EOD_SHARD_COUNT, `end of day ${date} needs parts covering each of the ${EOD_SHARD_COUNT} shards once, got ${ranges()}`);
  const other = parts.find((p) => p.date !== date);
  invariant(other === undefined, `the part of shards [${other?.from}, ${other?.to}) reports ${other?.date}, not ${date}`);
  return summarise(date, parts, borrowers);
}

/** The nightly run's report: its parts, combined and kept (EOD#<date> REPORT). */
export async function reportEodRun(deps: AppDeps, date: string, run: string): Promise<EodReport> {
  const parts = await deps.store.listEodParts(date, run);
  const report = combineParts(date, parts, await runBorrowers(deps, date, run, parts));
  await recordEodReport(deps, report);
  return report;
}

/**
 * The borrower items the run's ranges kept: each range's part counts them, so an item a crashed
 * attempt wrote past that count is left out, and a missing one is an error (the figures would be short).
 */
async function runBorrowers(deps: AppDeps, date: string, run: string, parts: readonly EodPart[]): Promise<BorrowerPart[]> {
  const expected = new Map(parts.map((p) => [p.from, p.borrowerChunks]));
  const seen = new Map<number, number>();
  const borrowers: BorrowerPart[] = [];
  for (const item of await deps.store.listEodBorrowers(date, run)) {
    if (item.index >= (expected.get(item.from) ?? 0)) continue;
    seen.set(item.from, (seen.get(item.from) ?? 0) + 1);
    borrowers.push(...item.borrowers);
  }
  for (const p of parts) {
    invariant((seen.get(p.from) ?? 0) === p.borrowerChunks, `end of day ${date}, run ${run}: shards [${p.from}, ${p.to}) kept ${p.borrowerChunks} borrower items, ${seen.get(p.from) ?? 0} found`);
  }
  return borrowers;
}

/** Keeps the report of the date (a re-run of the date replaces it). */
export async function recordEodReport(deps: AppDeps, report: EodReport): Promise<void> {
  await deps.store.putEodReport(report);
}

/** The stored report of a date, or not-found when no end of day has run for it. */
export async function loadEodReport(deps: AppDeps, date: string): Promise<EodReport> {
  const report = await deps.store.getEodReport(date);
  if (report === null) throw new DomainError('not-found', `no end of day has run for ${date}`);
  return report;
}

/** The end-of-day metrics of a run (docs/architecture.md); whoever runs end of day emits exactly these. */
export function eodMetricValues(report: EodReport, durationMs: number) {
  return [
    ['EodDurationMs', durationMs],
    ['EodFacilitiesProcessed', report.processed],
    ['EodFacilitiesChanged', report.changed],
    ['EodFailures', report.failures],
    ['OutstandingPrincipalFen', report.totals.principalOutstandingFen],
    ['AccruedInterestFen', report.totals.accruedInterestFen],
    ['OverduePrincipalFen', report.totals.overduePrincipalFen],
    ['OverdueRatioPpm', report.overdueRatioPpm],
    ...policyMetricValues(report.policy),
  ] as const;
}

/** The headline policy figures of the date as metrics: levels as of the date, and the day's flows. */
export function policyMetricValues(p: PolicyFigures): readonly (readonly [BusinessMetricName, number])[] {
  const day = p.flows.day;
  return [
    ['InclusiveSmeBalanceFen', p.inclusiveSme.balanceFen],
    ['InclusiveSmeBorrowers', p.inclusiveSme.borrowers],
    ['FarmerBalanceFen', p.farmer.balanceFen],
    ['CreditLoanSharePpm', p.creditLoans.sharePpm],
    ['NewLendingFen', day.newLending.amountFen],
    ['NewLendingRatePpm', day.newLending.weightedRatePpm],
    ['InclusiveSmeNewLendingFen', day.inclusiveSmeNewLending.amountFen],
    ['InclusiveSmeNewLendingRatePpm', day.inclusiveSmeNewLending.weightedRatePpm],
    ['FirstLoanBorrowersOfDay', day.firstLoanBorrowers],
    ['FirstLoanUnknownOfDay', day.firstLoanUnknown],
    ['RenewalDrawdownsOfDay', day.renewals.count],
    ['RenewalPrincipalCarriedFen', day.renewals.principalCarriedFen],
    ['ClassNormalFen', p.byClass.NORMAL.balanceFen],
    ['ClassSpecialMentionFen', p.byClass.SPECIAL_MENTION.balanceFen],
    ['ClassSubstandardFen', p.byClass.SUBSTANDARD.balanceFen],
    ['ClassDoubtfulFen', p.byClass.DOUBTFUL.balanceFen],
    ['ClassLossFen', p.byClass.LOSS.balanceFen],
    ['NonPerformingFen', p.nonPerforming.balanceFen],
    ['NonPerformingRatioPpm', p.nonPerforming.ratioPpm],
    ['NonAccrualBalanceFen', p.nonAccrual.balanceFen],
    ['OffBalanceInterestFen', p.nonAccrual.offBalanceInterestFen],
  ];
}
