/**
 * The nightly end of day as the state machine runs it: the eod-shard function over each range of
 * shards (called again from its cursor until the range is done), then eod-report over the run's
 * parts, then the ops routes that read and re-run it, all on the embedded store. The pure parts
 * (which date a run processes, how ranges cut the shards, how parts combine) first. Continuation
 * under a running-out clock and after a crash: eod-continuation.test.ts.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { assertEodDateNotInFuture, combineParts, EOD_MAX_LISTED_FAILURES, eodDateOf, EodDateInFuture, eodRanges, nightlyEodDate, summarise, type EodPart, type EodTaskOutput } from '#app/eod.ts';
import { drawdown, openFacility } from '#app/facilities.ts';
import { DYNAMODB_ENDPOINT_ENV, IAM_PRINCIPALS_ENV, TABLE_NAME_ENV } from '#config/env.ts';
import { addDays, fixedClock, systemClock, today } from '#domain/calendar.ts';
import { InvariantViolation, ValidationError } from '#domain/errors.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { EOD_METRIC_DIMENSIONS, Logger } from '#http/observability.ts';
import { EOD_SHARD_COUNT } from '#ledger/schema.ts';
import { EodReportInput, EodShardInput } from '../../functions/jobs.ts';
import { zeroLedger } from '#domain/postings.ts';
import { apiEvent, callers, IAM_PRINCIPALS_JSON } from '../http/support.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore } from '../setup/ledger.ts';
import { lambdaContext } from '../../local/event.ts';

/** The 1 024 shards in 16 ranges of 64. */
const RANGES = eodRanges(16);
/** A Lambda context with all the time in the world (continuation is eod-continuation.test.ts's). */
const context: Context = lambdaContext({ functionName: 'eod', requestId: 'sfn-task-1', remainingMs: () => 600_000 });

function part(range: { from: number; to: number }, extra: Partial<EodPart> = {}): EodPart {
  return {
    date: '2026-01-20',
    ...range,
    processed: 2,
    changed: 1,
    failures: 0,
    failed: [],
    eventsByType: { InterestSettled: 1 },
    totals: {
      facilities: 2,
      principalOutstandingFen: 1_000_00,
      accruedInterestFen: 10,
      interestDueFen: 0,
      overdueInterestFen: 0,
      overduePrincipalFen: 100_00,
      penaltyInterestFen: 0,
      byClassification: { NORMAL: 1, SPECIAL_MENTION: 1 },
    },
    borrowerChunks: 0,
    ledger: zeroLedger(),
    ...extra,
  };
}

describe('which date a run processes', () => {
  it('the nightly run at 00:30 Shanghai processes the business day that just ended', () => {
    // 2026-01-20T16:30Z is 00:30 on the 21st in Shanghai.
    expect(nightlyEodDate(new Date('2026-01-20T16:30:00Z'))).toBe('2026-01-20');
    expect(eodDateOf({ scheduledTime: '2026-01-20T16:30:00Z' })).toBe('2026-01-20');
    // Across a month and a year end.
    expect(nightlyEodDate(new Date('2026-02-28T16:30:00Z'))).toBe('2026-02-28');
    expect(nightlyEodDate(new Date('2026-12-31T16:30:00Z'))).toBe('2026-12-31');
  });

  it('a re-run names its date; a run naming both or neither is refused', () => {
    expect(eodDateOf({ date: '2026-01-15' })).toBe('2026-01-15');
    expect(() => eodDateOf({})).toThrow(ValidationError);
    expect(() => eodDateOf({ date: '2026-01-15', scheduledTime: '2026-01-20T16:30:00Z' })).toThrow(ValidationError);
  });
});

describe('end of day never runs for a date after the business date', () => {
  it('refuses a date after today (422 eod-date-in-future) and accepts today and earlier days', () => {
    expect(() => assertEodDateNotInFuture('2026-01-21', '2026-01-20')).toThrow(EodDateInFuture);
    expect(() => assertEodDateNotInFuture('2027-01-20', '2026-01-20')).toThrow(/after the current business date 2026-01-20/);
    expect(() => assertEodDateNotInFuture('2026-01-20', '2026-01-20')).not.toThrow();
    expect(() => assertEodDateNotInFuture('2025-12-31', '2026-01-20')).not.toThrow();
    try {
      assertEodDateNotInFuture('2026-01-21', '2026-01-20');
    } catch (error) {
      // Its own error name: the state machine lists it among the errors it never retries.
      expect(error).toMatchObject({ name: 'EodDateInFuture', code: 'eod-date-in-future' });
    }
  });
});

describe('ranges of shards', () => {
  it('cuts the 1 024 shards into contiguous ranges, as equal as can be', () => {
    expect(eodRanges(1)).toEqual([{ from: 0, to: EOD_SHARD_COUNT }]);
    expect(eodRanges(16)[1]).toEqual({ from: 64, to: 128 });
    for (const groups of [3, 7, 64, 100, 1024]) {
      const ranges = eodRanges(groups);
      expect(ranges).toHaveLength(groups);
      expect(ranges[0]!.from).toBe(0);
      expect(ranges.at(-1)!.to).toBe(EOD_SHARD_COUNT);
      ranges.slice(1).forEach((r, i) => expect(r.from).toBe(ranges[i]!.to));
      const sizes = ranges.map((r) => r.to - r.from);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(() => eodRanges(0)).toThrow(InvariantViolation);
    expect(() => eodRanges(EOD_SHARD_COUNT + 1)).toThrow(InvariantViolation);
  });
});

describe('combining the parts of a run', () => {
  it('adds every range up into the report of the date', () => {
    const report = combineParts('2026-01-20', RANGES.map((r) => part(r)).reverse(), []);
    expect(report).toMatchObject({ date: '2026-01-20', shards: EOD_SHARD_COUNT, processed: 32, changed: 16, failures: 0, eventsByType: { InterestSettled: 16 } });
    expect(report.totals).toMatchObject({ facilities: 32, principalOutstandingFen: 16_000_00, byClassification: { NORMAL: 16, SPECIAL_MENTION: 16 } });
    expect(report.overdueRatioPpm).toBe(100_000); // 10%
  });

  it('refuses parts that miss a shard, overlap, or mix dates: the portfolio would be wrong', () => {
    const all = RANGES.map((r) => part(r));
    expect(() => combineParts('2026-01-20', all.slice(1), [])).toThrow(InvariantViolation);
    expect(() => combineParts('2026-01-20', all.slice(0, -1), [])).toThrow(InvariantViolation);
    expect(() => combineParts('2026-01-20', [...all, part({ from: 10, to: 20 })], [])).toThrow(InvariantViolation);
    expect(() => combineParts('2026-01-20', [...all.slice(1), part(RANGES[0]!, { date: '2026-01-19' })], [])).toThrow(/\[0, 64\) reports 2026-01-19/);
  });

  it('counts every failure but names only the first few of each range, so what travels between states stays far below 256 KB', () => {
    const longId = 'F'.repeat(64);
    const worst = RANGES.map((r) =>
      part(r, {
        failures: 100_000,
        failed: Array.from({ length: EOD_MAX_LISTED_FAILURES }, () => ({ facilityId: longId, code: 'internal-error' })),
        eventsByType: Object.fromEntries(['InterestSettled', 'PrincipalOverdue', 'InterestOverdue', 'PenaltyStarted', 'Repriced', 'ClassificationChanged', 'Matured'].map((type) => [type, 1_000_000])),
      }),
    );
    // Between two invocations of a range: the range, the cursor (at most 1 500 characters) and the part so far.
    const carried: EodTaskOutput = { date: '2026-01-20', run: 'nightly-2026-01-20', ...RANGES[0]!, next: { shard: 3, cursor: 'c'.repeat(1_500) }, part: worst[0]! };
    expect(EodShardInput.safeParse(carried).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(carried))).toBeLessThan(8 * 1024);
    expect(EodShardInput.safeParse({ ...carried, part: { ...worst[0]!, failed: [...worst[0]!.failed, { facilityId: 'X', code: 'y' }] } }).success).toBe(false);
    // Out of every range: only its date. 1 024 ranges of them, and the report task's input, are tiny.
    expect(Buffer.byteLength(JSON.stringify(Array.from({ length: EOD_SHARD_COUNT }, () => ({ date: '2026-01-20' }))))).toBeLessThan(32 * 1024);
    expect(EodReportInput.safeParse({ date: '2026-01-20', startedAt: '2026-01-20T16:30:00.000Z', run: 'nightly-2026-01-20' }).success).toBe(true);
    expect(summarise('2026-01-20', worst, [])).toMatchObject({ failures: 1_600_000 });
  });
});

describe('the nightly end of day through its functions, on the embedded store', () => {
  let deps: AppDeps;
  const ids = Array.from({ length: 5 }, (_, i) => `NIGHT-${i}`);
  const ctx = (date: string, key: string) => ({ date, idempotencyKey: key, actor: 'channel:test' });
  const silent = new Logger({ logLevel: 'SILENT' });

  type Handler = (event: unknown, context: Context) => Promise<unknown>;
  let shardHandler: Handler;
  let createReportHandler: typeof import('../../functions/eod-report/handler.ts').createHandler;
  let createShardHandler: typeof import('../../functions/eod-shard/handler.ts').createHandler;
  let eodRoute: (event: ReturnType<typeof apiEvent>, context: Context) => Promise<APIGatewayProxyResult>;
  let portfolioRoute: typeof eodRoute;

  /** What the state machine does: each range, called again with its own answer while that names a cursor. */
  const runRanges = async (input: Record<string, string>, run: string) => {
    const parts: EodPart[] = [];
    for (const range of RANGES) {
      let out = (await shardHandler({ ...input, run, ...range }, context)) as EodTaskOutput;
      for (let call = 1; out.next !== undefined; call++) {
        if (call > 100) throw new Error('a range that never finishes');
        out = (await shardHandler(out, context)) as EodTaskOutput;
      }
      parts.push(out.part);
    }
    return parts;
  };
  const total = (results: EodPart[], key: 'processed' | 'changed' | 'failures') => results.reduce((n, r) => n + r[key], 0);
  const portfolio = (date: string) =>
    portfolioRoute(apiEvent({ path: '/v1/ops/portfolio', resource: '/v1/ops/portfolio', query: { date }, userArn: callers.ops.userArn }), context);

  beforeAll(async () => {
    const client = ledgerClient();
    const tableName = await freshTable(client, 'nightly');
    deps = createAppDeps({ store: ledgerStore(client, { tableName }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
    await deps.lpr.publish({ date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
    for (const facilityId of ids) {
      await openFacility(deps, { date: '2026-01-01', actor: 'channel:test' }, { facilityId, borrowerId: 'B-NIGHT', limitFen: 2_000_000_00, effectiveDate: '2026-01-01', maturityDate: '2026-12-31', spreadBp: 45 });
      await drawdown(deps, facilityId, ctx('2026-01-05', 'd'), { amountFen: 1_000_000_00 });
    }
    // The functions find this table through the environment (functions/wiring.ts), as deployed ones do theirs.
    vi.stubEnv(TABLE_NAME_ENV, tableName);
    vi.stubEnv(DYNAMODB_ENDPOINT_ENV, inject('ledgerEndpoint'));
    // The ops routes map SigV4 callers at init; every handler's logger reads its level there too.
    vi.stubEnv(IAM_PRINCIPALS_ENV, IAM_PRINCIPALS_JSON);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    shardHandler = (await import('../../functions/eod-shard/handler.ts')).handler as Handler;
    createReportHandler = (await import('../../functions/eod-report/handler.ts')).createHandler;
    createShardHandler = (await import('../../functions/eod-shard/handler.ts')).createHandler;
    eodRoute = (await import('../../functions/ops-eod/handler.ts')).handler;
    portfolioRoute = (await import('../../functions/ops-portfolio/handler.ts')).handler;
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('a run by hand (POST /v1/ops/eod/{date}) on an ordinary day changes nothing and keeps its report', async () => {
    expect((await portfolio('2026-01-19')).statusCode).toBe(404);
    const ran = await eodRoute(apiEvent({ method: 'POST', path: '/v1/ops/eod/2026-01-19', resource: '/v1/ops/eod/{date}', pathParameters: { date: '2026-01-19' }, userArn: callers.ops.userArn }), context);
    expect(ran.statusCode, ran.body).toBe(200);
    expect(JSON.parse(ran.body)).toMatchObject({ date: '2026-01-19', processed: 5, changed: 0, failures: 0, portfolio: { facilities: 5, accruedInterest: '7187.50' } }); // 5 × 1 437.50
    const kept = await portfolio('2026-01-19');
    expect(kept.statusCode).toBe(200);
    expect(JSON.parse(kept.body)).toEqual(JSON.parse(ran.body));
  });

  it('the shards of the settlement day settle every line once; running them again changes nothing', async () => {
    // As the schedule starts it: 00:30 on the 21st in Shanghai, so the 20th.
    const first = await runRanges({ scheduledTime: '2026-01-20T16:30:00Z' }, 'nightly-1');
    expect(first.every((r) => r.date === '2026-01-20')).toBe(true);
    expect({ processed: total(first, 'processed'), changed: total(first, 'changed'), failures: total(first, 'failures') }).toEqual({ processed: 5, changed: 5, failures: 0 });
    expect(first.reduce((n, r) => n + (r.eventsByType['InterestSettled'] ?? 0), 0)).toBe(5);
    expect(first.reduce((n, r) => n + r.totals.accruedInterestFen, 0)).toBe(5 * 153_333);

    // A retry of the run, or a re-run by hand naming the date.
    const again = await runRanges({ date: '2026-01-20' }, 'by-hand-1');
    expect({ processed: total(again, 'processed'), changed: total(again, 'changed') }).toEqual({ processed: 5, changed: 0 });
    for (const id of ids) expect((await deps.store.listEvents(id, { limit: 10 })).items.map((e) => e.type)).toEqual(['FacilityOpened', 'DrawdownMade', 'EndOfDay']);

    // Each range kept its part under its run: the report of a run adds up that run's parts only.
    expect(await deps.store.listEodParts('2026-01-20', 'nightly-1')).toEqual(first);
    expect((await deps.store.listEodParts('2026-01-20', 'by-hand-1')).map((p) => p.changed)).toEqual(RANGES.map(() => 0));
    expect(await deps.store.listEodParts('2026-01-20', 'nightly-2')).toEqual([]);

    // The report step: combines the run's parts, keeps EOD#2026-01-20 and emits the metrics the alarms watch.
    const emf: Record<string, unknown>[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const line = String(chunk);
      if (line.includes('"_aws"')) emf.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    });
    let view: unknown;
    try {
      const reportHandler = createReportHandler({ clock: fixedClock('2026-01-20T16:37:00Z'), timeoutEarlyInMillis: 0, logger: silent });
      view = await reportHandler({ date: '2026-01-20', startedAt: '2026-01-20T16:30:00.000Z', run: 'nightly-1' }, context);
    } finally {
      write.mockRestore();
    }
    expect(view).toMatchObject({ date: '2026-01-20', shards: EOD_SHARD_COUNT, processed: 5, changed: 5, failures: 0, eventsByType: { InterestSettled: 5 }, portfolio: { facilities: 5, accruedInterest: '7666.65' } });
    expect(await deps.store.getEodReport('2026-01-20')).toMatchObject({ date: '2026-01-20', changed: 5, totals: { accruedInterestFen: 5 * 153_333 } });

    expect(emf).toHaveLength(1);
    const [metrics] = emf as [{ _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } } & Record<string, unknown>];
    const directive = metrics._aws.CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('CreditService');
    expect([...directive.Dimensions[0]!].sort()).toEqual(['channel', 'operation', 'service']);
    expect(metrics).toMatchObject({ ...EOD_METRIC_DIMENSIONS, service: 'credit-service' });
    expect(directive.Metrics.map((m) => m.Name).sort()).toEqual(
      [
        ...['AccruedInterestFen', 'EodDurationMs', 'EodFacilitiesChanged', 'EodFacilitiesProcessed', 'EodFailures', 'OutstandingPrincipalFen', 'OverduePrincipalFen', 'OverdueRatioPpm'],
        // The policy figures' headline metrics (docs/reporting.md).
        ...['InclusiveSmeBalanceFen', 'InclusiveSmeBorrowers', 'FarmerBalanceFen', 'CreditLoanSharePpm', 'NewLendingFen', 'NewLendingRatePpm', 'InclusiveSmeNewLendingFen', 'InclusiveSmeNewLendingRatePpm'],
        ...['FirstLoanBorrowersOfDay', 'FirstLoanUnknownOfDay', 'RenewalDrawdownsOfDay', 'RenewalPrincipalCarriedFen', 'NonPerformingFen', 'NonPerformingRatioPpm'],
        ...['ClassNormalFen', 'ClassSpecialMentionFen', 'ClassSubstandardFen', 'ClassDoubtfulFen', 'ClassLossFen', 'NonAccrualBalanceFen', 'OffBalanceInterestFen'],
      ].sort(),
    );
    expect(metrics).toMatchObject({ EodDurationMs: 420_000, EodFacilitiesProcessed: 5, EodFacilitiesChanged: 5, EodFailures: 0, AccruedInterestFen: 766_665, OutstandingPrincipalFen: 5_000_000_00, OverdueRatioPpm: 0 });

    // GET /v1/ops/portfolio answers the kept report, as the run answered it.
    const kept = await portfolio('2026-01-20');
    expect(kept.statusCode).toBe(200);
    expect(JSON.parse(kept.body)).toEqual(view);
  });

  it('the month end books each line’s accrual (计提) in one write; the ordinary days before it write nothing', async () => {
    const byHand = async (date: string) => {
      const ran = await eodRoute(apiEvent({ method: 'POST', path: `/v1/ops/eod/${date}`, resource: '/v1/ops/eod/{date}', pathParameters: { date }, userArn: callers.ops.userArn }), context);
      expect(ran.statusCode, ran.body).toBe(200);
      return JSON.parse(ran.body) as { changed: number; eventsByType: Record<string, number> };
    };
    // The 21st: the unpaid interest of the 20th falls overdue (DPD 1 on the 22nd); the 22nd…30th: nothing at all.
    expect(await byHand('2026-01-21')).toMatchObject({ changed: 5 });
    const seqs = await Promise.all(ids.map(async (id) => (await deps.store.loadLatest(id))!.seq));
    expect(await byHand('2026-01-30')).toMatchObject({ changed: 0, eventsByType: {} });
    expect(await Promise.all(ids.map(async (id) => (await deps.store.loadLatest(id))!.seq))).toEqual(seqs);
    // The 31st: one write per line with principal outstanding, the month's accrual for the 21st…31st:
    // 10^8 × 11 × 34 500 / 3.6e8 = 105 416.67 → 105 417 of interest; penalty none; compound on the overdue 153 333
    // since its 付息日 the 21st, 11 days: 153 333 × 11 × 51 750 / 3.6e8 = 242.46 → 242.
    const monthEnd = await runRanges({ date: '2026-01-31' }, 'month-end-1');
    expect({ changed: total(monthEnd, 'changed'), accrued: monthEnd.reduce((n, r) => n + (r.eventsByType['InterestAccrued'] ?? 0), 0) }).toEqual({ changed: 5, accrued: 5 });
    expect(await Promise.all(ids.map(async (id) => (await deps.store.loadLatest(id))!.seq))).toEqual(seqs.map((seq) => seq + 1));
    const last = (await deps.store.listEvents(ids[0]!, { limit: 10 })).items.at(-1)!;
    const steps = (last.data as { events: { type: string; data: Record<string, unknown> }[] }).events;
    expect(steps.map((e) => [e.type, e.data['interestFen'], e.data['penaltyFen']])).toEqual([['InterestAccrued', 105_417, 242]]);
    // Run again: nothing more
    expect(total(await runRanges({ date: '2026-01-31' }, 'month-end-2'), 'changed')).toBe(0);
  });

  it('answers 404 not-found for a date no end of day ran for, and 400 for a date that is not one', async () => {
    const none = await portfolio('2026-01-18');
    expect(none.statusCode).toBe(404);
    expect(JSON.parse(none.body)).toMatchObject({ code: 'not-found' });
    expect((await portfolio('2026-02-30')).statusCode).toBe(400);
  });

  it('refuses a date after the business date at every entry, writing nothing: the route, both tasks', async () => {
    const before = await Promise.all(ids.map(async (id) => (await deps.store.loadLatest(id))!.seq));
    // The route: today by the clock (or x-dev-business-date locally), so a date a year ahead is refused.
    const far = addDays(today(systemClock), 365);
    const ran = await eodRoute(apiEvent({ method: 'POST', path: `/v1/ops/eod/${far}`, resource: '/v1/ops/eod/{date}', pathParameters: { date: far }, userArn: callers.ops.userArn }), context);
    expect(ran.statusCode, ran.body).toBe(422);
    expect(ran.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(ran.body)).toMatchObject({ code: 'eod-date-in-future', status: 422 });
    expect(await deps.store.getEodReport(far)).toBeNull();

    // The state machine's tasks, on 2026-01-21 in Shanghai: the 22nd is refused (not retried), the 21st runs.
    const clock = fixedClock('2026-01-21T02:00:00Z');
    const shard = createShardHandler({ clock, timeoutEarlyInMillis: 0, logger: silent });
    const range = { run: 'future-1', from: 0, to: 64 };
    await expect(shard({ ...range, date: '2026-01-22' }, context)).rejects.toMatchObject({ name: 'EodDateInFuture', code: 'eod-date-in-future' });
    await expect(shard({ ...range, scheduledTime: '2026-01-22T16:30:00Z' }, context)).rejects.toMatchObject({ name: 'EodDateInFuture' });
    const report = createReportHandler({ clock, timeoutEarlyInMillis: 0, logger: silent });
    for (const r of RANGES) await deps.store.putEodPart('future-1', part(r, { date: '2026-01-22' }));
    await expect(report({ date: '2026-01-22', startedAt: '2026-01-21T01:00:00Z', run: 'future-1' }, context)).rejects.toMatchObject({ name: 'EodDateInFuture' });
    expect(await deps.store.getEodReport('2026-01-22')).toBeNull();
    const after = await Promise.all(ids.map(async (id) => (await deps.store.loadLatest(id))!.seq));
    expect(after).toEqual(before);
    // Today itself runs.
    await expect(shard({ ...range, date: '2026-01-21' }, context)).resolves.toMatchObject({ date: '2026-01-21', from: 0, to: 64 });
  });

  it('refuses input the state machine must never send, without retrying (ValidationError, InvariantViolation)', async () => {
    const range = { run: 'r-1', from: 0, to: 64 };
    await expect(shardHandler({ ...range, to: EOD_SHARD_COUNT + 1, date: '2026-01-20' }, context)).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(shardHandler({ ...range }, context)).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(shardHandler({ ...range, run: 'not a run id', date: '2026-01-20' }, context)).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(shardHandler({ ...range, date: '2026-01-20', extra: true }, context)).rejects.toMatchObject({ name: 'ValidationError' });
    // A range backwards, a cursor without the part it goes with, a part of another range or outside it.
    await expect(shardHandler({ ...range, from: 64, to: 64, date: '2026-01-20' }, context)).rejects.toMatchObject({ name: 'InvariantViolation' });
    await expect(shardHandler({ ...range, date: '2026-01-20', next: { shard: 3 } }, context)).rejects.toMatchObject({ name: 'InvariantViolation' });
    await expect(shardHandler({ ...range, date: '2026-01-20', next: { shard: 3 }, part: part({ from: 64, to: 128 }) }, context)).rejects.toMatchObject({ name: 'InvariantViolation' });
    await expect(shardHandler({ ...range, date: '2026-01-20', next: { shard: 64 }, part: part({ from: 0, to: 64 }) }, context)).rejects.toMatchObject({ name: 'InvariantViolation' });
    // A run none of whose ranges finished (or only some of them) has no report.
    const reportHandler = createReportHandler({ timeoutEarlyInMillis: 0, logger: silent });
    await expect(reportHandler({ date: '2026-01-20', startedAt: '2026-01-20T16:30:00Z', run: 'never-ran' }, context)).rejects.toMatchObject({ name: 'InvariantViolation' });
    await deps.store.putEodPart('half-ran', part({ from: 0, to: 512 }));
    await expect(reportHandler({ date: '2026-01-20', startedAt: '2026-01-20T16:30:00Z', run: 'half-ran' }, context)).rejects.toMatchObject({ name: 'InvariantViolation' });
  });
});
