import { describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../bench/registry.ts';

describe('benchmark registry', () => {
  it('lists every §12 row once, each module exporting run', async () => {
    const rows = BENCHMARKS.flatMap((b) => b.rows);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows).toEqual(expect.arrayContaining(['accrual-vs-decimal', 'accrual-vs-float', 'drawdown-vs-store', 'eod-vs-read', 'bundle-size', 'bundle-init', 'web-sme-js', 'web-ops-js']));
    for (const entry of BENCHMARKS) expect(typeof (await entry.load()).run).toBe('function');
  });
});
