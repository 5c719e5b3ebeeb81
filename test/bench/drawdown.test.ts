import { describe, expect, it } from 'vitest';
import { systemClock } from '#domain/calendar.ts';
import { MAX_DRAWDOWNS_PER_FACILITY, run } from '../../bench/drawdown.ts';
import { captureStdout, percentile, withEnv } from '../../bench/ledger-fixture.ts';
import { toJson } from '../../bench/report.ts';

const ENV_SET_BY_THE_BENCHMARK = ['LOCAL_DEV', 'IAM_PRINCIPALS', 'DYNAMODB_ENDPOINT', 'LEDGER_TABLE_NAME', 'METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];

describe('drawdown benchmark (quick mode)', () => {
  it('returns drawdown-vs-store with the §12 target, raw figures and p50/p99 latency of both sides (no timing assertions)', { timeout: 60_000 }, async () => {
    const before = Object.fromEntries(ENV_SET_BY_THE_BENCHMARK.map((name) => [name, process.env[name]]));
    const rows = await run({ quick: true, log: () => {} });
    expect(rows.map((r) => r.id)).toEqual(['drawdown-vs-store']);
    const json = JSON.parse(JSON.stringify(toJson(rows))) as Record<string, Record<string, any>>;
    const row = json['drawdown-vs-store']!;
    expect(row).toMatchObject({ target: 0.85, better: 'higher', businessDate: '2026-02-10', config: expect.stringContaining('LOCAL_DEV unset') });
    expect(row['ratio']).toBeGreaterThan(0);
    for (const side of [row['ours'], row['baseline']]) {
      expect(side.unit).toBe('drawdowns/s');
      expect(side.value).toBeGreaterThan(0);
      expect(side.p99Ms).toBeGreaterThanOrEqual(side.p50Ms);
      expect(side.requestsTimed).toBeGreaterThan(0);
      expect(side.meanItemBytes).toBeGreaterThan(1_000);
    }
    // Every request appended one event, and the handler's log and EMF lines were counted, not printed.
    expect(row['appendedEventsChecked']).toBe(row['ours'].requests + row['baseline'].requests);
    expect(row['ours'].logLinesPerRequest).toBeGreaterThanOrEqual(1);
    expect(row['growthBytesPerDrawdown']).toBeGreaterThan(0);
    // It leaves the process as it found it: environment, and the system clock it pinned.
    expect(Object.fromEntries(ENV_SET_BY_THE_BENCHMARK.map((name) => [name, process.env[name]]))).toEqual(before);
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('bounds each facility to MAX_DRAWDOWNS_PER_FACILITY, under the product limit of 20 open drawdowns with 2 seeded', () => {
    expect(MAX_DRAWDOWNS_PER_FACILITY + 2).toBeLessThanOrEqual(20);
  });
});

describe('ledger-fixture helpers', () => {
  it('captureStdout counts what is written and puts process.stdout.write back', () => {
    const original = process.stdout.write;
    const captured = captureStdout();
    process.stdout.write('one line\n');
    process.stdout.write(Buffer.from('two\nlines\n'));
    expect(captured.restore()).toEqual({ bytes: 19, lines: 3 });
    expect(process.stdout.write).toBe(original);
  });

  it('withEnv sets variables and restores set and unset ones', () => {
    process.env['BENCH_TEST_SET'] = 'before';
    delete process.env['BENCH_TEST_UNSET'];
    const restore = withEnv({ BENCH_TEST_SET: 'during', BENCH_TEST_UNSET: 'during' });
    expect([process.env['BENCH_TEST_SET'], process.env['BENCH_TEST_UNSET']]).toEqual(['during', 'during']);
    restore();
    expect(process.env['BENCH_TEST_SET']).toBe('before');
    expect('BENCH_TEST_UNSET' in process.env).toBe(false);
    delete process.env['BENCH_TEST_SET'];
  });

  it('percentile by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
});
