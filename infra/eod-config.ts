/**
 * How the nightly end of day spreads its work, as configuration (CDK context), not code:
 *
 *   credit:eodGroups        Map items: the 1 024 shards cut into this many contiguous ranges
 *   credit:eodConcurrency   ranges running at once
 *
 * Plain data without CDK, so the scale model (bench/eod-scale.ts) reads the very values the
 * stack deploys. Past the inline Map's limits the state machine uses a Distributed Map.
 */
import { EOD_SHARD_COUNT } from '#ledger/schema.ts';

export const EOD_CONTEXT = {
  groups: 'credit:eodGroups',
  concurrency: 'credit:eodConcurrency',
} as const;

export interface EodRunConfig {
  /** Ranges of shards, one Map item each (1..EOD_SHARD_COUNT). */
  readonly groups: number;
  /** Ranges at once (Map MaxConcurrency). */
  readonly concurrency: number;
}

/** Sized by the scale model for 10 M facilities in well under an hour (docs/end-of-day.md); a small book pays only empty pages for it. */
export const EOD_RUN_DEFAULTS: EodRunConfig = { groups: 64, concurrency: 16 };

/** An inline Map runs at most 40 iterations at once. */
export const INLINE_MAP_MAX_CONCURRENCY = 40;
/**
 * Items an inline Map takes here: the whole run shares one execution history of 25 000 events, and
 * a range costs ~5 events plus ~7 per invocation; 128 ranges of up to 20 invocations stay far below.
 */
export const INLINE_MAP_MAX_ITEMS = 128;
/** A Distributed Map runs up to 10 000 child workflows at once; more would only queue at Lambda and DynamoDB. */
const DISTRIBUTED_MAP_MAX_CONCURRENCY = 1_000;

/** The eod-shard function: the timeout its time margin is sized against (shared/app/eod.ts EOD_TIME_MARGIN_MS) and its memory. */
export const EOD_SHARD_TIMEOUT_SECONDS = 600;
export const EOD_SHARD_MEMORY_MB = 1024;

export type MapMode = 'INLINE' | 'DISTRIBUTED';

export function mapModeOf(config: EodRunConfig): MapMode {
  return config.groups <= INLINE_MAP_MAX_ITEMS && config.concurrency <= INLINE_MAP_MAX_CONCURRENCY ? 'INLINE' : 'DISTRIBUTED';
}

/** The run's configuration from context values (numbers, or strings from `-c key=value`); refuses nonsense at synth. */
export function eodRunConfig(lookup: (key: string) => unknown): EodRunConfig {
  const groups = intContext(lookup, EOD_CONTEXT.groups, EOD_RUN_DEFAULTS.groups, 1, EOD_SHARD_COUNT);
  const concurrency = intContext(lookup, EOD_CONTEXT.concurrency, EOD_RUN_DEFAULTS.concurrency, 1, DISTRIBUTED_MAP_MAX_CONCURRENCY);
  return { groups, concurrency };
}

function intContext(lookup: (key: string) => unknown, key: string, fallback: number, min: number, max: number): number {
  const raw = lookup(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`context ${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
