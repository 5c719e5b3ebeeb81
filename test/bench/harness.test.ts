import { describe, expect, it } from 'vitest';
import { type ResultRow, measureRounds, median, medianRatio, passes, seededRandom } from '../../bench/harness.ts';
import { formatTable, toJson } from '../../bench/report.ts';

function row(id: string, ratio: number, target: number, better?: 'higher' | 'lower'): ResultRow {
  const figures = { label: id, value: 1, unit: 'ops/s' };
  return { id, title: id, ratio, target, ...(better ? { better } : {}), ours: figures, baseline: figures };
}

describe('bench harness', () => {
  it('median and the median of per-round ratios', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // Round 2 is slow for both sides: paired ratios ignore it, a ratio of medians would not.
    expect(medianRatio([10, 1, 10], [5, 0.5, 5])).toBe(2);
  });

  it('runs sync and async contenders for the rounds asked, with one sample per round each', async () => {
    let calls = 0;
    const samples = await measureRounds(
      {
        sync: { ops: 10, run: () => 42 },
        async: { ops: 1, run: async () => (calls++, 7) },
      },
      { rounds: 3, warmupMs: 1, minSampleMs: 1 },
    );
    expect(samples.sync!.opsPerSec).toHaveLength(3);
    expect(samples.async!.opsPerSec).toHaveLength(3);
    expect(samples.sync!.checksum).toBe(42);
    expect(calls).toBeGreaterThan(3);
  });

  it('refuses a contender whose checksum changes between calls', async () => {
    let n = 0;
    await expect(measureRounds({ drifting: { ops: 1, run: () => n++ } }, { rounds: 2, warmupMs: 0, minSampleMs: 0 })).rejects.toThrow(/checksum changed/);
  });

  it('a seeded PRNG: same seed, same sequence, in [0, 1)', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const xs = Array.from({ length: 1_000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1_000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('names every missed target on the last line of the table; sizes pass when at or under', () => {
    const rows = [row('fast', 60, 50), row('slow', 0.4, 0.5), row('bundle', 1.1, 1.25, 'lower')];
    expect(rows.map(passes)).toEqual([true, false, true]);
    const table = formatTable(rows);
    expect(table.split('\n').at(-1)).toBe('MISSED 1 of 3 targets: slow 0.400× (target ≥ 0.500×)');
    expect(Object.keys(toJson(rows))).toEqual(['fast', 'slow', 'bundle']);
    expect(toJson(rows)['slow']).toMatchObject({ ratio: 0.4, target: 0.5, pass: false });
  });
});
