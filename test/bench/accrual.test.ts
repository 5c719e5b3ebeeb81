import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { interestFen } from '#domain/accrual.ts';
import {
  CorrectnessError,
  DRAWDOWNS_PER_FACILITY,
  bucketsAsOf,
  buildPortfolio,
  checkCorrectness,
  run,
  toDecimals,
  valueAllDecimal,
  valueAllOurs,
} from '../../bench/accrual.ts';
import { toJson } from '../../bench/report.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROW_IDS = ['accrual-vs-decimal', 'accrual-vs-float'];

describe('accrual benchmark data', () => {
  it('is deterministic: the same seed builds the same portfolio', () => {
    const a = buildPortfolio(500);
    const b = buildPortfolio(500);
    expect(a.accFenDays).toEqual(b.accFenDays);
    expect(a.principalFen).toEqual(b.principalFen);
    expect(buildPortfolio(500, 7).accFenDays).not.toEqual(a.accFenDays);
  });

  it('stays within the brief: principal 1 000.00 – 5 000 000.00 yuan, 25 000 – 60 000 ppm, 1 – 3 buckets, 0 – 92 days, accumulators up to ~2^50', () => {
    const p = buildPortfolio(2_000);
    const range = (values: Iterable<number>) => {
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
      return [min, max];
    };
    const rates: number[] = [];
    const accs: number[] = [];
    for (let j = 0; j < p.facilities * DRAWDOWNS_PER_FACILITY; j++) {
      for (let b = 0; b < p.bucketCount[j]!; b++) [rates[rates.length], accs[accs.length]] = [p.ratePpm[j * 3 + b]!, p.accFenDays[j * 3 + b]!];
    }
    const [minPrincipal, maxPrincipal] = range(p.principalFen);
    expect(minPrincipal).toBeGreaterThanOrEqual(100_000);
    expect(maxPrincipal).toBeLessThanOrEqual(500_000_000);
    expect(range(Array.from(p.cursorDay, (c) => p.asOfDay + 1 - c))).toEqual([0, 92]);
    expect(range(p.bucketCount)).toEqual([1, 3]);
    const [minRate, maxRate] = range(rates);
    expect(minRate).toBeGreaterThanOrEqual(25_000);
    expect(maxRate).toBeLessThanOrEqual(60_000);
    const [, maxAcc] = range(accs);
    expect(maxAcc).toBeGreaterThan(2 ** 48);
    expect(maxAcc).toBeLessThan(2 ** 51);
  });
});

describe('accrual benchmark correctness check', () => {
  const p = buildPortfolio(2_000);
  const decimals = toDecimals(p, 2_000);

  it('passes on a small data set: the exact kernel equals the BigInt oracle on every drawdown, decimal.js on every facility', () => {
    const report = checkCorrectness(p, decimals);
    expect(report.drawdownsChecked).toBe(6_000);
    expect(report.kernelsChecked).toEqual(['ours']);
    expect(report.facilitiesCheckedAgainstDecimal).toBe(2_000);
    expect(report.halfFenTies).toBeGreaterThan(20);
  });

  it('the timed loops agree with each other', () => {
    expect(valueAllDecimal(p, decimals)).toBe(valueAllOurs(p));
  });

  it('catches a wrong kernel: half-even rounding differs on the half-fen ties', () => {
    const halfEven = (q: typeof p, j: number, basisDays: number) => interestFen(bucketsAsOf(q, j), basisDays, 'HALF_EVEN');
    expect(() => checkCorrectness(p, toDecimals(p, 0), { halfEven })).toThrow(CorrectnessError);
  });
});

describe('accrual benchmark output (quick mode)', () => {
  it('run() returns the two rows with positive ratios and the benchmark targets (no timing assertions)', async () => {
    const rows = await run({ quick: true, log: () => {} });
    expect(rows.map((r) => r.id)).toEqual(ROW_IDS);
    for (const row of rows) {
      expect(Number.isFinite(row.ratio) && row.ratio > 0).toBe(true);
      expect(row.ours.unit).toBe('facilities/s');
      expect(row.baseline.value).toBeGreaterThan(0);
    }
    expect(rows.map((r) => r.target)).toEqual([50, 0.5]);
    const json = JSON.parse(JSON.stringify(toJson(rows))) as Record<string, { ratio: number; target: number; ours: object; baseline: object }>;
    expect(Object.keys(json)).toEqual(ROW_IDS);
    expect(json['accrual-vs-float']!.target).toBe(0.5);
  });

  it('`bench/run.ts --json --quick --only accrual` prints exactly one parseable JSON object on stdout', () => {
    const child = spawnSync(process.execPath, ['bench/run.ts', '--json', '--quick', '--only', 'accrual'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    const parsed = JSON.parse(child.stdout) as Record<string, { ratio: number; target: number }>;
    expect(Object.keys(parsed)).toEqual(ROW_IDS);
    for (const id of ROW_IDS) expect(typeof parsed[id]!.ratio).toBe('number');
  });

  it('refuses an unknown benchmark id with exit code 2 and nothing on stdout', () => {
    const child = spawnSync(process.execPath, ['bench/run.ts', '--json', '--only', 'no-such-bench'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toContain('accrual-vs-decimal');
  });
});
