/**
 * `npm run load [-- --duration 120 --warmup-writes 5000 --connections 16 --facilities 16]`: a write/read mix on the
 * local server (autocannon, loopback only, bounded in time), then the crash test's audit on
 * every facility, and the server's RSS growth per 1 000 writes (docs/reliability.md).
 *
 * Phases on one server, with the same connections:
 *   baseline  GET /openapi.json for `duration` (the server's cheapest route: no store call)
 *   warm-up   the mix until `warmup-writes` writes (JIT, V8 heap and LevelDB caches reach their size;
 *             2 000 writes and a 60 s mix measured V8 still sizing its heap: 5–9 MB per 1 000
 *             writes, against 2.6 after 5 000 and over 120 s, docs/reliability.md)
 *   mix       per connection, in a loop: a drawdown, its repayment (same amount), a GET of the
 *             facility, for `duration`
 * Printed: req/s and p50/p99 of baseline and mix, the mix as ratios of the baseline, status
 * counts, and RSS (sampled every second) against writes answered during the mix: the
 * least-squares slope in MB per 1 000 writes (target < 5).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type RequestContext, type RequestSpec, type Result } from 'autocannon';
import { startServerProcess } from './server-process.ts';
import {
  audit,
  auditPasses,
  BUSINESS_DATE,
  CHANNEL,
  commandBody,
  commandHeaders,
  commandPath,
  formatAudit,
  readJournal,
  resendUnanswered,
  setUpFacilities,
  type AuditResult,
  type CommandRecord,
  type WriteCommand,
} from './workload.ts';

export interface LoadOptions {
  readonly durationSeconds: number;
  readonly connections: number;
  readonly facilities: number;
  /** The mix runs for this many writes before the measured phase; they are audited too. */
  readonly warmupWrites: number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_LOAD: LoadOptions = { durationSeconds: 120, connections: 16, facilities: 16, warmupWrites: 5_000 };
export const RSS_TARGET_MB_PER_1000_WRITES = 5;
/** Per request; a request slower than this counts as an autocannon timeout and is resent after the run. */
const REQUEST_TIMEOUT_SECONDS = 30;

export interface PhaseFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly errors: number;
}

export interface LoadResult {
  readonly baseline: PhaseFigures;
  readonly mix: PhaseFigures;
  /** Writes answered during the measured mix. */
  readonly writes: number;
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  /** Least-squares slope of RSS over writes answered, after the warm-up. */
  readonly rssMbPer1000Writes: number;
  readonly audit: AuditResult;
}

interface RssSample {
  readonly writes: number;
  readonly rssBytes: number;
}

function figures(result: Result): PhaseFigures {
  const statusCounts: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) statusCounts[status] = Number(count);
  return { requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, statusCounts, errors: result.errors };
}

/** Bytes per write: the least-squares slope of rss over writes. */
export function rssSlope(samples: readonly RssSample[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const meanX = samples.reduce((s, p) => s + p.writes, 0) / n;
  const meanY = samples.reduce((s, p) => s + p.rssBytes, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of samples) {
    sxy += (p.writes - meanX) * (p.rssBytes - meanY);
    sxx += (p.writes - meanX) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = await mkdtemp(join(tmpdir(), 'load-'));
  const facilityIds = Array.from({ length: options.facilities }, (_, i) => `FAC-LOAD-${String(i + 1).padStart(3, '0')}`);
  const records: CommandRecord[] = [];
  const server = await startServerProcess({ dataDir: dir });
  let stopped = false;
  try {
    await setUpFacilities(server.url, facilityIds);
    const common = { url: server.url, connections: options.connections, duration: options.durationSeconds, timeout: REQUEST_TIMEOUT_SECONDS };

    const baseline = figures(await autocannon({ ...common, requests: [{ method: 'GET', path: '/openapi.json' }] }));
    log(`baseline GET /openapi.json: ${baseline.requestsPerSecond.toFixed(0)} req/s, p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms`);

    let sequence = 0;
    let writesAnswered = 0;
    let rssSamples: RssSample[] = [];
    const sample = (): void => {
      const rssBytes = server.rssBytes();
      if (rssBytes !== undefined) rssSamples.push({ writes: writesAnswered, rssBytes });
    };
    const write = (command: WriteCommand, context: RequestContext) => {
      const record: CommandRecord = { command, first: null, resends: [] };
      records.push(record);
      context['record'] = record;
      return { method: 'POST', path: commandPath(command), headers: commandHeaders(command), body: commandBody(command) };
    };
    const answered = (status: number, body: string, context: RequestContext, headers: Record<string, string>): void => {
      const record = context['record'] as CommandRecord;
      writesAnswered++;
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        // kept as text: the audit reports it
      }
      record.first = { status, body: parsed, replayed: headers['idempotent-replayed'] === 'true' };
    };
    const mixRequests: RequestSpec[] = [
      {
        setupRequest: (_request, context) => {
          const n = sequence++;
          const facilityId = facilityIds[n % facilityIds.length]!;
          const amountFen = 100_00 + (n % 4_000) * 100 + (n % 89);
          context['facilityId'] = facilityId;
          context['amountFen'] = amountFen;
          context['n'] = n;
          return write({ facilityId, kind: 'drawdown', key: `load-${n}-d`, amountFen }, context);
        },
        onResponse: answered,
      },
      {
        setupRequest: (_request, context) =>
          write({ facilityId: context['facilityId'] as string, kind: 'repayment', key: `load-${context['n'] as number}-r`, amountFen: context['amountFen'] as number }, context),
        onResponse: answered,
      },
      {
        setupRequest: (_request, context) => ({
          method: 'GET',
          path: `/v1/facilities/${context['facilityId'] as string}`,
          headers: { 'x-dev-principal': CHANNEL, 'x-dev-business-date': BUSINESS_DATE },
        }),
      },
    ];
    if (options.warmupWrites > 0) {
      // Each pass of the mix is 3 requests, 2 of them writes.
      const warmup = figures(await autocannon({ ...common, amount: Math.ceil((options.warmupWrites * 3) / 2), requests: mixRequests }));
      log(`warm-up mix: ${warmup.requestsPerSecond.toFixed(0)} req/s, ${writesAnswered} writes`);
    }
    const writesBeforeMix = writesAnswered;
    rssSamples = [];
    sample();
    const timer = setInterval(sample, 1_000);
    let mixResult: Result;
    try {
      mixResult = await autocannon({ ...common, requests: mixRequests });
    } finally {
      clearInterval(timer);
      sample();
    }
    const mix = figures(mixResult);
    const rssMbPer1000Writes = (rssSlope(rssSamples) * 1_000) / 2 ** 20;
    const mb = (bytes: number | undefined) => (bytes ?? 0) / 2 ** 20;
    log(`mix (drawdown, repayment, GET facility): ${mix.requestsPerSecond.toFixed(0)} req/s, p50 ${mix.p50Ms} ms, p99 ${mix.p99Ms} ms`);
    log(
      `mix / baseline: throughput ${(mix.requestsPerSecond / baseline.requestsPerSecond).toFixed(3)}×, ` +
        `p50 ${(mix.p50Ms / Math.max(baseline.p50Ms, 1)).toFixed(1)}×, p99 ${(mix.p99Ms / Math.max(baseline.p99Ms, 1)).toFixed(1)}×`,
    );
    log(`mix status counts: ${JSON.stringify(mix.statusCounts)}, connection errors ${mix.errors}; baseline: ${JSON.stringify(baseline.statusCounts)}`);
    log(
      `RSS: ${mb(rssSamples[0]?.rssBytes).toFixed(0)} MB → ${mb(rssSamples.at(-1)?.rssBytes).toFixed(0)} MB over the mix's ${writesAnswered - writesBeforeMix} writes: ` +
        `${rssMbPer1000Writes.toFixed(2)} MB per 1 000 writes (target < ${RSS_TARGET_MB_PER_1000_WRITES})`,
    );

    // Writes left unanswered (autocannon's time ran out, a client timeout) are resent, as a client would.
    await resendUnanswered(server.url, records);
    await server.stop();
    stopped = true;
    const result = audit(records, await readJournal(dir, facilityIds));
    log(formatAudit('audit', result));
    for (const finding of result.findings) log(`  ! ${finding}`);
    return {
      baseline,
      mix,
      writes: writesAnswered - writesBeforeMix,
      rssStartMb: mb(rssSamples[0]?.rssBytes),
      rssEndMb: mb(rssSamples.at(-1)?.rssBytes),
      rssMbPer1000Writes,
      audit: result,
    };
  } finally {
    if (!stopped) await server.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string' }, 'warmup-writes': { type: 'string' }, connections: { type: 'string' }, facilities: { type: 'string' } } });
  const options: LoadOptions = {
    ...DEFAULT_LOAD,
    ...(values.duration === undefined ? {} : { durationSeconds: Number(values.duration) }),
    ...(values['warmup-writes'] === undefined ? {} : { warmupWrites: Number(values['warmup-writes']) }),
    ...(values.connections === undefined ? {} : { connections: Number(values.connections) }),
    ...(values.facilities === undefined ? {} : { facilities: Number(values.facilities) }),
  };
  if (!Number.isInteger(options.durationSeconds) || options.durationSeconds < 2 || options.durationSeconds > 3_600) throw new Error('--duration must be 2 … 3600 seconds');
  if (!Number.isInteger(options.warmupWrites) || options.warmupWrites < 0 || options.warmupWrites > 1_000_000) throw new Error('--warmup-writes must be 0 … 1000000');
  if (!Number.isInteger(options.connections) || options.connections < 1 || options.connections > 256) throw new Error('--connections must be 1 … 256');
  if (!Number.isInteger(options.facilities) || options.facilities < 1 || options.facilities > 1_000) throw new Error('--facilities must be 1 … 1000');
  console.log(`load: ${options.durationSeconds} s per phase after a warm-up of ${options.warmupWrites} writes, ${options.connections} connections, ${options.facilities} facilities, 127.0.0.1 only`);
  const result = await runLoad(options);
  const rssOk = result.rssMbPer1000Writes < RSS_TARGET_MB_PER_1000_WRITES;
  if (!auditPasses(result.audit) || !rssOk) {
    console.error(`load FAILED${rssOk ? '' : `: RSS grows ${result.rssMbPer1000Writes.toFixed(2)} MB per 1 000 writes`}`);
    process.exitCode = 1;
  } else console.log('load passed');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
