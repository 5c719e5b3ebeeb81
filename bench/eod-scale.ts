/**
 * The end-of-day scale model (`npm run bench -- --eod-scale`, JSON row `eod-scale`): what one
 * facility costs end of day, measured here, projected to 1 M and 10 M facilities on DynamoDB.
 *
 * Measured on the local store, per facility, for three days of the same book in order: an ordinary
 * day (2026-02-10), a settlement day (2026-02-20: interest settles on every drawn line) and a month
 * end (2026-02-28): the table reads end of day sends (Query requests and the read units their items
 * cost), the bytes it reads (the state items), the writes (PutItem and write units), and the CPU
 * time of the work that is ours (decoding the state, valuation, the EndOfDay transition, encoding
 * an event), timed on an in-memory journal so the embedded store's own CPU is not counted.
 *
 * Projected with the configured run (infra/eod-config.ts: ranges, concurrency; the function's
 * timeout, memory and time margin) and the ASSUMPTIONS below (DynamoDB latencies, Lambda CPU per MB,
 * SDK CPU per request, on-demand list prices): the run's wall time, read and write units per day,
 * the monthly cost, the longest invocation as a share of its timeout, and the table capacity and
 * concurrency the run needs — beside the alternative that writes every facility's accrual every
 * night (Fineract-style COB: the same reads plus one event per facility per night).
 */
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { EOD_CONCURRENCY, EOD_PAGE_SIZE, EOD_TIME_MARGIN_MS, runEod, runEodRange } from '#app/eod.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { createDynamoClient } from '#ledger/dynamo-client.ts';
import type { Item } from '#ledger/item-codec.ts';
import type { LedgerStore, Page, PageRequest, ShardRange } from '#ledger/journal.ts';
import { systemRuntime } from '#ledger/runtime.ts';
import { EOD_SHARD_COUNT, eodShardOf } from '#ledger/schema.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { EOD_RUN_DEFAULTS, EOD_SHARD_MEMORY_MB, EOD_SHARD_TIMEOUT_SECONDS, mapModeOf, type EodRunConfig } from '../infra/eod-config.ts';
import type { BenchContext, ResultRow } from './harness.ts';
import { itemBytes, MemoryJournal, startBenchStore, writeItems } from './ledger-fixture.ts';
import { seedJournal } from './eod.ts';

export const SIZES = { full: { facilities: 480 }, quick: { facilities: 96 } } as const;

export const DAYS = [
  { kind: 'ordinary', date: '2026-02-10' },
  { kind: 'settlement', date: '2026-02-20' },
  { kind: 'monthEnd', date: '2026-02-28' },
] as const;
export type DayKind = (typeof DAYS)[number]['kind'];

/** What the projection assumes; every figure it prints follows from these and the measurements. */
export const ASSUMPTIONS = {
  /** DynamoDB in-region request latencies (planning figures near p90, not p50). */
  consistentQueryMs: 6,
  indexQueryMs: 8,
  putItemMs: 8,
  /** AWS SDK v3 marshalling, signing and HTTP framing per request, on the function's CPU. */
  sdkCpuMsPerRequest: 0.12,
  /** Lambda gives 1 vCPU at 1 769 MB, proportionally less below; per-core speed taken equal to this machine's. */
  lambdaMbPerVcpu: 1_769,
  /** Per invocation: the Step Functions task round trip and a warm invoke (a cold start is ~1 s, once per container). */
  invocationOverheadMs: 300,
  /** The report task, once per run. */
  reportMs: 5_000,
  /** Days of a 30-day month: monthly settlement on the 20th, one month end (quarterly products settle less often). */
  daysPerMonth: { ordinary: 28, settlement: 1, monthEnd: 1 } satisfies Record<DayKind, number>,
  /** Read units per index entry page: KEYS_ONLY entries (~120 bytes) read eventually consistent, 0.5 RRU per 4 KB. */
  indexEntryBytes: 120,
  prices: {
    region: 'us-east-1 (N. Virginia)',
    asOf: '2025-01-15 (on-demand list prices after the November 2024 reduction)',
    readRequestUnitUsd: 0.125 / 1e6,
    writeRequestUnitUsd: 0.625 / 1e6,
    lambdaArmGbSecondUsd: 0.0000133334,
    lambdaRequestUsd: 0.2 / 1e6,
    stepFunctionsTransitionUsd: 0.025 / 1e3,
  },
} as const;

export interface DayMeasure {
  kind: DayKind;
  date: string;
  facilities: number;
  changed: number;
  /** Per facility, averaged over the book. */
  tableQueries: number;
  readUnits: number;
  bytesRead: number;
  puts: number;
  writeUnits: number;
  /** Our CPU per facility (in-memory journal), in ms. */
  cpuMs: number;
  /** Index Query requests the whole book took (pages of ids). */
  indexQueries: number;
  /** Average size of a facility's latest event (the item end of day reads, and a nightly accrual would write). */
  stateItemBytes: number;
}

/** Counts what goes through a DynamoDB client: table Queries and their read units, index Queries, PutItems and their write units. */
function instrument(client: ReturnType<typeof createDynamoClient>) {
  const counts = { tableQueries: 0, indexQueries: 0, readUnits: 0, bytesRead: 0, puts: 0, writeUnits: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const input = args.input as { IndexName?: string; ConsistentRead?: boolean; Item?: Item };
      if (context.commandName === 'QueryCommand') {
        const items = ((out.output as { Items?: Item[] }).Items ?? []) as Item[];
        const bytes = items.reduce((n, item) => n + itemBytes(item), 0);
        // A Query costs its items' total size rounded up to 4 KB: 1 unit consistent, 0.5 eventually consistent.
        const units = Math.max(1, Math.ceil(bytes / 4096)) * (input.ConsistentRead === true ? 1 : 0.5);
        if (input.IndexName === undefined) {
          counts.tableQueries++;
          counts.bytesRead += bytes;
        } else counts.indexQueries++;
        counts.readUnits += units;
      } else if (context.commandName === 'PutItemCommand') {
        counts.puts++;
        counts.writeUnits += Math.max(1, Math.ceil(itemBytes(input.Item!) / 1024));
      }
      return out;
    },
    { step: 'initialize', name: 'eodScaleCounter' },
  );
  return counts;
}

/** The in-memory journal as the store end of day needs: the facilities of a range of shards, paged. */
function memoryEodStore(journal: MemoryJournal, ids: readonly string[]): LedgerStore {
  const sorted = [...ids].sort((a, b) => eodShardOf(a) - eodShardOf(b) || (a < b ? -1 : 1));
  const base = journal.asLedgerStore();
  const list = async (shards: ShardRange, page?: PageRequest): Promise<Page<string>> => {
    const inRange = sorted.filter((id) => eodShardOf(id) >= shards.from && eodShardOf(id) < shards.to);
    const start = page?.cursor === undefined ? 0 : Number(page.cursor);
    const limit = page?.limit ?? EOD_PAGE_SIZE;
    const items = inRange.slice(start, start + limit);
    return { items, nextCursor: start + limit < inRange.length ? String(start + limit) : null };
  };
  return new Proxy(base, { get: (target, property) => (property === 'listFacilitiesByShards' ? list : Reflect.get(target, property)) });
}

/** Measures the three days on the embedded store (requests, units, bytes) and in memory (CPU). */
export async function measureDays(context: BenchContext): Promise<DayMeasure[]> {
  const size = context.quick ? SIZES.quick : SIZES.full;
  const { journal, ids, portfolio } = await seedJournal(size.facilities, `scale${Math.floor(performance.now()).toString(36)}`);
  context.log(`eod-scale: ${portfolio.facilities} facilities seeded (${portfolio.drawn} drawn, ${portfolio.events} events)`);
  const bench = await startBenchStore();
  const client = createDynamoClient({ target: 'local', endpoint: bench.endpoint });
  try {
    await writeItems(bench.client, bench.tableName, journal.items());
    const counts = instrument(client);
    const storeDeps: AppDeps = createAppDeps({ store: new DynamoLedgerStore({ client, tableName: bench.tableName, runtime: systemRuntime }), runtime: systemRuntime, product: DEFAULT_PRODUCT });
    const memoryDeps: AppDeps = createAppDeps({ store: memoryEodStore(journal, ids), runtime: systemRuntime, product: DEFAULT_PRODUCT });
    const measures: DayMeasure[] = [];
    for (const day of DAYS) {
      const stateItemBytes = ids.reduce((n, id) => n + itemBytes(journal.facilityItems(id).at(-1)!), 0) / ids.length;
      // CPU first, in memory, on the same book in the same order of days (the journal takes the same writes).
      const cpuStarted = process.cpuUsage();
      const inMemory = await runEodRange(memoryDeps, day.date, { from: 0, to: EOD_SHARD_COUNT });
      const cpu = process.cpuUsage(cpuStarted);
      const before = { ...counts };
      const report = await runEod(storeDeps, day.date);
      if (report.processed !== ids.length || report.failures !== 0 || inMemory.part.changed !== report.changed) {
        throw new Error(`eod-scale ${day.date}: ${report.processed}/${ids.length} processed, ${report.failures} failed, ${report.changed} changed (in memory ${inMemory.part.changed})`);
      }
      const per = (key: keyof typeof counts) => (counts[key] - before[key]) / ids.length;
      measures.push({
        kind: day.kind,
        date: day.date,
        facilities: ids.length,
        changed: report.changed,
        tableQueries: per('tableQueries'),
        readUnits: (counts.readUnits - before.readUnits - (counts.indexQueries - before.indexQueries) * 0.5) / ids.length,
        bytesRead: per('bytesRead'),
        puts: per('puts'),
        writeUnits: per('writeUnits'),
        cpuMs: (cpu.user + cpu.system) / 1000 / ids.length,
        indexQueries: counts.indexQueries - before.indexQueries,
        stateItemBytes,
      });
      context.log(`eod-scale: ${day.kind} ${day.date}: ${report.changed} changed; per facility ${per('tableQueries').toFixed(2)} queries, ${per('puts').toFixed(2)} puts, ${((cpu.user + cpu.system) / 1000 / ids.length).toFixed(3)} ms CPU`);
    }
    return measures;
  } finally {
    client.destroy();
    await bench.stop();
  }
}

export interface RunShape extends EodRunConfig {
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly marginMs: number;
}

export const CONFIGURED: RunShape = { ...EOD_RUN_DEFAULTS, timeoutMs: EOD_SHARD_TIMEOUT_SECONDS * 1000, memoryMb: EOD_SHARD_MEMORY_MB, marginMs: EOD_TIME_MARGIN_MS };

export interface DayProjection {
  kind: DayKind | 'cob';
  minutes: number;
  readUnits: number;
  writeUnits: number;
  costUsd: number;
  maxInvocationShareOfTimeout: number;
  invocations: number;
  peakReadUnitsPerSecond: number;
  peakWriteUnitsPerSecond: number;
  facilitiesPerSecondPerInvocation: number;
}

/** One day of a run over `facilities` on DynamoDB: see the header for the model. */
export function projectDay(m: Pick<DayMeasure, 'kind' | 'tableQueries' | 'readUnits' | 'puts' | 'writeUnits' | 'cpuMs'>, facilities: number, run: RunShape, kind: DayProjection['kind'] = m.kind): DayProjection {
  const a = ASSUMPTIONS;
  const perRange = facilities / run.groups;
  // One facility: its reads one after the other, then its write; EOD_CONCURRENCY facilities at once, a page at a time.
  const chainMs = m.tableQueries * a.consistentQueryMs + m.puts * a.putItemMs;
  const cpuMs = (m.cpuMs + (m.tableQueries + m.puts) * a.sdkCpuMsPerRequest) / (run.memoryMb / a.lambdaMbPerVcpu);
  const pageMs = Math.max(Math.ceil(EOD_PAGE_SIZE / EOD_CONCURRENCY) * chainMs, EOD_PAGE_SIZE * cpuMs) + a.indexQueryMs;
  const pages = Math.ceil(perRange / EOD_PAGE_SIZE) + Math.ceil(EOD_SHARD_COUNT / run.groups / 64);
  const workMs = pages * pageMs;
  const budgetMs = run.timeoutMs - run.marginMs;
  const invocationsPerRange = Math.max(1, Math.ceil(workMs / budgetMs));
  const rangeMs = workMs + invocationsPerRange * a.invocationOverheadMs;
  const waves = Math.ceil(run.groups / run.concurrency);
  const wallMs = waves * rangeMs + a.reportMs;
  const perSecond = perRange / (workMs / 1000);
  const running = Math.min(run.concurrency, run.groups);
  const indexUnits = Math.ceil((facilities * a.indexEntryBytes) / 4096) * 0.5 + pages * run.groups * 0.5;
  const readUnits = facilities * m.readUnits + indexUnits + run.groups + 1;
  const writeUnits = facilities * m.writeUnits + run.groups * 2 + 4;
  const invocations = run.groups * invocationsPerRange;
  const transitions = invocations * 2 + run.groups * 3 + 4;
  const gbSeconds = (invocations * a.invocationOverheadMs + run.groups * workMs) / 1000 * (run.memoryMb / 1024);
  const p = a.prices;
  const costUsd = readUnits * p.readRequestUnitUsd + writeUnits * p.writeRequestUnitUsd + gbSeconds * p.lambdaArmGbSecondUsd + invocations * p.lambdaRequestUsd + transitions * p.stepFunctionsTransitionUsd;
  return {
    kind,
    minutes: wallMs / 60_000,
    readUnits,
    writeUnits,
    costUsd,
    maxInvocationShareOfTimeout: Math.min(workMs, budgetMs + pageMs) / run.timeoutMs,
    invocations,
    peakReadUnitsPerSecond: running * perSecond * m.readUnits,
    peakWriteUnitsPerSecond: running * perSecond * m.writeUnits,
    facilitiesPerSecondPerInvocation: perSecond,
  };
}

export interface ScaleRow {
  facilities: number;
  /** The longest day's run (settlement day or month end). */
  minutes: number;
  /** Averages over a 30-day month. */
  readUnitsPerDay: number;
  writeUnitsPerDay: number;
  monthlyCostUsd: number;
  maxInvocationShareOfTimeout: number;
  needs: { concurrency: number; groups: number; mapMode: string; peakReadUnitsPerSecond: number; peakWriteUnitsPerSecond: number };
  days: Record<string, DayProjection>;
}

const DAYS_IN_MONTH = 30;

export function projectBook(measures: readonly DayMeasure[], facilities: number, run: RunShape = CONFIGURED): ScaleRow {
  const days = measures.map((m) => projectDay(m, facilities, run));
  const month = (f: (d: DayProjection) => number) => days.reduce((n, d) => n + f(d) * ASSUMPTIONS.daysPerMonth[d.kind as DayKind], 0);
  return {
    facilities,
    minutes: Math.max(...days.map((d) => d.minutes)),
    readUnitsPerDay: month((d) => d.readUnits) / DAYS_IN_MONTH,
    writeUnitsPerDay: month((d) => d.writeUnits) / DAYS_IN_MONTH,
    monthlyCostUsd: month((d) => d.costUsd),
    maxInvocationShareOfTimeout: Math.max(...days.map((d) => d.maxInvocationShareOfTimeout)),
    needs: {
      concurrency: Math.min(run.concurrency, run.groups),
      groups: run.groups,
      mapMode: mapModeOf(run),
      peakReadUnitsPerSecond: Math.max(...days.map((d) => d.peakReadUnitsPerSecond)),
      peakWriteUnitsPerSecond: Math.max(...days.map((d) => d.peakWriteUnitsPerSecond)),
    },
    days: Object.fromEntries(days.map((d) => [d.kind, d])),
  };
}

/** Fineract-style COB: every facility's accrual written every night: the ordinary day's reads plus one event as large as its state, every day. */
export function projectCob(measures: readonly DayMeasure[], facilities: number, run: RunShape = CONFIGURED): ScaleRow {
  const ordinary = measures.find((m) => m.kind === 'ordinary')!;
  const eventUnits = Math.max(1, Math.ceil(ordinary.stateItemBytes / 1024));
  // Writing needs the latest state read again inside the conditional append, as our settlement day does.
  const settlement = measures.find((m) => m.kind === 'settlement')!;
  const nightly = { kind: 'ordinary' as const, tableQueries: settlement.tableQueries, readUnits: settlement.readUnits, puts: 1, writeUnits: eventUnits, cpuMs: settlement.cpuMs };
  const day = projectDay(nightly, facilities, run, 'cob');
  return {
    facilities,
    minutes: day.minutes,
    readUnitsPerDay: day.readUnits,
    writeUnitsPerDay: day.writeUnits,
    monthlyCostUsd: day.costUsd * DAYS_IN_MONTH,
    maxInvocationShareOfTimeout: day.maxInvocationShareOfTimeout,
    needs: { concurrency: Math.min(run.concurrency, run.groups), groups: run.groups, mapMode: mapModeOf(run), peakReadUnitsPerSecond: day.peakReadUnitsPerSecond, peakWriteUnitsPerSecond: day.peakWriteUnitsPerSecond },
    days: { cob: day },
  };
}

export const BOOKS = [1_000_000, 10_000_000] as const;
export const LIMITS = { minutes: 60, invocationShareOfTimeout: 0.8 } as const;

/** The rows as printed in README.md and docs/end-of-day.md. */
export function markdownTable(rows: readonly ScaleRow[], cob: readonly ScaleRow[]): string {
  const n = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)} k` : v.toFixed(0));
  const lines = ['| facilities | run | minutes (worst day) | read units/day | write units/day | USD/month | longest invocation | peak RRU/s | peak WRU/s |', '|---|---|---|---|---|---|---|---|---|'];
  for (const [i, row] of rows.entries()) {
    for (const [name, r] of [['ours', row], ['COB', cob[i]!]] as const) {
      lines.push(`| ${n(r.facilities)} | ${name} | ${r.minutes.toFixed(1)} | ${n(r.readUnitsPerDay)} | ${n(r.writeUnitsPerDay)} | ${r.monthlyCostUsd.toFixed(0)} | ${(r.maxInvocationShareOfTimeout * 100).toFixed(0)} % | ${n(r.needs.peakReadUnitsPerSecond)} | ${n(r.needs.peakWriteUnitsPerSecond)} |`);
    }
  }
  return lines.join('\n');
}

export async function run(context: BenchContext): Promise<ResultRow[]> {
  const measures = await measureDays(context);
  const rows = BOOKS.map((facilities) => projectBook(measures, facilities));
  const cob = BOOKS.map((facilities) => projectCob(measures, facilities));
  const big = rows.at(-1)!;
  const bigCob = cob.at(-1)!;
  const ratio = Math.max(big.minutes / LIMITS.minutes, big.maxInvocationShareOfTimeout / LIMITS.invocationShareOfTimeout);
  const table = markdownTable(rows, cob);
  return [
    {
      id: 'eod-scale',
      title: `end-of-day scale model: the 10 M-facility run against its limits (${LIMITS.minutes} min, no invocation over ${LIMITS.invocationShareOfTimeout * 100} % of its timeout); the larger of the two shares`,
      ratio,
      target: 1,
      better: 'lower',
      ours: { label: `our end of day, 10 M facilities, ${big.needs.groups} ranges, ${big.needs.concurrency} at once (${big.needs.mapMode} Map)`, value: big.minutes, unit: 'minutes', monthlyCostUsd: big.monthlyCostUsd, maxInvocationShareOfTimeout: big.maxInvocationShareOfTimeout },
      baseline: { label: 'Fineract-style COB (an accrual event per facility per night), same run', value: bigCob.minutes, unit: 'minutes', monthlyCostUsd: bigCob.monthlyCostUsd },
      details: {
        rows: rows.map(({ days: _days, ...row }) => row),
        rowsByDay: rows.map((row) => ({ facilities: row.facilities, days: row.days })),
        fineractCob: { rows: cob.map(({ days: _days, ...row }) => row) },
        measured: measures,
        run: CONFIGURED,
        assumptions: ASSUMPTIONS,
        table,
      },
      notes: [
        `measured per facility (${measures[0]!.facilities} facilities, local store): ` +
          measures.map((m) => `${m.kind} ${m.tableQueries.toFixed(2)} queries / ${m.readUnits.toFixed(2)} RRU / ${(m.bytesRead / 1024).toFixed(1)} KB read / ${m.puts.toFixed(2)} puts / ${m.writeUnits.toFixed(2)} WRU / ${m.cpuMs.toFixed(3)} ms CPU`).join('; '),
        `run: ${CONFIGURED.groups} ranges, ${CONFIGURED.concurrency} at once, ${CONFIGURED.memoryMb} MB, ${CONFIGURED.timeoutMs / 1000} s timeout, stop ${CONFIGURED.marginMs / 1000} s before it; prices ${ASSUMPTIONS.prices.region}, ${ASSUMPTIONS.prices.asOf}`,
        ...table.split('\n'),
      ],
    },
  ];
}
