/**
 * LPR fixings (贷款市场报价利率): published monthly, looked up on every drawdown. Past fixings
 * rarely change, so each process keeps a small, short-lived cache: a drawdown then costs the
 * journal's two queries and one put, not a third query.
 */
import { DomainError, ValidationError } from '#domain/errors.ts';
import { PPM_PER_BP, formatPercent } from '#domain/rates.ts';
import type { LprFixing, LprFixings } from '#ledger/journal.ts';
import type { Clock } from '#domain/calendar.ts';
import type { LprSchedule } from '#domain/repricing.ts';

/** Fixings are multiples of 5 bp. */
const LPR_STEP_PPM = 5 * PPM_PER_BP;
const LPR_CACHE_TTL_MS = 60_000;
const LPR_CACHE_ENTRIES = 64;
/** Fixings kept for repricing floating rates: five years of monthly fixings. */
const LPR_SCHEDULE_LENGTH = 60;

function assertLprFixing(fixing: LprFixing): void {
  const issues = [];
  for (const field of ['oneYearPpm', 'fiveYearPpm'] as const) {
    const value = fixing[field];
    if (!Number.isSafeInteger(value) || value <= 0 || value % LPR_STEP_PPM !== 0) {
      issues.push({ path: field === 'oneYearPpm' ? 'oneYear' : 'fiveYear', message: 'must be a positive rate in multiples of 0.05 percentage points' });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

export class LprLookup {
  private readonly cache = new Map<string, { fixing: LprFixing; at: number }>();
  private recent: { schedule: LprSchedule; at: number } | null = null;
  private readonly store: LprFixings;
  private readonly clock: Clock;

  constructor(store: LprFixings, clock: Clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The 1Y/5Y fixing in force on `date`; 422 `lpr-not-found` when none was published by then. */
  async onOrBefore(date: string): Promise<LprFixing> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(date);
    if (hit !== undefined && now - hit.at < LPR_CACHE_TTL_MS) return hit.fixing;
    const fixing = await this.store.getLprOnOrBefore(date);
    if (fixing === null) throw new DomainError('lpr-not-found', `no LPR fixing has been published on or before ${date}`);
    if (this.cache.size >= LPR_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(date, { fixing, at: now });
    return fixing;
  }

  /** Recent 1-year fixings, ascending: what floating-rate repricing reads (see lprNeeded). */
  async schedule(): Promise<LprSchedule> {
    const now = this.clock.now().getTime();
    if (this.recent !== null && now - this.recent.at < LPR_CACHE_TTL_MS) return this.recent.schedule;
    const fixings = await this.store.listRecentLpr(LPR_SCHEDULE_LENGTH);
    const schedule = fixings.map((f) => ({ date: f.date, oneYearPpm: f.oneYearPpm })).sort((a, b) => a.date.localeCompare(b.date));
    this.recent = { schedule, at: now };
    return schedule;
  }

  /** The `limit` most recent fixings, newest first, read from the store (never cached: ops lists them right after publishing). */
  async latest(limit: number): Promise<readonly LprFixing[]> {
    const fixings = await this.store.listRecentLpr(limit);
    return [...fixings].sort((a, b) => b.date.localeCompare(a.date));
  }

  /** A new or corrected fixing: forget cached answers so it takes effect at once in this process. */
  async publish(fixing: LprFixing): Promise<void> {
    assertLprFixing(fixing);
    await this.store.putLprFixing(fixing);
    this.cache.clear();
    this.recent = null;
  }
}

/** Fixings listed when no limit is asked for: two years of monthly fixings. */
const DEFAULT_LPR_LIST_LENGTH = 24;

/** The published fixings, most recent first, as the API shows them. */
export async function listLpr(lpr: LprLookup, limit: number = DEFAULT_LPR_LIST_LENGTH): Promise<{ date: string; oneYear: string; fiveYear: string }[]> {
  const fixings = await lpr.latest(limit);
  return fixings.map((f) => ({ date: f.date, oneYear: formatPercent(f.oneYearPpm), fiveYear: formatPercent(f.fiveYearPpm) }));
}
