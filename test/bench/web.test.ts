import { describe, expect, it } from 'vitest';
import { run, WEB_JS_BUDGET_BYTES } from '../../bench/web.ts';

describe('web budget benchmark', () => {
  it('builds both apps and reports gzipped JS over the 150 KB budget, lower is better', async () => {
    const rows = await run({ quick: true, log: () => undefined });
    expect(rows.map((r) => r.id)).toEqual(['web-sme-js', 'web-ops-js']);
    for (const row of rows) {
      expect(row).toMatchObject({ target: 1, better: 'lower', baseline: { value: WEB_JS_BUDGET_BYTES, unit: 'B' } });
      expect(row.ratio).toBeCloseTo(row.ours.value / WEB_JS_BUDGET_BYTES, 12);
      // Something real was built: a bundle with Preact and uPlot is tens of kilobytes.
      expect(row.ours.value).toBeGreaterThan(10_000);
      expect(row.ratio, row.id).toBeLessThanOrEqual(1);
    }
  });
});
