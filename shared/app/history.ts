/**
 * A facility's history: the paged journal and the daily statement (balances and accrual per
 * day), both read-only and derived from the stored events.
 */
import { daysBetween, fromDay, toDay, yearBasisDays } from '#domain/calendar.ts';
import { DomainError, ValidationError } from '#domain/errors.ts';
import { formatYuan } from '#domain/money.ts';
import { formatPercent } from '#domain/rates.ts';
import type { FacilityState } from '#domain/state.ts';
import { ALLOCATION_CATEGORIES } from '#domain/terms.ts';
import { dayAccrualNumerator } from '#domain/drawdown-accrual.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { advance } from '#domain/advance.ts';
import type { LprSchedule } from '#domain/repricing.ts';
import type { JournalEvent, Page, PageRequest } from '#ledger/journal.ts';
import type { output } from 'zod/v4/core';
import type { EventsPage, StatementRow as StatementRowSchema } from '#api/facilities.ts';
import type { AppDeps } from './deps.ts';
import { assertOwner, loadFacility } from './facilities.ts';

/** A statement covers at most a year and a day (one leap year). */
const MAX_STATEMENT_DAYS = 366;
/** Events read to build one statement: bounds the work of a single request. */
const MAX_STATEMENT_EVENTS = 20_000;
const STATEMENT_PAGE = 100;

export type EventView = output<typeof EventsPage>['items'][number];
export type StatementRow = output<typeof StatementRowSchema>;

const CATEGORIES: ReadonlySet<string> = new Set(ALLOCATION_CATEGORIES);

/**
 * An event's data in the API's units (docs/journal.md): the journal keeps fen and ppm, a reader
 * sees what every other response shows. `xFen` becomes `x` in yuan, `xPpm` becomes `xPercent`,
 * and amounts keyed by allocation category (PRINCIPAL, INTEREST_DUE, …) become yuan.
 */
function inApiUnits(value: unknown, key = ''): unknown {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    if (key.endsWith('Fen') || CATEGORIES.has(key)) return formatYuan(value);
    if (key.endsWith('Ppm') && value >= 0) return formatPercent(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => inApiUnits(item));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(value)) {
    const converted = inApiUnits(child, name);
    const renamed = typeof child !== 'number' || typeof converted !== 'string' ? name : name.endsWith('Fen') ? name.slice(0, -3) : name.endsWith('Ppm') ? `${name.slice(0, -3)}Percent` : name;
    out[renamed] = converted;
  }
  return out;
}

function eventView(event: JournalEvent): EventView {
  return {
    seq: event.seq,
    type: event.type,
    businessDate: event.businessDate,
    recordedAt: event.recordedAt,
    actor: event.actor,
    data: inApiUnits(event.data),
    postings: event.postings.map((p) => ({ account: p.account, side: p.side, amount: formatYuan(p.amountFen) })),
  };
}

export async function listEvents(deps: AppDeps, facilityId: string, page: PageRequest, caller?: { borrowerId?: string }): Promise<{ items: EventView[]; nextCursor: string | null }> {
  const state = await loadFacility(deps, facilityId);
  assertOwner(state, caller);
  const result: Page<JournalEvent> = await deps.store.listEvents(facilityId, page);
  return { items: result.items.map(eventView), nextCursor: result.nextCursor };
}

export async function statement(deps: AppDeps, facilityId: string, from: string, to: string, caller?: { borrowerId?: string }): Promise<{ facilityId: string; from: string; to: string; rows: StatementRow[] }> {
  const span = daysBetween(from, to);
  if (span < 0) throw ValidationError.of('to', 'must not be before from');
  if (span >= MAX_STATEMENT_DAYS) throw ValidationError.of('to', `a statement covers at most ${MAX_STATEMENT_DAYS} days`);
  const latest = await loadFacility(deps, facilityId);
  assertOwner(latest, caller);
  const snapshots = await loadSnapshots(deps, facilityId);
  const lpr = latest.terms.rateType === 'FLOATING' ? await deps.lpr.schedule() : undefined;
  const rows: StatementRow[] = [];
  let index = 0;
  let snapshot: FacilityState | null = null;
  for (let day = toDay(from); day <= toDay(to); day++) {
    const date = fromDay(day);
    // The balance of a day is the one standing after that day's last command.
    while (index < snapshots.length && snapshots[index]!.businessDate <= date) snapshot = snapshots[index++]!;
    if (snapshot === null) continue;
    // Carry the day's state to the next row: valuing the last snapshot afresh for every day walked
    // the whole gap since it once per row (a year's statement 170 years on took 80 s).
    if (snapshot.businessDate < date) snapshot = advance(snapshot, date, lpr).state;
    rows.push(rowFor(snapshot, date, lpr));
  }
  return { facilityId, from, to, rows };
}

async function loadSnapshots(deps: AppDeps, facilityId: string): Promise<FacilityState[]> {
  const states: FacilityState[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listEvents(facilityId, { limit: STATEMENT_PAGE, ...(cursor === undefined ? {} : { cursor }) });
    for (const event of page.items) states.push(event.state as FacilityState);
    if (states.length > MAX_STATEMENT_EVENTS) throw new DomainError('invalid-state', `facility ${facilityId} has too many events for an online statement`);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return states;
}

function rowFor(snapshot: FacilityState, date: string, lpr: LprSchedule | undefined): StatementRow {
  const v = valuationAsOf(snapshot, date, lpr);
  const day = toDay(date);
  // The day's interest at the rates the date engine charges it: penalty from the maturity date itself, compound from the 付息日.
  const numerator = dayAccrualNumerator(v.state, day);
  let principal = 0;
  let weighted = 0n;
  for (const d of v.state.drawdowns) {
    if (d.principalFen > 0) {
      principal += d.principalFen;
      weighted += BigInt(d.principalFen) * BigInt(d.ratePpm);
    }
  }
  const divisor = BigInt(yearBasisDays(v.state.terms.dayCount)) * 1_000_000n;
  // In units of 0.0001 yuan (= 0.01 fen), rounded half-up for display only.
  const tenThousandths = (numerator * 100n * 2n + divisor) / (divisor * 2n);
  return {
    date,
    principal: formatYuan(principal),
    ratePercent: formatPercent(principal === 0 ? 0 : Number((weighted + BigInt(principal) / 2n) / BigInt(principal))),
    interestForDay: `${tenThousandths / 10_000n}.${String(tenThousandths % 10_000n).padStart(4, '0')}`,
    accruedInterest: formatYuan(v.totals.ACCRUED_INTEREST),
    interestDue: formatYuan(v.totals.INTEREST_DUE),
    overdueInterest: formatYuan(v.totals.OVERDUE_INTEREST),
    penaltyInterest: formatYuan(v.totals.PENALTY_INTEREST + v.totals.COMPOUND_INTEREST),
    payoffAmount: formatYuan(v.payoffFen),
    daysPastDue: v.daysPastDue,
  };
}
