/**
 * The debtor-level class (债务人维度, 2023 rule) end of day records: every facility of one ENTERPRISE
 * borrower reports the worst class among them, whichever shard or order end of day meets them in.
 *
 * The borrower's two lines, opened 2026-01-01: A draws 1 000 000.00 on 2026-01-05 for 10 days (matures
 * 2026-01-15) and never pays: overdue from the 16th, DPD 91 on 2026-04-16, SUBSTANDARD that morning.
 * B draws nothing and stays NORMAL on its own.
 */
import { describe, expect, it } from 'vitest';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { runEod, runEodRange } from '#app/eod.ts';
import { drawdown, openFacility } from '#app/facilities.ts';
import { facilityView } from '#app/views.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import type { FacilityState } from '#domain/state.ts';
import { valuationAsOf } from '#domain/valuation.ts';
import { eodShardOf } from '#ledger/schema.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore } from '../setup/ledger.ts';

const ctx = (date: string, key: string) => ({ date, idempotencyKey: key, actor: 'channel:test' });

/** Two facility ids in different EOD shards, so the order of shards is the order they are met in. */
function idsInTwoShards(prefix: string): [string, string] {
  const a = `${prefix}-A`;
  for (let n = 0; n < 1_000; n++) {
    const b = `${prefix}-B${n}`;
    if (eodShardOf(b) !== eodShardOf(a)) return [a, b];
  }
  throw new Error('no second shard found');
}

async function borrowerWithTwoLines(prefix: string, profile?: { borrowerType: string }): Promise<{ deps: AppDeps; a: string; b: string }> {
  const client = ledgerClient();
  const tableName = await freshTable(client, prefix.toLowerCase());
  const deps = createAppDeps({ store: ledgerStore(client, { tableName }), runtime: instantRuntime, product: DEFAULT_PRODUCT });
  await deps.lpr.publish({ date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
  const borrowerId = `${prefix}-BOR`;
  if (profile !== undefined) await deps.store.putBorrowerProfile(borrowerId, profile, 0);
  const [a, b] = idsInTwoShards(prefix);
  for (const facilityId of [a, b]) {
    await openFacility(deps, { date: '2026-01-01', actor: 'channel:test' }, { facilityId, borrowerId, limitFen: 2_000_000_00, effectiveDate: '2026-01-01', maturityDate: '2026-12-31', spreadBp: 45 });
  }
  await drawdown(deps, a, ctx('2026-01-05', 'd1'), { amountFen: 1_000_000_00, termDays: 10 });
  return { deps, a, b };
}

const stateOf = async (deps: AppDeps, id: string) => (await deps.store.loadLatest<FacilityState>(id))!.state;

describe('the debtor-level class across two facilities of one ENTERPRISE borrower', () => {
  it('A at DPD 91 is SUBSTANDARD; end of day records SUBSTANDARD on B, whose own class stays NORMAL', async () => {
    const { deps, a, b } = await borrowerWithTwoLines('DEBTOR1');
    await runEod(deps, '2026-04-15');
    const stateA = await stateOf(deps, a);
    const stateB = await stateOf(deps, b);
    expect(stateA).toMatchObject({ classification: 'SUBSTANDARD', borrowerClassification: null });
    expect(stateB).toMatchObject({ classification: 'NORMAL', borrowerClassification: 'SUBSTANDARD', businessDate: '2026-04-16' });
    // The facility view shows both; reports and renewal read the borrower's.
    expect(facilityView(valuationAsOf(stateB, '2026-04-16'))).toMatchObject({ classification: 'NORMAL', borrowerClassification: 'SUBSTANDARD' });
    const journal = await deps.store.loadEvent<FacilityState>(b, (await deps.store.loadLatest<FacilityState>(b))!.seq);
    expect((journal!.data as { events: { type: string; data: unknown }[] }).events.at(-1)).toEqual({
      type: 'BorrowerClassificationChanged',
      date: '2026-04-15',
      data: { from: 'NORMAL', to: 'SUBSTANDARD', classification: 'NORMAL', borrowerClassification: 'SUBSTANDARD', reason: 'borrower class' },
    });
    // Running the date again changes nothing.
    const again = await runEod(deps, '2026-04-15');
    expect(again.changed).toBe(0);
  });

  it('the day before (DPD 90) A is SPECIAL_MENTION, and B, NORMAL on its own, reports SPECIAL_MENTION', async () => {
    const { deps, b } = await borrowerWithTwoLines('DEBTOR2');
    await runEod(deps, '2026-04-14');
    expect(await stateOf(deps, b)).toMatchObject({ classification: 'NORMAL', borrowerClassification: 'SPECIAL_MENTION' });
  });

  it('gives the same states whichever facility end of day meets first', async () => {
    const forward = await borrowerWithTwoLines('ORDER1');
    const backward = await borrowerWithTwoLines('ORDER2');
    const shardOf = (id: string) => ({ from: eodShardOf(id), to: eodShardOf(id) + 1 });
    await runEodRange(forward.deps, '2026-04-15', shardOf(forward.a));
    await runEodRange(forward.deps, '2026-04-15', shardOf(forward.b));
    await runEodRange(backward.deps, '2026-04-15', shardOf(backward.b));
    await runEodRange(backward.deps, '2026-04-15', shardOf(backward.a));
    const strip = (s: FacilityState) => ({ ...s, facilityId: '', borrowerId: '', drawdowns: s.drawdowns.map((d) => ({ ...d, drawdownId: '' })) });
    expect(strip(await stateOf(forward.deps, forward.a))).toEqual(strip(await stateOf(backward.deps, backward.a)));
    expect(strip(await stateOf(forward.deps, forward.b))).toEqual(strip(await stateOf(backward.deps, backward.b)));
    expect((await stateOf(backward.deps, backward.b)).borrowerClassification).toBe('SUBSTANDARD');
  });

  it('does not apply to a non-enterprise borrower (个体工商户): each facility keeps its own class', async () => {
    const { deps, b } = await borrowerWithTwoLines('RETAIL', { borrowerType: 'INDIVIDUAL_BUSINESS' });
    await runEod(deps, '2026-04-15');
    expect(await stateOf(deps, b)).toMatchObject({ classification: 'NORMAL', borrowerClassification: null });
  });
});
