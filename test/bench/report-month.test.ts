import { describe, expect, it } from 'vitest';
import { MONTH, run } from '../../bench/report-month.ts';
import { toJson } from '../../bench/report.ts';

describe('month report benchmark (quick mode)', () => {
  it('returns report-month: the month report reads two reports, the baseline the month’s 31 (no timing assertions)', { timeout: 60_000 }, async () => {
    const rows = await run({ quick: true, log: () => {} });
    expect(rows.map((r) => r.id)).toEqual(['report-month']);
    const row = (JSON.parse(JSON.stringify(toJson(rows))) as Record<string, Record<string, any>>)['report-month']!;
    expect(row).toMatchObject({ target: 1, better: 'higher', month: MONTH, facilities: 320 });
    expect(row['ratio']).toBeGreaterThan(0);
    expect(row['ours']).toMatchObject({ unit: 'month reports/s', reportsRead: 2 });
    expect(row['baseline']).toMatchObject({ unit: 'month reports/s', reportsRead: 31 });
    // Both read the same month: a month's worth of new lending was kept.
    expect(row['monthNewLending'].count).toBeGreaterThan(0);
  });
});
