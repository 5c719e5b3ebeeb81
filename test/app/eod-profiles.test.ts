/**
 * End of day reads each borrower's profile once per invocation, page by page: after a page, the borrowers
 * it met first, in one BatchGetItem (a page has at most 100 facilities), read while the next page is
 * processed; the step hands back only once every read is in, and a failed read fails the step.
 */
import { describe, expect, it } from 'vitest';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { EOD_PAGE_SIZE, runEodRange } from '#app/eod.ts';
import { openFacility } from '#app/facilities.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import type { LedgerStore } from '#ledger/journal.ts';
import { SHARDS_PER_PARTITION, eodShardOf, shardIndexSk } from '#ledger/schema.ts';
import { freshTable, instantRuntime, ledgerClient, ledgerStore } from '../setup/ledger.ts';

/** The store's own member (its methods use private fields, so they run on the store, not the proxy). */
function bound(target: object, property: string | symbol): unknown {
  const value = Reflect.get(target, property, target) as unknown;
  return typeof value === 'function' ? value.bind(target) : value;
}

/** One index partition's shards: one segment, paged EOD_PAGE_SIZE at a time. */
const RANGE = { from: 0, to: SHARDS_PER_PARTITION };
const FACILITIES = EOD_PAGE_SIZE + 5;

/**
 * 105 facilities of the range, in the order the shard index pages them: the facility at position p
 * belongs to borrower B⌊p/2⌋, except the last (p = 104), which belongs to B0 again. Page 1 (p 0–99)
 * meets B0–B49; page 2 (p 100–104) meets B50 and B51 first, and B0 once more.
 */
async function book(prefix: string): Promise<{ deps: AppDeps; store: LedgerStore; calls: string[][] }> {
  const client = ledgerClient();
  const tableName = await freshTable(client, prefix.toLowerCase());
  const real = ledgerStore(client, { tableName });
  const calls: string[][] = [];
  const store = new Proxy(real, {
    get: (target, property) =>
      property === 'getBorrowers'
        ? (ids: readonly string[]) => {
            calls.push([...ids]);
            return target.getBorrowers(ids);
          }
        : bound(target, property),
  }) as LedgerStore;
  const deps = createAppDeps({ store, runtime: instantRuntime, product: DEFAULT_PRODUCT });
  await deps.lpr.publish({ date: '2025-12-22', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
  const ids: string[] = [];
  for (let n = 0; ids.length < FACILITIES; n++) if (eodShardOf(`${prefix}-${n}`) < RANGE.to) ids.push(`${prefix}-${n}`);
  ids.sort((a, b) => (shardIndexSk(eodShardOf(a), a) < shardIndexSk(eodShardOf(b), b) ? -1 : 1));
  for (const [p, facilityId] of ids.entries()) {
    const borrowerId = `${prefix}-B${p === FACILITIES - 1 ? 0 : Math.floor(p / 2)}`;
    await openFacility(deps, { date: '2026-01-01', actor: 'channel:test' }, { facilityId, borrowerId, limitFen: 1_000_000_00, effectiveDate: '2026-01-01', maturityDate: '2026-12-31', spreadBp: 45 });
  }
  await real.putBorrowerProfile(`${prefix}-B0`, { borrowerType: 'INDIVIDUAL_BUSINESS', priorBankLoan: false }, 0);
  await real.putBorrowerProfile(`${prefix}-B51`, { borrowerType: 'FARMER' }, 0);
  return { deps, store, calls };
}

describe('borrower profiles in end of day', () => {
  it('are read page by page, each borrower once, and every borrower handed back carries its facts', async () => {
    const { deps, calls } = await book('PROFILES');
    const step = await runEodRange(deps, '2026-01-10', RANGE);
    expect(step.part.processed).toBe(FACILITIES);
    expect(calls.map((ids) => ids.length)).toEqual([50, 2]);
    expect(calls[1]).toEqual(['PROFILES-B50', 'PROFILES-B51']);
    expect(step.borrowers).toHaveLength(52);
    const facts = new Map(step.borrowers.map((b) => [b.borrowerId, b.facts]));
    expect(facts.get('PROFILES-B0')).toEqual({ borrowerType: 'INDIVIDUAL_BUSINESS', enterpriseSize: null, collateral: undefined, priorBankLoan: false });
    expect(facts.get('PROFILES-B51')).toMatchObject({ borrowerType: 'FARMER', priorBankLoan: 'unknown' });
    // Met without a profile: read, and none found.
    expect(facts.get('PROFILES-B50')).toBeNull();
    // B0's two pages' facilities are one borrower's sums: 2 + 1 limits of 1 000 000.00.
    expect(step.borrowers.find((b) => b.borrowerId === 'PROFILES-B0')!.creditFen).toBe(3 * 1_000_000_00);
  });

  it('a failed profile read fails the step (it is awaited, never left unhandled)', async () => {
    const { deps } = await book('PROFAIL');
    const failing = createAppDeps({
      store: new Proxy(deps.store, { get: (t, p) => (p === 'getBorrowers' ? () => Promise.reject(new Error('store down')) : bound(t, p)) }),
      runtime: instantRuntime,
      product: DEFAULT_PRODUCT,
    });
    await expect(runEodRange(failing, '2026-01-10', RANGE)).rejects.toThrow('store down');
  });
});
