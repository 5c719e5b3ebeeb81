/**
 * The largest facility the product terms allow: 100 open drawdowns (MAX_OPEN_DRAWDOWNS) of three
 * years (MAX_DRAWDOWN_TERM_DAYS), none of them serviced. Each keeps one unpaid interest item per
 * settlement of its term, so the state grows to ≈ 310 KB of JSON, over MAX_ITEM_BYTES (256 KB):
 * a command on it used to end in an InvariantViolation (a 500). The journal stores a state that
 * large compressed (item-codec.ts, COMPRESS_STATE_FROM_BYTES), so every command and end of day on
 * it goes through, and reads back exactly what was written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { drawdown, getFacility, openFacility, repay } from '#app/facilities.ts';
import { runEodRange } from '#app/eod.ts';
import { applyCommand, type Command } from '#domain/facility.ts';
import { DEFAULT_PRODUCT, type ProductConfig } from '#domain/product.ts';
import { MAX_DRAWDOWN_TERM_DAYS, MAX_OPEN_DRAWDOWNS } from '#domain/terms.ts';
import type { FacilityState } from '#domain/state.ts';
import { COMPRESS_STATE_FROM_BYTES, eventItemBytes, eventToItem, MAX_ITEM_BYTES } from '#ledger/item-codec.ts';
import type { JournalEvent, LedgerStore } from '#ledger/journal.ts';
import { eodShardOf } from '#ledger/schema.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore, uniqueId, wholeJournal } from '../setup/ledger.ts';

const PRODUCT: ProductConfig = { ...DEFAULT_PRODUCT, terms: { ...DEFAULT_PRODUCT.terms, maxOpenDrawdowns: MAX_OPEN_DRAWDOWNS, maxDrawdownTermDays: MAX_DRAWDOWN_TERM_DAYS } };
const LPR = { date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 };
const ctx = (date: string, key: string) => ({ date, idempotencyKey: key, actor: 'channel:test' });
/** After the last drawdown's maturity (2029-01-04): every settlement of every term has its unpaid item. */
const LATE = '2029-03-01';

let app: AppDeps;
let store: LedgerStore;
let facilityId: string;
let before: JournalEvent<FacilityState>;
let events: JournalEvent<FacilityState>[];
let reply: Awaited<ReturnType<typeof repay>>;

beforeAll(async () => {
  const client = ledgerClient();
  store = ledgerStore(client, { tableName: await freshTable(client, 'largestate') });
  app = createAppDeps({ store, runtime: instantRuntime, product: PRODUCT });
  await app.lpr.publish(LPR);
  facilityId = uniqueId('BIG');
  await openFacility(app, { date: '2026-01-05', actor: 'channel:test' }, { facilityId, borrowerId: uniqueId('B'), limitFen: 500_000_000_00, effectiveDate: '2026-01-05', maturityDate: '2029-12-31', spreadBp: 45 });
  for (let i = 0; i < MAX_OPEN_DRAWDOWNS; i++) {
    // 1 000 000.00 + i × 1 234.56 for 1 096 − i days: every drawdown three years, each its own amounts.
    expect((await drawdown(app, facilityId, ctx('2026-01-05', `d${i}`), { amountFen: 1_000_000_00 + i * 1_234_56, termDays: MAX_DRAWDOWN_TERM_DAYS - i })).status).toBe(201);
  }
  // End of day on each settlement day (the 20th), as the nightly run would write them, to February 2029.
  const shard = eodShardOf(facilityId);
  for (let month = 0; month < 38; month++) {
    const date = `${2026 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-20`;
    const step = await runEodRange(app, date, { from: shard, to: shard + 1 });
    expect(step.part, date).toMatchObject({ processed: 1, changed: 1, failures: 0 });
  }
  before = (await store.loadLatest<FacilityState>(facilityId))!;
  reply = await repay(app, facilityId, ctx(LATE, 'late'), { amountFen: 1_000_00 });
  events = await wholeJournal<FacilityState>(store, facilityId);
}, 120_000);

describe('a facility at the product limits, unserviced for three years', () => {
  it('answers the late repayment with 201 after 38 month ends, every item under MAX_ITEM_BYTES', () => {
    expect(reply.status).toBe(201);
    expect(events.filter((e) => e.type === 'EndOfDay').length).toBeGreaterThanOrEqual(38);
    for (const event of events) expect(eventItemBytes(event), `seq ${event.seq}`).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  });

  it('has a state over the item limit as JSON, stored compressed; a small state stays plain JSON', () => {
    const latest = events.at(-1)!;
    const json = Buffer.byteLength(JSON.stringify(latest.state), 'utf8');
    expect(json).toBeGreaterThan(MAX_ITEM_BYTES);
    const item = eventToItem(latest);
    expect(item['state']).toBeUndefined();
    expect(item['stateGzip']?.B?.byteLength).toBeLessThan(json / 5);
    // The facility when it was opened: a few hundred bytes, readable in the console as it is.
    const first = eventToItem(events[0]!);
    expect(Buffer.byteLength(JSON.stringify(events[0]!.state), 'utf8')).toBeLessThan(COMPRESS_STATE_FROM_BYTES);
    expect(first['state']?.S).toBe(JSON.stringify(events[0]!.state));
    expect(first['stateGzip']).toBeUndefined();
  });

  it('reads back exactly the state the commands make: the journal replays', () => {
    let state: FacilityState | null = null;
    for (const event of events) {
      state = applyCommand(state, (event.data as { command: Command }).command).state;
      expect(state, `replay of seq ${event.seq}`).toEqual(event.state);
    }
    const uninterrupted = applyCommand(before.state, (events.at(-1)!.data as { command: Command }).command).state;
    expect(events.at(-1)!.state).toEqual(uninterrupted);
  });

  it('reads go through on it: every drawdown valued, LOSS after more than 360 days past due', async () => {
    const view = await getFacility(app, facilityId, LATE);
    expect(view.drawdowns).toHaveLength(MAX_OPEN_DRAWDOWNS);
    expect(view.classification).toBe('LOSS');
    expect(events.at(-1)!.businessDate).toBe(LATE);
  });

  it('a retry gets its own answer back and writes nothing', async () => {
    const again = await repay(app, facilityId, ctx(LATE, 'late'), { amountFen: 1_000_00 });
    expect(again).toMatchObject({ replayed: true, status: 201, body: reply.body });
  });
});
