/**
 * End of day (COB, DESIGN §10): for every facility, persist what `advance` produces for the end
 * of the date (settlement, overdue, penalty start, maturity, classification) and value the
 * portfolio as of that date. Ordinary days cost reads only; running a date twice changes
 * nothing the second time. Facilities are found through the EOD-shard index, shard by shard.
 *
 * Who runs it: the nightly state machine (one eod-shard task per shard, then eod-report, which
 * combines them and keeps the report), the ops route and the local runner (runEod, every shard
 * in turn). All keep the date's report the same way and emit the same metrics.
 */
import { addDays, businessDateAt } from '#domain/calendar.ts';
import { applyCommand, type EndOfDayCommand } from '#domain/facility.ts';
import type { LprSchedule } from '#domain/repricing.ts';
import { catchUpChunk, stateAsOf, withLpr } from './facilities.ts';
import { EOD_MAX_LISTED_FAILURES } from '#api/eod.ts';
import { DomainError, invariant, ValidationError } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import type { FacilityState } from '#domain/state.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { executeCommand } from '#ledger/command.ts';
import type { EodReport, EodShardResult, PortfolioTotals } from '#api/eod.ts';
import { EOD_SHARD_COUNT } from '#ledger/schema.ts';
import type { AppDeps } from './deps.ts';
import { syncRenewalQueue, touchesRenewalQueue } from './renewal-queue.ts';

export { EOD_MAX_LISTED_FAILURES } from '#api/eod.ts';
export type { EodFailure, EodReport, EodShardResult, PortfolioTotals } from '#api/eod.ts';

/** Facilities of one shard valued at once: overlaps store round trips without flooding the store. */
export const EOD_CONCURRENCY = 8;
export const EOD_PAGE_SIZE = 100;
export const EOD_ACTOR = 'system:eod';
/**
 * End of day never runs for a date after the current business date (DESIGN §10): a run a year
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

/** Thrown inside `decide` when a racing command already applied the end of day. */
class NothingToDo extends Error {}

export function emptyTotals(): PortfolioTotals {
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

function addValuation(totals: PortfolioTotals, state: FacilityState, date: string, lpr: LprSchedule): void {
  if (state.status === 'CLOSED') return;
  const v = valuationAsOf(state, date, lpr);
  totals.facilities += 1;
  totals.principalOutstandingFen += v.principalOutstandingFen;
  totals.accruedInterestFen += v.totals.ACCRUED_INTEREST;
  totals.interestDueFen += v.totals.INTEREST_DUE;
  totals.overdueInterestFen += v.totals.OVERDUE_INTEREST;
  totals.overduePrincipalFen += v.totals.OVERDUE_PRINCIPAL;
  totals.penaltyInterestFen += v.totals.PENALTY_INTEREST + v.totals.COMPOUND_INTEREST;
  totals.byClassification[v.classification] = (totals.byClassification[v.classification] ?? 0) + 1;
}

export function mergeTotals(into: PortfolioTotals, from: PortfolioTotals): void {
  for (const key of ['facilities', 'principalOutstandingFen', 'accruedInterestFen', 'interestDueFen', 'overdueInterestFen', 'overduePrincipalFen', 'penaltyInterestFen'] as const) {
    into[key] += from[key];
  }
  for (const [k, n] of Object.entries(from.byClassification)) into.byClassification[k] = (into.byClassification[k] ?? 0) + n;
}

async function processFacility(deps: AppDeps, facilityId: string, date: string, lpr: LprSchedule, result: EodShardResult): Promise<void> {
  const latest = await deps.store.loadLatest<FacilityState>(facilityId);
  if (latest === null) return;
  result.processed += 1;
  // Valued before the end of day is applied: "as of D" shows D's categories with D's interest.
  // A re-run (or a command dated after D) finds the state past D: value the event before it.
  const asOf = await stateAsOf(deps, latest, date);
  if (asOf !== null) addValuation(result.totals, asOf, date, lpr);
  const command: EndOfDayCommand = withLpr({ type: 'EndOfDay', date }, latest.state, lpr) as EndOfDayCommand;
  const transition = applyCommand(latest.state, command);
  if (transition.events.length === 0) return;
  try {
    const appended = await executeCommand<FacilityState>(
      deps.store,
      {
        facilityId,
        decide: (current) => {
          const t = applyCommand(current!.state, withLpr(command, current!.state, lpr));
          if (t.events.length === 0) throw new NothingToDo();
          return {
            type: 'EndOfDay',
            businessDate: date,
            actor: EOD_ACTOR,
            data: { command: withLpr(command, current!.state, lpr), events: t.events.map(({ type, date: d, data }) => ({ type, date: d, data })) },
            postings: t.events.flatMap((e) => e.postings),
            state: t.state,
          };
        },
        // A facility no end of day reached for years catches up in chunks, as a command would.
        catchUp: (current) => catchUpChunk(current.state, date, lpr),
      },
      deps.runtime,
    );
    // End of day expires undecided referrals at the end of the maturity date: the queue follows.
    if (touchesRenewalQueue(appended.event)) await syncRenewalQueue(deps, appended.event);
  } catch (error) {
    if (error instanceof NothingToDo) return;
    throw error;
  }
  result.changed += 1;
  for (const e of transition.events) result.eventsByType[e.type] = (result.eventsByType[e.type] ?? 0) + 1;
}

/** One shard's end of day. A facility that fails is reported and the shard carries on. */
export async function runEodShard(deps: AppDeps, date: string, shard: number): Promise<EodShardResult> {
  const result: EodShardResult = { date, shard, processed: 0, changed: 0, failures: 0, failed: [], eventsByType: {}, totals: emptyTotals() };
  const lpr = await deps.lpr.schedule();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listFacilitiesByShard(shard, { limit: EOD_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
    const ids = [...page.items];
    const workers = Array.from({ length: Math.min(EOD_CONCURRENCY, ids.length) }, async () => {
      for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
        try {
          await processFacility(deps, id, date, lpr, result);
        } catch (error) {
          result.failures += 1;
          if (result.failed.length < EOD_MAX_LISTED_FAILURES) result.failed.push({ facilityId: id, code: error instanceof DomainError || error instanceof LedgerError ? error.code : 'internal-error' });
        }
      }
    });
    await Promise.all(workers);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return result;
}

/** Combines shard results into the portfolio report of the date. */
export function summarise(date: string, shards: readonly EodShardResult[]): EodReport {
  const totals = emptyTotals();
  const eventsByType: Record<string, number> = {};
  for (const s of shards) {
    mergeTotals(totals, s.totals);
    for (const [k, n] of Object.entries(s.eventsByType)) eventsByType[k] = (eventsByType[k] ?? 0) + n;
  }
  const principal = totals.principalOutstandingFen;
  return {
    date,
    shards: shards.length,
    processed: shards.reduce((n, s) => n + s.processed, 0),
    changed: shards.reduce((n, s) => n + s.changed, 0),
    failures: shards.reduce((n, s) => n + s.failures, 0),
    failed: shards.flatMap((s) => s.failed),
    eventsByType,
    totals,
    overdueRatioPpm: principal === 0 ? 0 : Number((BigInt(totals.overduePrincipalFen) * 1_000_000n + BigInt(principal) / 2n) / BigInt(principal)),
  };
}

/** Every shard in turn (the local runner; in AWS, Step Functions maps over the shards). */
export async function runEod(deps: AppDeps, date: string, onShard?: (result: EodShardResult) => void): Promise<EodReport> {
  const results: EodShardResult[] = [];
  for (let shard = 0; shard < EOD_SHARD_COUNT; shard++) {
    const r = await runEodShard(deps, date, shard);
    results.push(r);
    onShard?.(r);
  }
  return summarise(date, results);
}

// ---------------------------------------------------------------------------------------
// The nightly run (Step Functions maps over the shards, then combines and keeps the report)

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

/**
 * Combines one result per shard into the date's report. Every shard must be there exactly once
 * and for this date: a report that silently missed a shard would understate the portfolio.
 */
export function combineShards(date: string, results: readonly EodShardResult[]): EodReport {
  const shards = results.map((r) => r.shard).sort((a, b) => a - b);
  invariant(
    shards.length === EOD_SHARD_COUNT && shards.every((shard, i) => shard === i),
    `end of day ${date} needs one result from each of the ${EOD_SHARD_COUNT} shards, got [${shards.join(', ')}]`,
  );
  const other = results.find((r) => r.date !== date);
  invariant(other === undefined, `shard ${other?.shard} reports ${other?.date}, not ${date}`);
  return summarise(date, results);
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

/** The end-of-day metrics of a run (DESIGN §11); whoever runs end of day emits exactly these. */
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
  ] as const;
}
