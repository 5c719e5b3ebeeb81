/**
 * The end-of-day scale model: the projection as a pure function of measured per-facility figures
 * and the configured run (worked with fixed figures, so nothing here depends on this machine's
 * speed), and the benchmark's JSON shape from a quick run on the local store.
 */
import { describe, expect, it } from 'vitest';
import { CONFIGURED, projectBook, projectCob, projectDay, run, type DayMeasure } from '../../bench/eod-scale.ts';
import { toJson } from '../../bench/report.ts';
import { EOD_RUN_DEFAULTS } from '../../infra/eod-config.ts';

/** Figures of the order the local store measures (see docs/end-of-day.md). */
const measured: DayMeasure[] = [
  { kind: 'ordinary', date: '2026-02-10', facilities: 480, changed: 0, tableQueries: 1, readUnits: 1.6, bytesRead: 4_500, puts: 0, writeUnits: 0, cpuMs: 0.2, indexQueries: 16, stateItemBytes: 4_500 },
  { kind: 'settlement', date: '2026-02-20', facilities: 480, changed: 456, tableQueries: 1.95, readUnits: 3.1, bytesRead: 8_900, puts: 0.95, writeUnits: 3, cpuMs: 0.25, indexQueries: 16, stateItemBytes: 4_500 },
  { kind: 'monthEnd', date: '2026-02-28', facilities: 480, changed: 456, tableQueries: 1.95, readUnits: 2, bytesRead: 5_000, puts: 0.95, writeUnits: 2.7, cpuMs: 0.3, indexQueries: 16, stateItemBytes: 4_700 },
];

describe('the scale model', () => {
  it('the configured run finishes 10 M facilities within the hour, no invocation over 80 % of its timeout', () => {
    expect(CONFIGURED).toMatchObject(EOD_RUN_DEFAULTS);
    const row = projectBook(measured, 10_000_000);
    expect(row.minutes).toBeLessThanOrEqual(60);
    expect(row.maxInvocationShareOfTimeout).toBeLessThanOrEqual(0.8);
    // The settlement day is the longest: a read, the conditional append's reread and a write per drawn line.
    expect(row.minutes).toBe(row.days['settlement']!.minutes);
  });

  it('works the ordinary day out by hand: 1 M facilities in 64 ranges, 16 at once', () => {
    const day = projectDay(measured[0]!, 1_000_000, CONFIGURED);
    // A facility: one consistent Query (6 ms). A page: 13 rounds of 8 at once = 78 ms (CPU: 100 × (0.2 + 0.12) / (1024/1769) = 55 ms, less),
    // + 8 ms for the page of ids = 86 ms. 15 625 facilities a range: 157 pages + 1 = 158 pages = 13.6 s, one invocation.
    expect(day.facilitiesPerSecondPerInvocation).toBeCloseTo(15_625 / (158 * 0.086), 0);
    expect(day.invocations).toBe(64);
    // 4 waves of 16: 4 × (13.588 + 0.3) s + 5 s = 60.6 s.
    expect(day.minutes * 60).toBeCloseTo(4 * (158 * 0.086 + 0.3) + 5, 1);
    // Reads: 1.6 M state reads + index pages; no writes beyond the run's own parts and report.
    expect(day.readUnits).toBeGreaterThan(1_600_000);
    expect(day.writeUnits).toBe(64 * 2 + 4);
  });

  it('writes an order of magnitude less than a nightly accrual for every facility (Fineract-style COB), and costs less', () => {
    const ours = projectBook(measured, 10_000_000);
    const cob = projectCob(measured, 10_000_000);
    // COB: an event of ceil(4 500 / 1 024) = 5 write units per facility per night.
    expect(cob.writeUnitsPerDay).toBeGreaterThanOrEqual(10_000_000 * 5);
    expect(ours.writeUnitsPerDay * 10).toBeLessThan(cob.writeUnitsPerDay);
    expect(ours.monthlyCostUsd).toBeLessThan(cob.monthlyCostUsd);
  });

  it('the benchmark measures the three days on the local store and answers eod-scale with rows for 1 M and 10 M', { timeout: 180_000 }, async () => {
    const rows = await run({ quick: true, log: () => {} });
    const json = JSON.parse(JSON.stringify(toJson(rows))) as Record<string, any>;
    const scale = json['eod-scale'];
    expect(scale).toMatchObject({ target: 1, better: 'lower' });
    expect(scale.rows.map((r: { facilities: number }) => r.facilities)).toEqual([1_000_000, 10_000_000]);
    for (const row of scale.rows) {
      for (const key of ['minutes', 'readUnitsPerDay', 'writeUnitsPerDay', 'monthlyCostUsd', 'maxInvocationShareOfTimeout']) expect(row[key], key).toBeGreaterThan(0);
    }
    expect(scale.fineractCob.rows).toHaveLength(2);
    const [ordinary, settlement] = scale.measured;
    // An ordinary day reads each facility's state once and writes nothing; the settlement day writes the drawn lines.
    expect(ordinary).toMatchObject({ kind: 'ordinary', puts: 0, writeUnits: 0 });
    expect(ordinary.tableQueries).toBeCloseTo(1, 1);
    expect(settlement.kind).toBe('settlement');
    expect(settlement.puts).toBeGreaterThan(0.5);
    expect(ordinary.bytesRead).toBeGreaterThan(1_000);
  });
});
