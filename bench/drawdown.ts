/**
 * Drawdowns per second through the whole handler against the bare store calls a drawdown needs
 * (the README's Benchmarks targets: ≥ 0.85×), both on one in-memory embedded store, in the same run.
 *
 *   ours      the real `functions/drawdown/handler.ts` export, invoked with an API Gateway proxy
 *             event and a Lambda context: middy, Powertools logger and metrics (their output
 *             counted, not printed), auth, zod, the use-case, the journal, the response.
 *   baseline  the same client doing the three calls of the same shape: the latest event (Query
 *             desc, Limit 1, consistent), the idempotency key (LSI Query, consistent, a miss) and
 *             one conditional PutItem of an item as large as the handler's.
 *
 * Requests go one at a time, so the figure is per-request overhead, not store concurrency.
 *
 * Many facilities, not one with fresh keys: one facility's state grows by a drawdown per request
 * (item size would climb all run long) and refuses the 21st open drawdown. A pool of facilities
 * taken round-robin keeps every facility at 2 – ~10 open drawdowns, the item size steady and the
 * shape the §12 row names (2 queries + 1 put): each facility already has a drawdown, so no request
 * is a borrower's first loan (which adds a write) and, seeded on the benchmark's business date,
 * none has a day to catch up. The baseline writes to twin facilities seeded with copies of the
 * same items, its puts sized to track the handler's items on the twin (seeded size plus what a
 * drawdown adds, per drawdown the handler has made there), so neither side reads or writes bigger
 * items for having sent more requests.
 *
 * The handler runs as deployed: the caller is an IAM role mapped by IAM_PRINCIPALS, LOCAL_DEV is
 * unset (no dev headers, and no response contract check, which LOCAL_DEV would switch on). The
 * business date is fixed by pinning the system clock, the one clock every layer reads, to 10:00 in
 * Asia/Shanghai on BUSINESS_DATE for the run; that also keeps the LPR cache warm throughout.
 */
import { DYNAMODB_ENDPOINT_ENV, IAM_PRINCIPALS_ENV, LOCAL_DEV_ENV, METRICS_NAMESPACE_ENV, SERVICE_NAME_ENV, TABLE_NAME_ENV } from '#config/env.ts';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext, proxyEvent } from '../local/event.ts';
import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { drawdown, openFacility, repay } from '#app/facilities.ts';
import { systemClock } from '#domain/calendar.ts';

import { IDEMPOTENCY_KEY_HEADER } from '#http/idempotency.ts';

import { sharedDynamoClient } from '#ledger/dynamo-client.ts';
import type { Item } from '#ledger/item-codec.ts';
import { INDEX, eventSk, facilityPk, seqFromEventSk } from '#ledger/schema.ts';
import { type BenchContext, type ResultRow, measureRounds, medianRatio, speedFigures } from './harness.ts';
import {
  type BenchStore,
  MemoryJournal,
  captureStdout,
  copyEventItem,
  itemBytes,
  percentile,
  seedingDeps,
  startBenchStore,
  withEnv,
  writeItems,
  latestEventQuery,
} from './ledger-fixture.ts';

/**
 * Full: ~20 s on a shared 2-core machine (seeding ~3 s). `facilities` bounds how many drawdowns
 * each facility takes: at most MAX_DRAWDOWNS_PER_FACILITY, checked before every request.
 */
export const SIZES = {
  full: { facilities: 600, rounds: 15, warmupMs: 800, minSampleMs: 300 },
  quick: { facilities: 40, rounds: 3, warmupMs: 150, minSampleMs: 40 },
} as const;

/** Seeded drawdowns are 2; the product allows 20 open ones; stop well before either matters. */
export const MAX_DRAWDOWNS_PER_FACILITY = 12;
export const BUSINESS_DATE = '2026-02-10';
/** 10:00 in Asia/Shanghai on BUSINESS_DATE. */
export const PINNED_INSTANT = '2026-02-10T02:00:00.000Z';
const OPENED_ON = '2026-01-02';
const FIRST_DRAWN_ON = '2026-01-05';
/** The day after January's settlement (the 20th): interest due is paid, so nothing is in arrears. */
const REPAID_ON = '2026-01-21';
const LIMIT_FEN = 5_000_000_00;
/** Open, drawdown, repayment, drawdown. */
const SEEDED_EVENTS = 4;
const REQUEST_AMOUNT = '5000.00';

const ACCOUNT = '123456789012';
const CHANNEL_ROLE = 'BenchChannel';
const CHANNEL = 'channel:bench-channel';
const CALLER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/${CHANNEL_ROLE}/bench`;
const ROUTE_PATH = '/v1/facilities/{facilityId}/drawdowns';

const UNIT = 'drawdowns/s';

export interface DrawdownPools {
  /** Facilities the handler draws on. */
  handler: string[];
  /** Their twins, holding copies of the same items, for the bare calls. */
  baseline: string[];
  /** Bytes a drawdown adds to a facility's next event item (state and response both grow). */
  growthBytes: number;
  /** Size of the latest seeded item (a same-day drawdown). */
  seededItemBytes: number;
}

/**
 * Pins `systemClock` (the clock handlers, the LPR cache and the journal's recordedAt read) to an
 * instant until the returned function is called.
 */
export function pinSystemClock(instant: string): () => void {
  const original = Object.getOwnPropertyDescriptor(systemClock, 'now')!;
  const at = new Date(instant).getTime();
  systemClock.now = () => new Date(at);
  return () => Object.defineProperty(systemClock, 'now', original);
}

function facilityIdOf(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(5, '0')}`;
}

/**
 * Opens `count` facilities through the real use-cases, each with a drawdown in early January, a
 * repayment the day after January's settlement and a drawdown on the business date; loads the
 * items into the store, and copies under the twin ids. Also measures what one more drawdown adds
 * to an item.
 */
export async function seedPools(bench: BenchStore, count: number, runId: string): Promise<DrawdownPools> {
  const journal = new MemoryJournal();
  const deps = seedingDeps(journal);
  const handler: string[] = [];
  const baseline: string[] = [];
  for (let n = 0; n <= count; n++) {
    // Facility `count` is the probe: two more drawdowns on it measure the per-drawdown growth.
    const facilityId = facilityIdOf(`dd-${runId}`, n);
    const borrowerId = facilityIdOf(`bor-${runId}`, n);
    await openFacility(deps, { date: OPENED_ON, actor: CHANNEL }, { facilityId, borrowerId, limitFen: LIMIT_FEN, effectiveDate: OPENED_ON, maturityDate: '2027-01-02', spreadBp: 45 });
    await drawdown(deps, facilityId, { date: FIRST_DRAWN_ON, idempotencyKey: `seed-1-${n}`, actor: CHANNEL }, { amountFen: 1_000_000_00 + n * 100 });
    await repay(deps, facilityId, { date: REPAID_ON, idempotencyKey: `seed-2-${n}`, actor: CHANNEL }, { amountFen: 20_000_00 });
    await drawdown(deps, facilityId, { date: BUSINESS_DATE, idempotencyKey: `seed-3-${n}`, actor: CHANNEL }, { amountFen: 200_000_00 });
    if (n < count) {
      handler.push(facilityId);
      baseline.push(facilityIdOf(`base-${runId}`, n));
    }
  }
  const probe = facilityIdOf(`dd-${runId}`, count);
  await drawdown(deps, probe, { date: BUSINESS_DATE, idempotencyKey: 'probe-3', actor: CHANNEL }, { amountFen: 5_000_00 });
  await drawdown(deps, probe, { date: BUSINESS_DATE, idempotencyKey: 'probe-4', actor: CHANNEL }, { amountFen: 5_000_00 });
  const probeItems = journal.facilityItems(probe);
  const growthBytes = itemBytes(probeItems.at(-1)!) - itemBytes(probeItems.at(-2)!);
  if (!(growthBytes > 0)) throw new Error(`a drawdown should grow the next event item; measured ${growthBytes} bytes`);

  const items: Item[] = [];
  for (let i = 0; i < handler.length; i++) {
    const own = journal.facilityItems(handler[i]!);
    items.push(...own, ...own.map((item, k) => copyEventItem(item, baseline[i]!, k + 1)));
  }
  await writeItems(bench.client, bench.tableName, items);
  return { handler, baseline, growthBytes, seededItemBytes: itemBytes(journal.facilityItems(handler[0]!).at(-1)!) };
}

function drawdownEvent(facilityId: string, key: string, requestId: string): APIGatewayProxyEvent {
  return proxyEvent({
    method: 'POST',
    path: `/v1/facilities/${facilityId}/drawdowns`,
    resource: ROUTE_PATH,
    headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: key, host: 'api.bench.local' },
    pathParameters: { facilityId },
    body: JSON.stringify({ amount: REQUEST_AMOUNT }),
    identity: { accountId: ACCOUNT, caller: 'AROAEXAMPLE:bench', sourceIp: '10.0.0.1', user: 'AROAEXAMPLE:bench', userAgent: 'bench', userArn: CALLER_ARN },
    requestId,
    requestTimeEpoch: Date.now(),
    stage: 'v1',
    accountId: ACCOUNT,
    apiId: 'bench',
  });
}

function drawdownContext(requestId: string): Context {
  return lambdaContext({ functionName: 'drawdown', requestId, timeoutMs: 10_000, memoryLimitInMB: '512', accountId: ACCOUNT, logStreamName: 'bench' });
}

/** Round-robin over a pool, refusing to give any facility more than MAX_DRAWDOWNS_PER_FACILITY. */
class PoolCursor {
  calls = 0;
  readonly #pool: readonly string[];
  constructor(pool: readonly string[]) {
    this.#pool = pool;
  }
  next(): string {
    if (this.calls >= this.#pool.length * MAX_DRAWDOWNS_PER_FACILITY) {
      throw new Error(`drawdown pool exhausted after ${this.calls} requests: raise SIZES.facilities (${this.#pool.length})`);
    }
    return this.#pool[this.calls++ % this.#pool.length]!;
  }
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface Contenders {
  ours(): Promise<number>;
  baseline(): Promise<number>;
  oursLatencyMs: number[];
  baselineLatencyMs: number[];
  oursCursor: PoolCursor;
  baselineCursor: PoolCursor;
}

export function contenders(handler: Handler, client: DynamoDBClient, tableName: string, pools: DrawdownPools, runId: string): Contenders {
  const oursCursor = new PoolCursor(pools.handler);
  const baselineCursor = new PoolCursor(pools.baseline);
  const oursLatencyMs: number[] = [];
  const baselineLatencyMs: number[] = [];
  /** Drawdowns the handler has sent to pool member `index` so far (the cursors go round-robin). */
  const handlerDrawdownsOn = (index: number): number => {
    const size = pools.handler.length;
    return Math.floor(oursCursor.calls / size) + (index < oursCursor.calls % size ? 1 : 0);
  };
  const recordedAt = new Date().toISOString();

  const ours = async (): Promise<number> => {
    const facilityId = oursCursor.next();
    const requestId = randomUUID();
    const key = `dd-${runId}-${oursCursor.calls}`;
    const started = performance.now();
    const result = await handler(drawdownEvent(facilityId, key, requestId), drawdownContext(requestId));
    oursLatencyMs.push(performance.now() - started);
    if (result.statusCode !== 201) throw new Error(`drawdown handler answered ${result.statusCode}: ${result.body}`);
    return result.statusCode;
  };

  const baseline = async (): Promise<number> => {
    const index = baselineCursor.calls % pools.baseline.length;
    const facilityId = baselineCursor.next();
    const pk = { S: facilityPk(facilityId) };
    const requestId = { S: `key:base-${runId}-${baselineCursor.calls}` };
    const started = performance.now();
    const latest = await client.send(latestEventQuery(tableName, pk));
    const hit = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX.byRequestId,
        KeyConditionExpression: '#pk = :pk AND #rid = :rid',
        ExpressionAttributeNames: { '#pk': 'pk', '#rid': 'requestId' },
        ExpressionAttributeValues: { ':pk': pk, ':rid': requestId },
        Select: 'ALL_PROJECTED_ATTRIBUTES',
        Limit: 2,
        ConsistentRead: true,
      }),
    );
    const item = latest.Items?.[0];
    if (item === undefined || (hit.Items?.length ?? 0) !== 0) throw new Error(`baseline facility ${facilityId}: no latest event, or the fresh key was found`);
    const seq = seqFromEventSk(item['sk']!.S!) + 1;
    // Sized to the handler's twin facility: its latest item grown by half a drawdown, so the bare
    // calls read half a drawdown more than the handler reads and write half a drawdown less than it
    // writes (it reads its own last put), the same bytes on average.
    const state = item['state']!.S!.trimEnd() + ' '.repeat(Math.round(pools.growthBytes * (handlerDrawdownsOn(index) + 0.5)));
    const next: Item = { ...item, sk: { S: eventSk(seq) }, requestId, recordedAt: { S: recordedAt }, state: { S: state } };
    await client.send(new PutItemCommand({ TableName: tableName, Item: next, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }));
    baselineLatencyMs.push(performance.now() - started);
    return 201;
  };

  return { ours, baseline, oursLatencyMs, baselineLatencyMs, oursCursor, baselineCursor };
}

/** Every request appended exactly one event, dated BUSINESS_DATE: each facility's latest event tells. */
async function countAppended(client: DynamoDBClient, tableName: string, pool: readonly string[], seeded: number): Promise<{ events: number; meanItemBytes: number }> {
  let events = 0;
  let bytes = 0;
  for (const facilityId of pool) {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': { S: facilityPk(facilityId) } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items![0]!;
    if (item['businessDate']?.S !== BUSINESS_DATE) throw new Error(`${facilityId}: latest event is dated ${item['businessDate']?.S}, not the pinned ${BUSINESS_DATE}`);
    events += seqFromEventSk(item['sk']!.S!) - seeded;
    bytes += itemBytes(item);
  }
  return { events, meanItemBytes: bytes / pool.length };
}

const ms = (value: unknown) => `${(value as number).toFixed(2)} ms`;

function latencyFigures(all: readonly number[], timedCalls: number): { p50Ms: number; p99Ms: number; requestsTimed: number } {
  const timed = all.slice(-timedCalls);
  return { p50Ms: percentile(timed, 50), p99Ms: percentile(timed, 99), requestsTimed: timed.length };
}

export async function run(context: BenchContext): Promise<ResultRow[]> {
  const size = context.quick ? SIZES.quick : SIZES.full;
  const runId = randomUUID().slice(0, 8);
  const bench = await startBenchStore();
  const restoreEnv = withEnv({
    [LOCAL_DEV_ENV]: '',
    [IAM_PRINCIPALS_ENV]: JSON.stringify({ [`arn:aws:iam::${ACCOUNT}:role/${CHANNEL_ROLE}`]: CHANNEL }),
    [DYNAMODB_ENDPOINT_ENV]: bench.endpoint,
    [TABLE_NAME_ENV]: bench.tableName,
    [METRICS_NAMESPACE_ENV]: 'CreditServiceBench',
    [SERVICE_NAME_ENV]: 'credit-service',
  });
  const restoreClock = pinSystemClock(PINNED_INSTANT);
  const captured = captureStdout();
  let output: { bytes: number; lines: number } | undefined;
  try {
    let started = performance.now();
    const pools = await seedPools(bench, size.facilities, runId);
    context.log(
      `drawdown: ${pools.handler.length} + ${pools.baseline.length} facilities seeded in ${(performance.now() - started).toFixed(0)} ms ` +
        `(latest item ${pools.seededItemBytes} B, +${pools.growthBytes} B per drawdown)`,
    );
    // Imported only now: a handler reads its environment at init. Cached across runs in one process;
    // its deps follow the environment (functions/wiring.ts), so the next run's requests find the next run's store.
    const { handler } = (await import('../functions/drawdown/handler.ts')) as { handler: Handler };
    const c = contenders(handler, sharedDynamoClient({ target: 'local', endpoint: bench.endpoint }), bench.tableName, pools, runId);

    started = performance.now();
    const samples = await measureRounds(
      { ours: { ops: 1, run: c.ours }, baseline: { ops: 1, run: c.baseline } },
      { rounds: size.rounds, warmupMs: size.warmupMs, minSampleMs: size.minSampleMs, log: context.log },
    );
    context.log(`drawdown: measured in ${(performance.now() - started).toFixed(0)} ms`);

    const appended = await countAppended(bench.client, bench.tableName, pools.handler, SEEDED_EVENTS);
    const appendedBase = await countAppended(bench.client, bench.tableName, pools.baseline, SEEDED_EVENTS);
    if (appended.events !== c.oursCursor.calls || appendedBase.events !== c.baselineCursor.calls) {
      throw new Error(`events appended (${appended.events} handler, ${appendedBase.events} bare) differ from requests sent (${c.oursCursor.calls}, ${c.baselineCursor.calls})`);
    }
    output = captured.restore();
    const ours = speedFigures('functions/drawdown/handler.ts, sequential requests', UNIT, samples.ours!, {
      ...latencyFigures(c.oursLatencyMs, size.rounds * samples.ours!.batch),
      requests: c.oursCursor.calls,
      meanItemBytes: Math.round(appended.meanItemBytes),
      logBytesPerRequest: Math.round(output.bytes / c.oursCursor.calls),
      logLinesPerRequest: Number((output.lines / c.oursCursor.calls).toFixed(2)),
    });
    const baseline = speedFigures('bare SDK: Query latest + LSI Query + conditional PutItem', UNIT, samples.baseline!, {
      ...latencyFigures(c.baselineLatencyMs, size.rounds * samples.baseline!.batch),
      requests: c.baselineCursor.calls,
      meanItemBytes: Math.round(appendedBase.meanItemBytes),
    });
    const roundRatios = samples.ours!.opsPerSec.map((v, i) => v / samples.baseline!.opsPerSec[i]!);
    return [
      {
        id: 'drawdown-vs-store',
        title: 'drawdown through the whole handler vs the bare store calls it needs (2 queries + 1 put)',
        ratio: medianRatio(samples.ours!.opsPerSec, samples.baseline!.opsPerSec),
        target: 0.85,
        ours,
        baseline,
        details: {
          facilities: pools.handler.length,
          businessDate: BUSINESS_DATE,
          seededItemBytes: pools.seededItemBytes,
          growthBytesPerDrawdown: pools.growthBytes,
          config: 'as deployed: IAM caller via IAM_PRINCIPALS, LOCAL_DEV unset (no response check); system clock pinned to the business date',
          appendedEventsChecked: appended.events + appendedBase.events,
          roundRatios,
        },
        notes: [
          `latency p50 / p99: handler ${ms(ours['p50Ms'])} / ${ms(ours['p99Ms'])}, bare calls ${ms(baseline['p50Ms'])} / ${ms(baseline['p99Ms'])} ` +
            `(timed requests only; ${pools.handler.length} facilities, items ${pools.seededItemBytes} B + ${pools.growthBytes} B per drawdown)`,
        ],
      },
    ];
  } finally {
    output ??= captured.restore();
    restoreClock();
    restoreEnv();
    await bench.stop();
  }
}
