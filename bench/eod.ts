/**
 * End of day on an ordinary day against a bare paged read of the same facilities (the README's Benchmarks targets:
 * ≥ 0.8×), both on one in-memory embedded store, in the same run.
 *
 *   ours      shared/app/eod.ts: facility ids paged from the EOD-shard index, each facility's latest
 *             event loaded (EOD_CONCURRENCY at a time), valued, and put through the EndOfDay
 *             transition, which on an ordinary day yields no event: reads and valuation only.
 *   baseline  the same reads through the same client configuration, nothing decoded: the index
 *             page by page (EOD_PAGE_SIZE), and each id's latest event (Query desc, Limit 1,
 *             consistent) with the same EOD_CONCURRENCY workers per page.
 *
 * First one whole `runEod` (untimed) proves the day ordinary: every facility processed and valued,
 * none changed, none failed. The timing then runs range by range, `runEodRange` (what `runEod`
 * loops over, and what each invocation of the nightly Step Functions map runs) against the bare
 * read of the same range's shards, cycling through 16 ranges of 64 of the 1 024 shards (one index
 * partition each). The seeded
 * ids fill every range equally, so each call is the same amount of work, and samples of ~half a
 * second pair far better on a shared machine than whole 4-second end-of-day runs would.
 *
 * The portfolio: facilities opened on 2026-01-02, 0–3 drawdowns in January, January's interest
 * (settled on the 20th) repaid on the 21st, and in early February a later drawdown or a small repayment
 * (past the January month end, whose accrual is then booked), so states were last touched on different days. 2026-02-10 is then ordinary for all of them: no settlement, maturity,
 * overdue transition, repricing or classification change between their last event and its end.
 */
import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { EOD_CONCURRENCY, EOD_LOCAL_GROUPS, EOD_PAGE_SIZE, eodRanges, runEod, runEodRange, segmentsOf, type EodPart, type EodRange, type EodReport } from '#app/eod.ts';
import { drawdown, openFacility, repay } from '#app/facilities.ts';
import { addDays } from '#domain/calendar.ts';
import type { FacilityState } from '#domain/state.ts';
import { payableOn, payoffOf, sumAmounts } from '#domain/valuation.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { createDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { systemRuntime } from '#ledger/runtime.ts';
import { EOD_SHARD_COUNT, INDEX, SHARDS_PER_PARTITION, eodShardOf, shardIndexFloor, shardPartitionKey } from '#ledger/schema.ts';

/** The ranges timed one by one: as many as the local runner pages in turn, 64 fine shards each. */
export const RANGES: readonly EodRange[] = eodRanges(EOD_LOCAL_GROUPS);
import { type BenchContext, type ResultRow, median, measureRounds, medianRatio, seededRandom, speedFigures } from './harness.ts';
import { MemoryJournal, latestEventQuery, seedingDeps, startBenchStore, writeItems } from './ledger-fixture.ts';

/**
 * Full: ~45 s on a shared 2-core machine (seeding ~5 s). `facilities` is a multiple of the 16 ranges.
 * 24 rounds: one round's ratio ranges 0.5–1.3× on that machine. More rounds do not move the median;
 * they did not steady it much either (runs still differ by ±0.06: each run seeds its own ids, and
 * the store and the heap differ run to run), see docs/reporting.md.
 */
export const SIZES = {
  full: { facilities: 2_000, rounds: 24, warmupMs: 400, minSampleMs: 400 },
  quick: { facilities: 160, rounds: 3, warmupMs: 0, minSampleMs: 0 },
} as const;

export const EOD_DATE = '2026-02-10';
const OPENED_ON = '2026-01-02';
const CHANNEL = 'channel:bench-channel';
const UNIT = 'facilities/s';

export interface Portfolio {
  facilities: number;
  /** Facilities with at least one drawdown outstanding. */
  drawn: number;
  events: number;
}

/**
 * Seeds `count` facilities through the real use-cases (see ledger-fixture.ts) in memory: the journal
 * holds the very items the store would, for writeItems. Deterministic: a seeded PRNG picks
 * drawdowns, amounts and dates.
 */
export async function seedJournal(count: number, runId: string): Promise<{ journal: MemoryJournal; ids: string[]; portfolio: Portfolio }> {
  const journal = new MemoryJournal();
  const deps = seedingDeps(journal);
  const random = seededRandom(20260210);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  if (count % RANGES.length !== 0) throw new RangeError(`facilities must be a multiple of the ${RANGES.length} ranges, not ${count}`);
  let drawn = 0;
  const ids = equalShardIds(`eod-${runId}`, count);
  for (const [n, facilityId] of ids.entries()) {
    const borrowerId = `bor-${runId}-${String(n).padStart(5, '0')}`;
    const limitFen = int(10, 500) * 10_000_00;
    await openFacility(deps, { date: OPENED_ON, actor: CHANNEL }, { facilityId, borrowerId, limitFen, effectiveDate: OPENED_ON, maturityDate: '2027-01-02', spreadBp: int(0, 120) });
    const ctx = (date: string, key: string) => ({ date, idempotencyKey: key, actor: CHANNEL });
    // A tenth stay undrawn; the rest draw 1–3 times before the settlement on the 20th.
    const drawdowns = random() < 0.1 ? 0 : int(1, 3);
    let outstandingFen = 0;
    const dates = Array.from({ length: drawdowns }, () => addDays('2026-01-05', int(0, 14))).sort();
    for (let k = 0; k < drawdowns; k++) {
      const amountFen = Math.floor(((limitFen / 4) * (0.2 + random() * 0.8)) / 100) * 100;
      await drawdown(deps, facilityId, ctx(dates[k]!, `d${k}`), { amountFen });
      outstandingFen += amountFen;
    }
    if (drawdowns > 0) {
      drawn++;
      // Pays January's settled interest (due the 21st) and some principal: nothing is in arrears.
      await repay(deps, facilityId, ctx('2026-01-21', 'r1'), { amountFen: Math.min(outstandingFen, Math.ceil(outstandingFen * 0.01 / 100) * 100 + 10_000_00) });
    }
    // Some draw again, the others with a loan repay 100.00, between the month end and the EOD date: every state
    // has had January's month-end accrual (计提), and last-event dates spread over the nine days before it.
    if (random() < 0.3) {
      await drawdown(deps, facilityId, ctx(addDays('2026-02-01', int(0, 8)), 'd9'), { amountFen: Math.floor(limitFen / 10 / 100) * 100 });
      if (drawdowns === 0) drawn++;
    } else if (drawdowns > 0) {
      const date = addDays('2026-02-01', int(0, 8));
      const latest = await deps.store.loadLatest<FacilityState>(facilityId);
      const payable = payoffOf(sumAmounts(payableOn(latest!.state, date)));
      if (payable > 0) await repay(deps, facilityId, ctx(date, 'r2'), { amountFen: Math.min(100_00, payable) });
    }
  }
  return { journal, ids, portfolio: { facilities: count, drawn, events: journal.items().length } };
}

/** The range of RANGES a shard falls in. */
export function rangeOfShard(shard: number): number {
  return RANGES.findIndex((r) => shard >= r.from && shard < r.to);
}

/** `count` facility ids, count / 16 in each range of RANGES (ids landing in a full range are skipped). */
export function equalShardIds(prefix: string, count: number): string[] {
  const perShard = count / RANGES.length;
  const filled = new Array<number>(RANGES.length).fill(0);
  const ids: string[] = [];
  // Bounded: a 32-bit hash spreads ids evenly, so a few times `count` candidates always suffice.
  for (let n = 0; ids.length < count; n++) {
    if (n >= count * 10) throw new Error(`could not spread ${count} ids evenly over the shards`);
    const id = `${prefix}-${String(n).padStart(6, '0')}`;
    const shard = rangeOfShard(eodShardOf(id));
    if (filled[shard]! < perShard) {
      filled[shard]! += 1;
      ids.push(id);
    }
  }
  return ids;
}

export function eodDeps(client: DynamoDBClient, tableName: string): AppDeps {
  return createAppDeps({ store: new DynamoLedgerStore({ client, tableName, runtime: systemRuntime }), runtime: systemRuntime, product: DEFAULT_PRODUCT });
}

/** runEod, refusing a day that is not ordinary: any event written or any facility failed. */
export async function ordinaryEod(deps: AppDeps, date: string, expected: number): Promise<EodReport> {
  const report = await runEod(deps, date);
  if (report.changed !== 0 || report.failed.length !== 0 || report.processed !== expected) {
    throw new Error(
      `end of day ${date} was not ordinary: ${report.processed}/${expected} processed, ${report.changed} changed ` +
        `(${JSON.stringify(report.eventsByType)}), ${report.failed.length} failed (${JSON.stringify(report.failed.slice(0, 3))})`,
    );
  }
  return report;
}

/** runEodRange, refusing a range whose day is not ordinary. */
export async function ordinaryEodRange(deps: AppDeps, date: string, range: EodRange, expected: number): Promise<EodPart> {
  const { part } = await runEodRange(deps, date, range);
  if (part.changed !== 0 || part.failed.length !== 0 || part.processed !== expected) {
    throw new Error(`end of day ${date}, shards [${range.from}, ${range.to}), was not ordinary: ${part.processed}/${expected} processed, ${part.changed} changed, ${part.failed.length} failed`);
  }
  return part;
}

/** The bare read of every range in turn. Returns items read. */
export async function bareRead(client: DynamoDBClient, tableName: string): Promise<number> {
  let read = 0;
  for (const range of RANGES) read += await bareReadRange(client, tableName, range);
  return read;
}

/**
 * The bare read of a range: its ids from the shard index, segment by segment (one Query per page,
 * as the store's listFacilitiesByShards asks), and each facility's latest event, nothing decoded.
 */
export async function bareReadRange(client: DynamoDBClient, tableName: string, range: EodRange): Promise<number> {
  let read = 0;
  for (const segment of segmentsOf(range)) {
    const last = segment.to % SHARDS_PER_PARTITION === 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byShard,
          KeyConditionExpression: last ? '#gpk = :gpk AND #gsk >= :lo' : '#gpk = :gpk AND #gsk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#gpk': 'gsi2pk', '#gsk': 'gsi2sk' },
          ExpressionAttributeValues: { ':gpk': { S: shardPartitionKey(segment.from) }, ':lo': { S: shardIndexFloor(segment.from) }, ...(last ? {} : { ':hi': { S: shardIndexFloor(segment.to) } }) },
          Limit: EOD_PAGE_SIZE,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const pks = (page.Items ?? []).map((item) => item['pk']!);
      const workers = Array.from({ length: Math.min(EOD_CONCURRENCY, pks.length) }, async () => {
        for (let pk = pks.shift(); pk !== undefined; pk = pks.shift()) {
          const out = await client.send(latestEventQuery(tableName, pk));
          if (out.Items?.length !== 1) throw new Error(`no latest event for ${pk.S}`);
          read++;
        }
      });
      await Promise.all(workers);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
  return read;
}

export async function run(context: BenchContext): Promise<ResultRow[]> {
  const size = context.quick ? SIZES.quick : SIZES.full;
  const runId = Math.floor(performance.now() * 1000).toString(36);
  let started = performance.now();
  // Seeded in memory before the store starts: a client idle through seconds of seeding finds its kept-alive socket closed (ECONNRESET).
  const { journal, portfolio } = await seedJournal(size.facilities, runId);
  const bench = await startBenchStore();
  // One client per contender, configured as a function's (dynamo-client.ts): neither queues behind the other.
  const oursClient = createDynamoClient({ target: 'local', endpoint: bench.endpoint });
  const bareClient = createDynamoClient({ target: 'local', endpoint: bench.endpoint });
  try {
    await writeItems(bench.client, bench.tableName, journal.items());
    context.log(`eod: ${portfolio.facilities} facilities (${portfolio.drawn} drawn, ${portfolio.events} events) seeded in ${(performance.now() - started).toFixed(0)} ms`);
    const deps = eodDeps(oursClient, bench.tableName);
    const perShard = portfolio.facilities / RANGES.length;

    started = performance.now();
    const report = await ordinaryEod(deps, EOD_DATE, portfolio.facilities);
    if (report.totals.facilities !== portfolio.facilities) throw new Error(`runEod valued ${report.totals.facilities} of ${portfolio.facilities} facilities`);
    if ((await bareRead(bareClient, bench.tableName)) !== portfolio.facilities) throw new Error('the bare read missed facilities');
    context.log(`eod: runEod ${EOD_DATE} checked ordinary (${report.processed} processed, 0 changed, 0 failed) in ${(performance.now() - started).toFixed(0)} ms`);

    const cycle = () => {
      let next = 0;
      return () => RANGES[next++ % RANGES.length]!;
    };
    const oursShard = cycle();
    const bareShard = cycle();
    started = performance.now();
    const samples = await measureRounds(
      {
        ours: { ops: perShard, run: async () => (await ordinaryEodRange(deps, EOD_DATE, oursShard(), perShard)).processed },
        baseline: { ops: perShard, run: () => bareReadRange(bareClient, bench.tableName, bareShard()) },
      },
      { rounds: size.rounds, warmupMs: size.warmupMs, minSampleMs: size.minSampleMs, log: context.log },
    );
    context.log(`eod: measured in ${(performance.now() - started).toFixed(0)} ms`);
    const totals = report.totals;
    const ours = speedFigures('runEodRange, range by range (ordinary day: reads, valuation, EndOfDay transition)', UNIT, samples.ours!, {
      facilities: portfolio.facilities,
      facilitiesPerShard: perShard,
      secondsPerEod: portfolio.facilities / median(samples.ours!.opsPerSec),
    });
    const baseline = speedFigures('bare paged read: shard index Query + latest-event Query per facility', UNIT, samples.baseline!, {
      facilities: portfolio.facilities,
      facilitiesPerShard: perShard,
      secondsPerEod: portfolio.facilities / median(samples.baseline!.opsPerSec),
    });
    return [
      {
        id: 'eod-vs-read',
        title: 'end of day (ordinary day) vs a bare paged read of the same facilities',
        ratio: medianRatio(samples.ours!.opsPerSec, samples.baseline!.opsPerSec),
        target: 0.8,
        ours,
        baseline,
        details: {
          date: EOD_DATE,
          shards: EOD_SHARD_COUNT,
          ranges: RANGES.length,
          concurrency: EOD_CONCURRENCY,
          pageSize: EOD_PAGE_SIZE,
          portfolio,
          checkedRun: { processed: report.processed, changed: report.changed, failed: report.failed.length },
          valued: totals.facilities,
          principalOutstandingFen: totals.principalOutstandingFen,
          accruedInterestFen: totals.accruedInterestFen,
          roundRatios: samples.ours!.opsPerSec.map((v, i) => v / samples.baseline!.opsPerSec[i]!),
        },
      },
    ];
  } finally {
    oursClient.destroy();
    bareClient.destroy();
    await bench.stop();
  }
}

