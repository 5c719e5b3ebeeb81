/**
 * Bounded journal items (issue 8): a command after a long gap catches up in chunks, each an
 * end-of-day event of its own without a request key, so no item exceeds MAX_ITEM_BYTES (256 KB,
 * DynamoDB's hard limit is 400 KB) however long the gap; the figures are those of one
 * uninterrupted catch-up, and idempotency holds across chunks, crashes and competitors.
 *
 * The case of the issue: 20 open drawdowns (the product's default cap) all overdue, and a
 * repayment dated ten years later. One event carrying that catch-up would be ≈ 660 KB.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { CATCH_UP_ACTOR, catchUpChunk, drawdown, openFacility, repay } from '#app/facilities.ts';
import { runEodRange } from '#app/eod.ts';
import { applyCommand, type Command } from '#domain/facility.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { formatYuan } from '#domain/money.ts';
import type { FacilityState } from '#domain/state.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { eventItemBytes, MAX_ITEM_BYTES } from '#ledger/item-codec.ts';
import type { JournalEvent, LedgerStore } from '#ledger/journal.ts';
import { eodShardOf } from '#ledger/schema.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore, uniqueId, wholeJournal } from '../setup/ledger.ts';

let app: AppDeps;
let store: LedgerStore;
const LPR = { date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 };
const ctx = (date: string, key: string) => ({ date, idempotencyKey: key, actor: 'channel:test' });
const GAP_DATE = '2036-01-05'; // ten years after the drawdowns

beforeAll(async () => {
  const client = ledgerClient();
  store = ledgerStore(client, { tableName: await freshTable(client, 'catchup') });
  app = createAppDeps({ store, runtime: instantRuntime, product: DEFAULT_PRODUCT });
  await app.lpr.publish(LPR);
});

/** A line with 20 drawdowns (the default cap) of 90…356 days, all overdue a year later and for ten years after. */
async function twentyOpenDrawdowns(deps: AppDeps = app): Promise<string> {
  const facilityId = uniqueId('GAP');
  await openFacility(deps, { date: '2026-01-05', actor: 'channel:test' }, { facilityId, borrowerId: uniqueId('B'), limitFen: 50_000_000_00, effectiveDate: '2026-01-05', maturityDate: '2030-12-31', spreadBp: 45 });
  for (let i = 0; i < DEFAULT_PRODUCT.terms.maxOpenDrawdowns; i++) {
    expect((await drawdown(deps, facilityId, ctx('2026-01-05', `d${i}`), { amountFen: 1_000_000_00 + i * 1_234_56, termDays: 90 + i * 14 })).status).toBe(201);
  }
  return facilityId;
}

const journal = (facilityId: string, from: LedgerStore = store) => wholeJournal<FacilityState>(from, facilityId);

/** Every stored command applied in turn reproduces every stored state. */
function expectReplays(events: readonly JournalEvent<FacilityState>[]): void {
  let state: FacilityState | null = null;
  for (const event of events) {
    state = applyCommand(state, (event.data as { command: Command }).command).state;
    expect(state, `replay of seq ${event.seq}`).toEqual(event.state);
  }
}

/** The first describe's facility and reply: the uninterrupted run the crash test compares with. */
let reference: { facilityId: string; body: unknown } | undefined;

describe('a command ten years after the last event, with 20 open drawdowns', () => {
  let facilityId: string;
  let before: JournalEvent<FacilityState>;
  let reply: Awaited<ReturnType<typeof repay>>;
  let events: JournalEvent<FacilityState>[];

  beforeAll(async () => {
    facilityId = await twentyOpenDrawdowns();
    before = (await store.loadLatest<FacilityState>(facilityId))!;
    reply = await repay(app, facilityId, ctx(GAP_DATE, 'late'), { amountFen: 1_000_00 });
    events = await journal(facilityId);
    reference = { facilityId, body: reply.body };
  });

  it('answers 201 and writes the catch-up as chunks, then its own event: every item under 256 KB', () => {
    expect(reply.status).toBe(201);
    const after = events.filter((e) => e.seq > before.seq);
    const chunks = after.slice(0, -1);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ type: 'EndOfDay', actor: CATCH_UP_ACTOR });
      // No key, no response: a chunk answers no request, so no retry can ever be answered with it.
      expect(chunk.requestId).toBeUndefined();
      expect(chunk.response).toBeUndefined();
    }
    expect(after.at(-1)).toMatchObject({ type: 'RepaymentApplied', requestId: 'key:channel:test:late', seq: reply.event.seq });
    for (const event of events) expect(eventItemBytes(event), `seq ${event.seq}`).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    // The business dates climb chunk by chunk, up to the command's.
    const dates = after.map((e) => e.businessDate);
    expect([...dates].sort()).toEqual(dates);
    expect(dates.at(-1)).toBe(GAP_DATE);
  });

  it('leaves exactly the state and answer of one uninterrupted catch-up, and the journal replays', () => {
    const command = (events.at(-1)!.data as { command: Command }).command;
    const uninterrupted = applyCommand(before.state, command);
    expect(events.at(-1)!.state).toEqual(uninterrupted.state);
    expectReplays(events);
    // Every catch-up event of the single transition, in order, across the chunks and the command's own event.
    const chunked = events.filter((e) => e.seq > before.seq).flatMap((e) => (e.data as { events: { type: string }[] }).events.map((x) => x.type));
    expect(chunked).toEqual(uninterrupted.events.map((e) => e.type));
    const postings = events.filter((e) => e.seq > before.seq).flatMap((e) => e.postings);
    expect(postings).toEqual(uninterrupted.events.flatMap((e) => e.postings));
  });

  it('has the figures of ten years overdue: all principal overdue, LOSS, penalty and compound interest exact', () => {
    // The uninterrupted transition is the reference (shared/domain's properties prove it equal to
    // applying the end of every single day); the chunked journal must value exactly like it.
    const command = (events.at(-1)!.data as { command: Command }).command;
    const uninterrupted = valuationAsOf(applyCommand(before.state, command).state, GAP_DATE);
    const ours = valuationAsOf(events.at(-1)!.state, GAP_DATE);
    expect(ours.totals).toEqual(uninterrupted.totals);
    expect(ours.payoffFen).toBe(uninterrupted.payoffFen);
    expect(ours.daysPastDue).toBe(uninterrupted.daysPastDue);
    expect(ours.classification).toBe('LOSS');
    expect(ours.totals.OVERDUE_PRINCIPAL).toBe(before.state.drawdowns.reduce((n, d) => n + d.principalFen, 0));
    expect(ours.totals.PENALTY_INTEREST).toBeGreaterThan(0);
    // The reply's figures are the valuation's.
    expect(reply.body.facility.payoffAmount).toBe(formatYuan(ours.payoffFen));
  });

  it('keeps the state bounded: ten years later it is no bigger than a year later', () => {
    const oneYear = applyCommand(before.state, { type: 'EndOfDay', date: '2027-01-05' }).state;
    const tenYears = events.at(-1)!.state;
    expect(JSON.stringify(tenYears).length).toBeLessThan(JSON.stringify(oneYear).length * 1.1);
    expect(JSON.stringify(tenYears).length).toBeLessThan(32 * 1024);
    // The counters and history views and renewal read are still there.
    expect(tenYears).toMatchObject({ drawdownCount: 20, repaymentCount: 1 });
    expect(tenYears.dpdHistory.length).toBeGreaterThan(0);
  });

  it('a retry of the chunked command gets its own answer and writes nothing; its key with another body is refused', async () => {
    const again = await repay(app, facilityId, ctx(GAP_DATE, 'late'), { amountFen: 1_000_00 });
    expect(again).toMatchObject({ replayed: true, status: 201, body: reply.body });
    await expect(repay(app, facilityId, ctx(GAP_DATE, 'late'), { amountFen: 2_000_00 })).rejects.toMatchObject({ code: 'idempotency-key-reused' });
    expect((await journal(facilityId)).length).toBe(events.length);
  });
});

describe('chunks between crashes and competitors', () => {
  /** The store, with a hook run before each append of a catch-up chunk. */
  function hooked(onChunk: (event: JournalEvent, n: number) => Promise<void>): AppDeps {
    let n = 0;
    const append = async (event: JournalEvent) => {
      if (event.actor === CATCH_UP_ACTOR) await onChunk(event, ++n);
      return store.append(event);
    };
    const wrapped = new Proxy(store, {
      get: (target, name) => {
        if (name === 'append') return append;
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    return createAppDeps({ store: wrapped, runtime: instantRuntime, product: DEFAULT_PRODUCT });
  }

  it('a crash between chunks loses nothing: the retry with the same key carries on and answers as if nothing happened', async () => {
    expect(reference, 'the first describe ran').toBeDefined();
    const facilityId = await twentyOpenDrawdowns();
    const crashing = hooked(async (_event, n) => {
      if (n === 3) throw new Error('process killed');
    });
    await crashing.lpr.publish(LPR);
    await expect(repay(crashing, facilityId, ctx(GAP_DATE, 'late'), { amountFen: 1_000_00 })).rejects.toThrow('process killed');
    const partial = await journal(facilityId);
    expect(partial.filter((e) => e.actor === CATCH_UP_ACTOR)).toHaveLength(2);
    expect(partial.some((e) => e.requestId === 'key:channel:test:late')).toBe(false);
    expectReplays(partial);

    const retried = await repay(app, facilityId, ctx(GAP_DATE, 'late'), { amountFen: 1_000_00 });
    expect(retried).toMatchObject({ status: 201, replayed: false });
    // Same figures as the uninterrupted run on the twin facility (ids differ only by the facility's).
    const anonymous = async (id: string, body: unknown) => {
      const borrowerId = (await store.loadLatest<FacilityState>(id))!.state.borrowerId;
      return JSON.stringify(body).replaceAll(id, 'F').replaceAll(borrowerId, 'B');
    };
    expect(await anonymous(facilityId, retried.body)).toBe(await anonymous(reference!.facilityId, reference!.body));
    const events = await journal(facilityId);
    expectReplays(events);
    for (const event of events) expect(eventItemBytes(event)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  });

  it('a competitor landing between chunks: both commands go through, each key answers its own', async () => {
    const facilityId = await twentyOpenDrawdowns();
    let competitor: Awaited<ReturnType<typeof repay>> | undefined;
    const racing = hooked(async (_event, n) => {
      // Before our second chunk, another channel's repayment of the same date runs to the end.
      if (n === 2) competitor = await repay(app, facilityId, { ...ctx(GAP_DATE, 'other'), actor: 'channel:other' }, { amountFen: 500_00 });
    });
    await racing.lpr.publish(LPR);
    const ours = await repay(racing, facilityId, ctx(GAP_DATE, 'ours'), { amountFen: 1_000_00 });
    expect(competitor).toMatchObject({ status: 201 });
    expect(ours).toMatchObject({ status: 201, replayed: false });
    expect(ours.event.seq).toBe(competitor!.event.seq + 1);
    expect([competitor!.body.repaymentId, ours.body.repaymentId]).toEqual([`${facilityId}-R0001`, `${facilityId}-R0002`]);
    const events = await journal(facilityId);
    expectReplays(events);
    expect(events.filter((e) => e.requestId !== undefined && e.type === 'RepaymentApplied').map((e) => e.requestId)).toEqual(['key:channel:other:other', 'key:channel:test:ours']);
    expect((await repay(app, facilityId, ctx(GAP_DATE, 'ours'), { amountFen: 1_000_00 })).body).toEqual(ours.body);
    expect((await repay(app, facilityId, { ...ctx(GAP_DATE, 'other'), actor: 'channel:other' }, { amountFen: 500_00 })).body).toEqual(competitor!.body);
  });

  it('a command refused after a long gap writes nothing, not even a chunk', async () => {
    const facilityId = await twentyOpenDrawdowns();
    const seq = (await store.loadLatest(facilityId))!.seq;
    // The line matured in 2030: no drawdown in 2036.
    await expect(drawdown(app, facilityId, ctx(GAP_DATE, 'late-draw'), { amountFen: 100_00 })).rejects.toMatchObject({ code: 'facility-not-active' });
    expect((await store.loadLatest(facilityId))!.seq).toBe(seq);
  });

  it('end of day on a facility no run reached for ten years catches up in chunks too', async () => {
    // A table of its own: end of day visits every facility of the facility's shard.
    const client = ledgerClient();
    const own = createAppDeps({ store: ledgerStore(client, { tableName: await freshTable(client, 'catchup-eod') }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
    await own.lpr.publish(LPR);
    const facilityId = await twentyOpenDrawdowns(own);
    const shard = eodShardOf(facilityId);
    const { part: result } = await runEodRange(own, '2036-01-04', { from: shard, to: shard + 1 });
    expect(result).toMatchObject({ processed: 1, changed: 1, failed: [] });
    const events = await journal(facilityId, own.store);
    expect(events.at(-1)).toMatchObject({ type: 'EndOfDay', actor: 'system:eod', businessDate: '2036-01-04' });
    expect(events.at(-1)!.state.businessDate).toBe(GAP_DATE);
    expect(events.filter((e) => e.actor === CATCH_UP_ACTOR).length).toBeGreaterThan(1);
    for (const event of events) expect(eventItemBytes(event)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    expectReplays(events);
  });
});

describe('catchUpChunk', () => {
  it('is null when no day before the date changes anything, and never reaches the date itself', () => {
    const opened = applyCommand(null, { type: 'OpenFacility', date: '2026-01-05', facilityId: 'F1', borrowerId: 'B1', limitFen: 1_000_00, effectiveDate: '2026-01-05', maturityDate: '2026-12-31', pricing: { spreadBp: 45, floorPpm: 0 } }).state;
    // No drawdown: nothing settles; the first day that changes anything is the facility's maturity.
    expect(catchUpChunk(opened, '2026-06-01', [])).toBeNull();
    const chunk = catchUpChunk(opened, '2027-01-05', []);
    expect(chunk).toMatchObject({ type: 'EndOfDay', businessDate: '2026-12-31', actor: CATCH_UP_ACTOR });
    expect(chunk!.state).toMatchObject({ status: 'MATURED', businessDate: '2027-01-01' });
    expect(catchUpChunk(opened, '2026-12-31', [])).toBeNull();
  });
});
