/**
 * Facility use-cases (the application layer the handlers call). Each command: load →
 * idempotency check → advance to its business date → domain transition → one append. The
 * response is computed inside `decide` and stored with the event, so a replay returns it
 * byte for byte.
 *
 * Each use-case names its own rule (`rules.drawdown`, `rules.endOfDay`, …) instead of going
 * through `applyCommand`, the replay dispatch: a function's bundle then holds the rules of its
 * command and of the catch-up, not those of every command (the renewal checks in a drawdown).
 */
import * as rules from '#domain/facility.ts';
import type { ChangeLimitCommand, CloseCommand, Command, FreezeCommand } from '#domain/facility.ts';
import { DomainError, ValidationError, invariant } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import type { FacilityState, Posting, Transition } from '#domain/state.ts';
import type { ProductTerms } from '#domain/terms.ts';
import { formatYuan } from '#domain/money.ts';
import { formatPercent } from '#domain/rates.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { lprNeeded, type LprSchedule } from '#domain/repricing.ts';
import { nextBoundaryDay } from '#domain/advance.ts';
import { fromDay, toDay } from '#domain/calendar.ts';
import { executeCommand, requestHash, type CommandResult, type EventDraft } from '#ledger/command.ts';
import type { JournalEvent, LatestState, StoredResponse } from '#ledger/journal.ts';
import type { AppDeps, CommandContext } from './deps.ts';
import type { output } from 'zod/v4/core';
import type { DrawdownResponse, RepaymentResponse } from '#api/facilities.ts';
import { allocationView, facilityView, type FacilityView } from './views.ts';
import { syncRenewalQueueAfterAppend } from './renewal-queue.ts';

/** The reply of a command: status and body, flagged when it is a stored replay. */
export interface Reply<B = unknown, S extends number = number> {
  status: S;
  body: B;
  replayed: boolean;
  /** Appends lost to concurrent commands before this one went through (a metric). */
  retries: number;
  /** The journal event that answered (the new one, or the original for a replay). */
  event: JournalEvent<FacilityState>;
}

/** Client keys live in their own namespace so they can never collide with internal ones. */
export function clientKey(actor: string, idempotencyKey: string): string {
  // Scoped by the caller: two channels (or a channel and the borrower) choosing the same key
  // send two requests, and one must never be answered with the other's stored response.
  return `key:${actor}:${idempotencyKey}`;
}
const OPEN_KEY = 'open';

/** Combine every domain event of one command into the journal's one event. */
function draftFor(
  command: Command,
  state: FacilityState,
  events: readonly { type: string; date: string; data: Record<string, unknown>; postings: Posting[] }[],
  actor: string,
  response: StoredResponse,
  extra: Partial<EventDraft<FacilityState>> = {},
): EventDraft<FacilityState> {
  // The command's own event names the journal event: a ClassificationChanged it caused (a
  // repayment clearing arrears) follows it and must not rename the repayment.
  const own = events.findLast((event) => event.type !== 'ClassificationChanged') ?? events[events.length - 1];
  return {
    type: own?.type ?? command.type,
    businessDate: command.date,
    actor,
    data: { command, events: events.map(({ type, date, data }) => ({ type, date, data })) },
    postings: events.flatMap((e) => e.postings),
    state,
    response,
    ...extra,
  };
}

function reply<B, S extends number = number>(result: CommandResult<FacilityState>): Reply<B, S> {
  const response = result.event.response;
  invariant(response !== undefined, 'a command event stores the response it answered with');
  return { status: response.status as S, body: response.body as B, replayed: result.replayed, retries: result.retries, event: result.event };
}

/**
 * Runs one domain command on an existing facility through the executor. `command` builds it
 * from the latest event (it may read the seq, e.g. to name an application); `respond` shapes
 * the stored response.
 */
export async function runCommand<C extends Command, R>(
  deps: AppDeps,
  facilityId: string,
  ctx: CommandContext,
  request: unknown,
  command: (latest: JournalEvent<FacilityState>) => C,
  rule: (state: FacilityState, command: C) => Transition<R>,
  respond: (state: FacilityState, result: R, date: string) => StoredResponse,
): Promise<Reply> {
  const schedule = await deps.lpr.schedule();
  let seenSeq: number | null = null;
  const result = await executeCommand<FacilityState>(
    deps.store,
    {
      facilityId,
      idempotencyKey: clientKey(ctx.actor, ctx.idempotencyKey),
      requestHash: requestHash(request),
      decide: (latest) => {
        if (latest === null) throw new DomainError('not-found', `facility ${facilityId} not found`);
        seenSeq ??= latest.seq;
        const cmd = withLpr(command(latest), latest.state, schedule);
        const transition = rule(latest.state, cmd);
        return draftFor(cmd, transition.state, transition.events, ctx.actor, respond(transition.state, transition.result, cmd.date));
      },
      catchUp: (latest) => catchUpChunk(latest.state, ctx.date, schedule),
    },
    deps.runtime,
  );
  // The renewal queue is derived from the journal: any command's catch-up may expire a referral.
  await syncRenewalQueueAfterAppend(deps, facilityId, seenSeq, result);
  return reply(result);
}

export function viewAsOf(state: FacilityState, date: string, lpr?: LprSchedule): FacilityView {
  return facilityView(valuationAsOf(state, date, lpr));
}

/** A floating-rate facility's command carries the fixings its catch-up reprices with (replayable). */
export function withLpr<C extends Command>(command: C, state: FacilityState, schedule: LprSchedule): C {
  if (command.type === 'OpenFacility') return command;
  const needed = lprNeeded(state, command.date, schedule);
  return needed.length === 0 ? command : { ...command, lpr: needed };
}

/**
 * Bytes of catch-up events (their data and postings as JSON) one chunk carries at most. With the
 * state, bounded by the product's limits (≈ 20 KB for 20 open drawdowns), and the command's own
 * effect, an item stays far under MAX_ITEM_BYTES (256 KB). A year of catch-up for 20 overdue
 * drawdowns is ≈ 65 KB of events, so ten years take ≈ 7 chunks.
 */
const CATCH_UP_CHUNK_EVENT_BYTES = 96 * 1024;
/** Who a catch-up chunk is recorded as: the passing of days, appended on a command's behalf. */
export const CATCH_UP_ACTOR = 'system:catch-up';

/**
 * The first part of the catch-up from the state's business date to `date` as an end-of-day event
 * of its own: the ends of boundary days (those that change something) before `date`, as many as fit
 * in CATCH_UP_CHUNK_EVENT_BYTES (one at least). Null when no day before `date` changes anything.
 * Deterministic in (state, date, fixings): concurrent writers and retries compute the same chunk.
 */
export function catchUpChunk(state: FacilityState, date: string, schedule: LprSchedule): EventDraft<FacilityState> | null {
  const target = toDay(date);
  let current = state;
  let bytes = 0;
  let through: string | null = null;
  for (let day = nextBoundaryDay(current) - 1; day < target; day = nextBoundaryDay(current) - 1) {
    const step = rules.endOfDay(current, withLpr({ type: 'EndOfDay', date: fromDay(day) }, current, schedule));
    const stepBytes = JSON.stringify(step.events.map(({ type, date: d, data }) => ({ type, date: d, data }))).length + JSON.stringify(step.events.flatMap((e) => e.postings)).length;
    if (through !== null && bytes + stepBytes > CATCH_UP_CHUNK_EVENT_BYTES) break;
    bytes += stepBytes;
    through = fromDay(day);
    current = step.state;
  }
  if (through === null) return null;
  // One end-of-day command through the last day that fits: what replaying the journal applies.
  const command = withLpr<rules.EndOfDayCommand>({ type: 'EndOfDay', date: through }, state, schedule);
  const transition = rules.endOfDay(state, command);
  invariant(transition.state.businessDate === current.businessDate, 'a catch-up chunk must equal its days applied one by one');
  return {
    type: 'EndOfDay',
    businessDate: through,
    actor: CATCH_UP_ACTOR,
    data: { command, events: transition.events.map(({ type, date: d, data }) => ({ type, date: d, data })) },
    postings: transition.events.flatMap((e) => e.postings),
    state: transition.state,
  };
}

// ---------------------------------------------------------------------------------------

export interface OpenFacilityInput {
  facilityId: string;
  borrowerId: string;
  limitFen: number;
  effectiveDate: string;
  maturityDate: string;
  spreadBp: number;
  /** Floating-rate option of the product (fixed by default). */
  rate?: { rateType: 'FIXED' | 'FLOATING'; repricing?: 'JANUARY_FIRST' | 'ANNIVERSARY' };
  /** Product options chosen for the line (day count, rounding, settlement cycle, grace, penalty uplift, compound); the rest is the product's. */
  terms?: Partial<Pick<ProductTerms, 'dayCount' | 'rounding' | 'settlementCycle' | 'graceDays' | 'penaltyUpliftPct' | 'compoundInterest'>>;
  /**
   * True when the request named no spread and the pricing model chose `spreadBp`. The request is
   * then identified without the model's price, which may have moved since (a first loan drawn,
   * a new LPR): the same body again must replay (200), not answer facility-exists.
   */
  spreadFromModel?: boolean;
}

/** Idempotent by the facility id: the same body again → 200 with the facility; another body → 409. */
export async function openFacility(deps: AppDeps, ctx: Omit<CommandContext, 'idempotencyKey'>, input: OpenFacilityInput): Promise<Reply<FacilityView, 200 | 201>> {
  const { spreadFromModel, ...request } = input;
  const command: rules.OpenFacilityCommand = {
    type: 'OpenFacility',
    date: ctx.date,
    facilityId: input.facilityId,
    borrowerId: input.borrowerId,
    limitFen: input.limitFen,
    effectiveDate: input.effectiveDate,
    maturityDate: input.maturityDate,
    pricing: { spreadBp: input.spreadBp, floorPpm: deps.product.pricing.rateFloorPpm },
    terms: {
      ...deps.product.terms,
      ...input.terms,
      ...(input.rate === undefined ? {} : { rateType: input.rate.rateType, ...(input.rate.repricing === undefined ? {} : { repricing: input.rate.repricing }) }),
    },
  };
  try {
    const result = await executeCommand<FacilityState>(
      deps.store,
      {
        facilityId: input.facilityId,
        idempotencyKey: OPEN_KEY,
        requestHash: requestHash({ op: 'open', ...request, ...(spreadFromModel === true ? { spreadBp: 'pricing-model' } : {}) }),
        decide: (latest) => {
          if (latest !== null) throw new DomainError('facility-exists', `facility ${input.facilityId} already exists`);
          const transition = rules.openFacility(command);
          const body = viewAsOf(transition.state, ctx.date);
          return { ...draftFor(command, transition.state, transition.events, ctx.actor, { status: 201, body }), borrowerId: input.borrowerId };
        },
      },
      deps.runtime,
    );
    const opened = reply<FacilityView, 201>(result);
    return result.replayed ? { ...opened, status: 200 } : opened;
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'idempotency-key-reused') {
      throw new DomainError('facility-exists', `facility ${input.facilityId} already exists with different terms`);
    }
    throw error;
  }
}

export type DrawdownReply = output<typeof DrawdownResponse>;

export async function drawdown(
  deps: AppDeps,
  facilityId: string,
  ctx: CommandContext,
  input: { amountFen: number; termDays?: number },
): Promise<Reply<DrawdownReply, 201>> {
  const lpr = await deps.lpr.onOrBefore(ctx.date);
  const outcome = await runCommand(
    deps,
    facilityId,
    ctx,
    { op: 'drawdown', facilityId, ...input },
    (): rules.DrawdownCommand => ({ type: 'Drawdown', date: ctx.date, amountFen: input.amountFen, ...(input.termDays === undefined ? {} : { termDays: input.termDays }), lprPpm: lpr.oneYearPpm }),
    rules.drawdown,
    (state, r, date) => ({
      status: 201,
      body: {
        drawdownId: r.drawdownId,
        amount: formatYuan(r.amountFen),
        ratePercent: formatPercent(r.ratePpm),
        drawnDate: r.drawnDate,
        maturityDate: r.maturityDate,
        facility: viewAsOf(state, date),
      },
    }),
  );
  const body = outcome.body as Omit<DrawdownReply, 'firstLoan'>;
  const firstLoan = await markFirstLoan(deps, outcome.event, body);
  return { ...outcome, status: 201, body: { ...body, firstLoan } };
}

/**
 * 首贷户: the first drawdown ever of a borrower marks the borrower (derived and idempotent,
 * after the append). Only a facility's first drawdown can be the borrower's first, so later
 * ones cost no extra write; a replay re-asks and gets the same answer.
 */
async function markFirstLoan(deps: AppDeps, event: JournalEvent<FacilityState>, body: Omit<DrawdownReply, 'firstLoan'>): Promise<boolean> {
  const drawn = event.state.drawdowns.find((d) => d.drawdownId === body.drawdownId);
  if (drawn?.ordinal !== 1) return false;
  return deps.store.markFirstLoan(event.state.borrowerId, { facilityId: event.facilityId, drawdownId: body.drawdownId, date: body.drawnDate });
}

export type RepaymentReply = output<typeof RepaymentResponse>;

export async function repay(deps: AppDeps, facilityId: string, ctx: CommandContext, input: { amountFen: number }): Promise<Reply<RepaymentReply, 201>> {
  return runCommand(
    deps,
    facilityId,
    ctx,
    { op: 'repayment', facilityId, ...input },
    (): rules.RepaymentCommand => ({ type: 'Repayment', date: ctx.date, amountFen: input.amountFen }),
    rules.repay,
    (state, r, date) => ({
      status: 201,
      body: {
        repaymentId: r.repaymentId,
        amount: formatYuan(r.amountFen),
        allocation: allocationView(r.allocation),
        facility: viewAsOf(state, date),
      },
    }),
  ) as Promise<Reply<RepaymentReply, 201>>;
}

/** Freezes or unfreezes the line (冻结/解冻), with an optional reason. The response is the facility view. */
export async function freezeFacility(deps: AppDeps, facilityId: string, ctx: CommandContext, action: { type: 'Freeze' | 'Unfreeze'; reason?: string }): Promise<Reply<FacilityView, 200>> {
  return administer(deps, facilityId, ctx, { ...action, date: ctx.date }, rules.freeze);
}

/** Changes the limit, never below the principal outstanding. The response is the facility view. */
export async function changeLimit(deps: AppDeps, facilityId: string, ctx: CommandContext, limitFen: number): Promise<Reply<FacilityView, 200>> {
  return administer(deps, facilityId, ctx, { type: 'ChangeLimit', limitFen, date: ctx.date }, rules.changeLimit);
}

/** Closes a line with nothing payable. The response is the facility view. */
export async function closeFacility(deps: AppDeps, facilityId: string, ctx: CommandContext): Promise<Reply<FacilityView, 200>> {
  return administer(deps, facilityId, ctx, { type: 'Close', date: ctx.date }, rules.close);
}

/** The ops actions on a facility (freeze, unfreeze, limit change, close): their command, answered with the facility view. */
async function administer<C extends FreezeCommand | ChangeLimitCommand | CloseCommand>(
  deps: AppDeps,
  facilityId: string,
  ctx: CommandContext,
  command: C,
  rule: (state: FacilityState, command: C) => Transition,
): Promise<Reply<FacilityView, 200>> {
  const { date: _, ...action } = command;
  return runCommand(
    deps,
    facilityId,
    ctx,
    { op: command.type, facilityId, ...action },
    () => command,
    rule,
    (state, _r, date) => ({ status: 200, body: viewAsOf(state, date) }),
  ) as Promise<Reply<FacilityView, 200>>;
}

/** Loads the latest state or 404. */
export async function loadFacility(deps: AppDeps, facilityId: string): Promise<FacilityState> {
  const latest = await deps.store.loadLatest<FacilityState>(facilityId);
  if (latest === null) throw new DomainError('not-found', `facility ${facilityId} not found`);
  return latest.state;
}

/**
 * Days after the business date a read may value a facility (`?asOf=`, a statement's `to`): the longest
 * facility term (1 827 days) twice over. Each day further is work the caller chooses (a view 170 years
 * ahead walked every settlement of them), so past it the read is refused.
 */
const MAX_READ_AHEAD_DAYS = 3_660;

/** The date a read values at (`requested`, or the business date), refused past MAX_READ_AHEAD_DAYS ahead. */
export function readDate(requested: string | undefined, businessDate: string, field = 'asOf'): string {
  if (requested === undefined) return businessDate;
  if (toDay(requested) - toDay(businessDate) > MAX_READ_AHEAD_DAYS) {
    throw ValidationError.of(field, `must be at most ${MAX_READ_AHEAD_DAYS} days after the business date ${businessDate}`);
  }
  return requested;
}

/** Events read backwards to value a facility as of a past date (e.g. yesterday, after end of day ran). */
const MAX_ASOF_LOOKBACK_EVENTS = 10;

/** The facility as of a date (default: today), valued through `advance` without writing. */
export async function getFacility(deps: AppDeps, facilityId: string, asOf: string, caller?: { borrowerId?: string }): Promise<FacilityView> {
  const latest = await deps.store.loadLatest<FacilityState>(facilityId);
  if (latest === null) throw new DomainError('not-found', `facility ${facilityId} not found`);
  assertOwner(latest.state, caller);
  const state = await stateAsOf(deps, latest, asOf);
  if (state === null) throw beyondReach(asOf, latest);
  return viewAsOf(state, asOf, state.terms.rateType === 'FLOATING' ? await deps.lpr.schedule() : undefined);
}

/**
 * The state to value a facility with as of `asOf`: the latest when it is not past `asOf`, else
 * the last event at or before it (a stored state can only be rolled forward). Looks back a few
 * events at most (`lookback`), else date-before-last-event; null when the facility did not exist yet.
 */
export async function stateAsOf(deps: AppDeps, latest: LatestState<FacilityState>, asOf: string, lookback = MAX_ASOF_LOOKBACK_EVENTS): Promise<FacilityState | null> {
  if (latest.state.businessDate <= asOf) return latest.state;
  for (let seq = latest.seq - 1, steps = 0; seq >= 1; seq--, steps++) {
    if (steps >= lookback) throw beyondReach(asOf, latest);
    const event = await deps.store.loadEvent<FacilityState>(latest.facilityId, seq);
    if (event !== null && event.state.businessDate <= asOf) return event.state;
  }
  return null;
}

function beyondReach(asOf: string, latest: LatestState<FacilityState>): DomainError {
  return new DomainError(
    'date-before-last-event',
    `asOf ${asOf} is further back than this view reaches (the facility's business date is ${latest.state.businessDate}); use the statement for history`,
  );
}

/** An SME sees its own facilities only; another borrower's is "not found", never "forbidden". */
export function assertOwner(state: FacilityState, caller?: { borrowerId?: string }): void {
  if (caller?.borrowerId !== undefined && caller.borrowerId !== state.borrowerId) {
    throw new DomainError('not-found', `facility ${state.facilityId} not found`);
  }
}

/** Facilities a borrower may see, valued as of a date (bounded: SMEs hold a handful of lines). */
const MAX_BORROWER_FACILITIES = 100;

export async function listBorrowerFacilities(deps: AppDeps, borrowerId: string, asOf: string): Promise<FacilityView[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listFacilitiesByBorrower(borrowerId, { limit: MAX_BORROWER_FACILITIES, ...(cursor === undefined ? {} : { cursor }) });
    ids.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && ids.length < MAX_BORROWER_FACILITIES);
  const schedule = await deps.lpr.schedule();
  const views: FacilityView[] = [];
  for (const id of ids.slice(0, MAX_BORROWER_FACILITIES)) {
    const state = await loadFacility(deps, id);
    // A state already past `asOf` (a later command) is shown as it stands.
    views.push(viewAsOf(state, asOf < state.businessDate ? state.businessDate : asOf, schedule));
  }
  return views;
}
