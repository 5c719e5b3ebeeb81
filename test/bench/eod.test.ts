import { describe, expect, it } from 'vitest';
import { EOD_DATE, equalShardIds, rangeOfShard, RANGES, run } from '../../bench/eod.ts';
import { eodShardOf } from '#ledger/schema.ts';
import { toJson } from '../../bench/report.ts';

describe('end-of-day benchmark (quick mode)', () => {
  it('returns eod-vs-read with the §12 target; the day was ordinary: every facility read, valued, nothing written (no timing assertions)', { timeout: 60_000 }, async () => {
    const rows = await run({ quick: true, log: () => {} });
    expect(rows.map((r) => r.id)).toEqual(['eod-vs-read']);
    const json = JSON.parse(JSON.stringify(toJson(rows))) as Record<string, Record<string, any>>;
    const row = json['eod-vs-read']!;
    expect(row).toMatchObject({ target: 0.8, better: 'higher', date: EOD_DATE, shards: 1024, ranges: 16 });
    expect(row['ratio']).toBeGreaterThan(0);
    const facilities = row['portfolio'].facilities;
    const perShard = facilities / 16;
    expect(row['checkedRun']).toEqual({ processed: facilities, changed: 0, failed: 0 });
    // Timed range by range: every range holds the same number of facilities, each call reads them all.
    expect(row['ours']).toMatchObject({ unit: 'facilities/s', facilities, facilitiesPerShard: perShard, checksum: perShard });
    expect(row['baseline']).toMatchObject({ unit: 'facilities/s', facilities, facilitiesPerShard: perShard, checksum: perShard });
    // Valued: every facility with something outstanding, with interest accrued.
    expect(row['valued']).toBe(facilities);
    expect(row['portfolio'].drawn).toBeGreaterThan(facilities / 2);
    expect(row['principalOutstandingFen']).toBeGreaterThan(0);
    expect(row['accruedInterestFen']).toBeGreaterThan(0);
  });
});

describe('end-of-day benchmark data', () => {
  it('spreads facility ids evenly over the 16 timed ranges of shards', () => {
    expect(RANGES).toHaveLength(16);
    const ids = equalShardIds('t', 320);
    const perShard = new Array<number>(16).fill(0);
    for (const id of ids) perShard[rangeOfShard(eodShardOf(id))]! += 1;
    expect(new Set(ids).size).toBe(320);
    expect(perShard).toEqual(new Array<number>(16).fill(20));
  });
});
