/**
 * Time-budgeted end of day: an invocation stops paging when its Lambda context says its time runs
 * low (EOD_TIME_MARGIN_MS), hands back its part and cursor, and the next invocation goes on from
 * there, as the state machine's loop calls it. Here an injected clock runs out every second page.
 * The combined result must equal one uninterrupted run over a twin of the same book; a retry
 * after a crash must resume from the last cursor handed back, not from the range's first page.
 *
 * The book: 230 facilities in index partition 0 (shards 0..63: three pages of 100 in one segment),
 * 40 spread over the others, and 3 opened before fine-grained shards (SHARD#<fnv mod 16>, sort key
 * FAC#<id>), all with a drawdown, on their settlement day (2026-01-20): every one of them changes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { EOD_BORROWERS_PER_ITEM, EOD_PAGE_SIZE, EOD_TIME_MARGIN_MS, eodRanges, mergeBorrowers, runEod, runEodRange, type EodPart, type EodTaskOutput } from '#app/eod.ts';
import { emptyPart as emptyBorrowerPart } from '#domain/policy.ts';
import { drawdown, openFacility } from '#app/facilities.ts';
import { fixedClock } from '#domain/calendar.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { Logger } from '#http/observability.ts';
import { EOD_SHARD_COUNT, eodShardOf, fnv1a32 } from '#ledger/schema.ts';
import { LPR_FIXINGS, MemoryJournal, seedingDeps, writeItems } from '../../bench/ledger-fixture.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore } from '../setup/ledger.ts';
import { lambdaContext } from '../../local/event.ts';

const DATE = '2026-01-20';
const CHANNEL = 'channel:test';
const LEGACY = ['OLD-1', 'OLD-2', 'OLD-3'];
/** The shard function's timeout; each page "takes" 250 s of it, so the second check finds 100 s left (< the margin). */
const TIMEOUT_MS = 600_000;
const PAGE_MS = 250_000;

/** A Lambda context whose clock advances PAGE_MS with every page the invocation reads (`pages()` counts them). */
function shardContext(pages: () => number): Context {
  const atStart = pages();
  return lambdaContext({ functionName: 'eod-shard', requestId: 'sfn-task', remainingMs: () => TIMEOUT_MS - PAGE_MS * (pages() - atStart) });
}

/** Facilities whose shard lies in index partition 0 (shards 0..63): one segment, paged 100 at a time. */
const inPartition0 = () => book.ids.filter((id) => eodShardOf(id) < 64).length;

function idsIn(partition: number, count: number): string[] {
  const ids: string[] = [];
  for (let n = 0; ids.length < count; n++) {
    const id = `P${partition}-${String(n).padStart(6, '0')}`;
    if (Math.floor(eodShardOf(id) / 64) === partition) ids.push(id);
  }
  return ids;
}

/** Every facility's items, seeded once through the real use-cases in memory. */
async function bookItems() {
  const journal = new MemoryJournal();
  const deps = seedingDeps(journal);
  const ids = [...idsIn(0, 230), ...Array.from({ length: 40 }, (_, n) => `SPREAD-${n}`), ...LEGACY];
  for (const [n, facilityId] of ids.entries()) {
    await openFacility(deps, { date: '2026-01-01', actor: CHANNEL }, { facilityId, borrowerId: `B-${n}`, limitFen: 2_000_000_00, effectiveDate: '2026-01-01', maturityDate: '2026-12-31', spreadBp: 45 });
    await drawdown(deps, facilityId, { date: '2026-01-05', idempotencyKey: 'd', actor: CHANNEL }, { amountFen: (10_000 + n * 100) * 100 });
  }
  return { ids, items: journal.items() };
}

const client = ledgerClient();
let book: Awaited<ReturnType<typeof bookItems>>;

/** A table of its own holding the book; the legacy facilities' index entries rewritten as releases of 16 shards wrote them. */
async function bookTable(prefix: string): Promise<AppDeps> {
  const tableName = await freshTable(client, prefix);
  await writeItems(client, tableName, book.items);
  for (const id of LEGACY) {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: `FAC#${id}` }, sk: { S: 'EV#0000000001' } },
        UpdateExpression: 'SET gsi2pk = :pk, gsi2sk = :sk',
        ExpressionAttributeValues: { ':pk': { S: `SHARD#${fnv1a32(id) % 16}` }, ':sk': { S: `FAC#${id}` } },
      }),
    );
  }
  const deps = createAppDeps({ store: ledgerStore(client, { tableName }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
  for (const fixing of LPR_FIXINGS) await deps.store.putLprFixing(fixing);
  return deps;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;
let createShardHandler: typeof import('../../functions/eod-shard/handler.ts').createHandler;
let createReportHandler: typeof import('../../functions/eod-report/handler.ts').createHandler;
const silent = new Logger({ logLevel: 'SILENT' });
/** The eod-shard function as Lambda runs it, on this test's deps (so the test can watch their store). */
const shardFunction = (deps: AppDeps): Handler => createShardHandler({ deps: () => deps, timeoutEarlyInMillis: 0, logger: silent }) as Handler;

beforeAll(async () => {
  book = await bookItems();
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  createShardHandler = (await import('../../functions/eod-shard/handler.ts')).createHandler;
  createReportHandler = (await import('../../functions/eod-report/handler.ts')).createHandler;
}, 60_000);
afterAll(() => {
  vi.unstubAllEnvs();
});

describe('an invocation that runs low on time hands back its cursor, and the next goes on from it', () => {
  it('four ranges, each a chain of invocations of two pages: the report equals one uninterrupted run of a twin book', { timeout: 60_000 }, async () => {
    const uninterrupted = await runEod(await bookTable('eod-whole'), DATE);
    expect(uninterrupted).toMatchObject({ processed: 273, changed: 273, failures: 0, shards: EOD_SHARD_COUNT });
    expect(uninterrupted.totals.facilities).toBe(273);

    const deps = await bookTable('eod-chained');
    const shardHandler = shardFunction(deps);
    const list = vi.spyOn(deps.store, 'listFacilitiesByShards');
    const run = 'nightly-chained';
    const outputs: EodTaskOutput[] = [];
    for (const range of eodRanges(4)) {
      // As the state machine's loop does: the first call gets the range, every next call the last answer as it stands.
      let input: unknown = { scheduledTime: '2026-01-20T16:30:00Z', run, ...range };
      let goOnFrom: EodTaskOutput['next'];
      for (let call = 0; ; call++) {
        expect(call, 'a range that never finishes').toBeLessThan(20);
        const pagesBefore = list.mock.calls.length;
        const out = (await shardHandler(input, shardContext(() => list.mock.calls.length))) as EodTaskOutput;
        outputs.push(out);
        const pages = list.mock.calls.slice(pagesBefore);
        // Its first page is exactly where the previous invocation said to go on.
        if (goOnFrom !== undefined) expect([pages[0]![0].from, pages[0]![1]?.cursor]).toEqual([goOnFrom.shard, goOnFrom.cursor]);
        if (out.next === undefined) {
          expect(pages.length).toBeLessThanOrEqual(2);
          break;
        }
        // Ran low after its second page: 600 s − 2 × 250 s = 100 s left, under the margin (150 s).
        expect(pages).toHaveLength(2);
        expect(TIMEOUT_MS - PAGE_MS).toBeGreaterThanOrEqual(EOD_TIME_MARGIN_MS);
        expect(TIMEOUT_MS - 2 * PAGE_MS).toBeLessThan(EOD_TIME_MARGIN_MS);
        // What travels to the next invocation: the range, the cursor and the part so far, a few KB.
        expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThan(8 * 1024);
        goOnFrom = out.next;
        input = out;
      }
    }
    // Some invocation stopped inside a segment (a page cursor), some between segments.
    expect(outputs.some((o) => o.next?.cursor !== undefined)).toBe(true);
    expect(outputs.some((o) => o.next !== undefined && o.next.cursor === undefined)).toBe(true);
    expect(outputs.length).toBeGreaterThan(4);
    // Partition 0 held three pages (2 × 100 + the rest), the last one in a continued invocation.
    expect(inPartition0()).toBeGreaterThan(2 * EOD_PAGE_SIZE);
    expect(list.mock.calls.filter(([shards]) => shards.from === 0)).toHaveLength(3);

    const reportHandler = createReportHandler({ deps: () => deps, clock: fixedClock('2026-01-20T16:40:00Z'), timeoutEarlyInMillis: 0, logger: silent });
    await reportHandler({ date: DATE, startedAt: '2026-01-20T16:30:00.000Z', run }, shardContext(() => 0));
    expect(await deps.store.getEodReport(DATE)).toEqual(uninterrupted);
    // The borrowers' sums went to items of their own (bounded by EOD_BORROWERS_PER_ITEM), as many as each part counts.
    const parts = await deps.store.listEodParts(DATE, run);
    const items = await deps.store.listEodBorrowers(DATE, run);
    for (const p of parts) expect(items.filter((i) => i.from === p.from)).toHaveLength(p.borrowerChunks);
    expect(items.every((i) => i.borrowers.length <= EOD_BORROWERS_PER_ITEM)).toBe(true);
    expect(items.reduce((n, i) => n + i.borrowers.length, 0)).toBe(273); // one borrower a facility
    // An item a crashed attempt wrote past its range's count is not read; a missing one is an error, not a short report.
    const stray = { ...emptyBorrowerPart('B-STRAY'), balanceFen: 1_000_00 };
    await deps.store.putEodBorrowers(run, { date: DATE, from: parts[0]!.from, index: parts[0]!.borrowerChunks, borrowers: [stray] });
    await reportHandler({ date: DATE, startedAt: '2026-01-20T16:30:00.000Z', run }, shardContext(() => 0));
    expect(await deps.store.getEodReport(DATE)).toEqual(uninterrupted);
    await deps.store.putEodPart(run, { ...parts[0]!, borrowerChunks: parts[0]!.borrowerChunks + 2 });
    await expect(reportHandler({ date: DATE, startedAt: '2026-01-20T16:30:00.000Z', run }, shardContext(() => 0))).rejects.toThrow(/kept \d+ borrower items, \d+ found/);
    // Every facility settled exactly once, the legacy ones too.
    for (const id of [...LEGACY, book.ids[0]!, book.ids[229]!, book.ids[272]!]) {
      expect((await deps.store.listEvents(id, { limit: 10 })).items.map((e) => e.type), id).toEqual(['FacilityOpened', 'DrawdownMade', 'EndOfDay']);
    }
  });

  it('a retry after a crash resumes from the last cursor handed back, not from the range’s first page', { timeout: 60_000 }, async () => {
    const range = { from: 0, to: 256 };
    const { part: whole, borrowers: wholeBorrowers } = await runEodRange(await bookTable('eod-crash-twin'), DATE, range);

    const deps = await bookTable('eod-crash');
    const shardHandler = shardFunction(deps);
    const run = 'nightly-crash';
    const real = deps.store.listFacilitiesByShards.bind(deps.store);
    const list = vi.spyOn(deps.store, 'listFacilitiesByShards');
    const pages = () => list.mock.calls.length;
    // First invocation: two pages of partition 0, then it runs low and hands back its cursor.
    const first = (await shardHandler({ date: DATE, run, ...range }, shardContext(pages))) as EodTaskOutput;
    expect(list.mock.calls.map(([shards]) => shards.from)).toEqual([0, 0]);
    expect(first.part.processed).toBe(200);
    expect(first.next).toMatchObject({ shard: 0, cursor: expect.any(String) });
    const firstProcessed = first.part.processed;

    // Second invocation: its first page (the rest of partition 0) goes through, then the Lambda dies.
    list.mockReset();
    let calls = 0;
    list.mockImplementation(async (...args) => {
      calls++;
      if (calls === 2) throw new Error('Lambda died here');
      return real(...args);
    });
    await expect(shardHandler(first, shardContext(pages))).rejects.toThrow('Lambda died here');
    list.mockReset();
    list.mockImplementation(real);

    // Step Functions retries the task with the same input, the crashed invocation's: `first`.
    let out = (await shardHandler(first, shardContext(pages))) as EodTaskOutput;
    expect(list.mock.calls[0]).toEqual([{ from: 0, to: 64 }, { limit: EOD_PAGE_SIZE, cursor: first.next!.cursor }]);
    while (out.next !== undefined) out = (await shardHandler(out, shardContext(pages))) as EodTaskOutput;
    // Nothing was missed or counted twice: each facility processed and valued once, as in one uninterrupted pass.
    expect({ processed: out.part.processed, failures: out.part.failures, totals: out.part.totals }).toEqual({ processed: whole.processed, failures: 0, totals: whole.totals });
    // The facilities of the page the crashed invocation had settled are counted as unchanged by the
    // retry (it finds them settled): `changed` counts what this run's surviving invocations wrote.
    const redone = inPartition0() - firstProcessed;
    expect(redone).toBeGreaterThan(0);
    expect(out.part.changed).toBe(whole.changed - redone);
    expect(await deps.store.listEodParts(DATE, run)).toEqual([out.part]);
    // The borrowers the surviving invocations kept are those of one uninterrupted pass, each once.
    const kept = (await deps.store.listEodBorrowers(DATE, run)).filter((i) => i.index < out.part.borrowerChunks).flatMap((i) => i.borrowers);
    expect(mergeBorrowers(kept)).toEqual(mergeBorrowers(wholeBorrowers));
  });
});

describe('a part handed back in', () => {
  it('is not changed by the invocation that goes on from it (a retry starts from the same one)', async () => {
    const deps = await bookTable('eod-immutable');
    const budget = { remainingMs: () => 0 };
    const first = await runEodRange(deps, '2026-01-19', { from: 0, to: 64 }, { budget });
    const copy = structuredClone(first.part) as EodPart;
    const second = await runEodRange(deps, '2026-01-19', { from: 0, to: 64 }, { budget, resume: { part: first.part, next: first.next! } });
    expect(first.part).toEqual(copy);
    expect(second.part.processed).toBe(200);
  });
});
