/**
 * The benchmark contract and the timing loop every benchmark shares. The README's Benchmarks targets: absolute times on
 * these machines are noise, so a benchmark reports a ratio of two speeds measured in the same run,
 * with the raw figures beside it.
 *
 * Timing: warm every contender up, size a batch so one sample lasts at least `minSampleMs`, then run
 * `rounds` rounds, each timing one batch of every contender, in forward order on even rounds and
 * reverse order on odd ones so drift and thermal noise fall on both sides. A ratio is the median of
 * the per-round ratios. (tinybench and friends time one task to completion before the next, which
 * is exactly the drift this avoids.)
 */

export interface BenchContext {
  /** Smoke-run sizes: seconds, not tens of seconds. */
  quick: boolean;
  /** Progress notes. They go to stderr so `--json` keeps stdout to the one JSON object. */
  log(message: string): void;
}

/** One side of a comparison: the headline figure with its unit, and any raw figures worth keeping. */
export interface Figures {
  label: string;
  value: number;
  unit: string;
  [raw: string]: unknown;
}

export interface ResultRow {
  id: string;
  title: string;
  /** ours ÷ baseline, e.g. our speed ÷ the baseline's speed. */
  ratio: number;
  target: number;
  /** 'higher' (default): the ratio must reach the target; 'lower': it must stay at or under it (sizes). */
  better?: 'higher' | 'lower';
  ours: Figures;
  baseline: Figures;
  /** Anything else a reader needs to trust the figures: sizes, checks done, per-round ratios. */
  details?: Record<string, unknown>;
  /** Lines for the human-readable table only (the JSON carries the same facts in `details`). */
  notes?: string[];
}

/** What a benchmark module exports: `run`, sync or async, returning one row per comparison. */
export interface BenchmarkModule {
  run(context: BenchContext): ResultRow[] | Promise<ResultRow[]>;
}

export function passes(row: ResultRow): boolean {
  return row.better === 'lower' ? row.ratio <= row.target : row.ratio >= row.target;
}

export interface Contender {
  /** Units of work one call does (facilities valued, commands sent). */
  ops: number;
  /** Does the work once and returns a checksum of its results, so nothing can be optimised away. */
  run(): number | Promise<number>;
}

export interface RoundsOptions {
  rounds: number;
  /** Per contender, before sizing the batch. */
  warmupMs: number;
  /** A sample times at least this long a batch of calls. */
  minSampleMs: number;
  log?: (message: string) => void;
}

export interface Samples {
  /** ops/s, one per round, in round order. */
  opsPerSec: number[];
  /** Calls per sample. */
  batch: number;
  /** The checksum every call returned (they must all agree). */
  checksum: number;
}

/** Bounds on the loop: a mis-sized benchmark fails fast rather than running for an hour. */
export const MAX_ROUNDS = 50;
export const MAX_BATCH = 100_000;

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Runs the contenders in alternating order for `rounds` rounds; see the header. */
export async function measureRounds(contenders: Record<string, Contender>, options: RoundsOptions): Promise<Record<string, Samples>> {
  const names = Object.keys(contenders);
  if (names.length === 0) throw new Error('measureRounds needs at least one contender');
  if (!(options.rounds >= 1 && options.rounds <= MAX_ROUNDS)) throw new RangeError(`rounds must be in 1..${MAX_ROUNDS}`);
  const samples: Record<string, Samples> = {};
  for (const name of names) {
    const { batch, checksum } = await warmUp(name, contenders[name]!, options);
    samples[name] = { opsPerSec: [], batch, checksum };
  }
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const contender = contenders[name]!;
      const sample = samples[name]!;
      gc?.();
      const started = performance.now();
      for (let i = 0; i < sample.batch; i++) {
        const result = contender.run();
        const checksum = typeof result === 'number' ? result : await result;
        if (checksum !== sample.checksum) throw new Error(`${name}: checksum changed between calls (${sample.checksum} then ${checksum}); the work is not deterministic`);
      }
      const seconds = (performance.now() - started) / 1000;
      sample.opsPerSec.push((sample.batch * contender.ops) / seconds);
    }
    options.log?.(`  round ${round + 1}/${options.rounds}: ${names.map((n) => `${n} ${formatSi(samples[n]!.opsPerSec[round]!)}/s`).join(', ')}`);
  }
  return samples;
}

async function warmUp(name: string, contender: Contender, options: RoundsOptions): Promise<{ batch: number; checksum: number }> {
  let calls = 0;
  let checksum = 0;
  let lastCallMs = 0;
  const started = performance.now();
  // At least two calls: the first one pays for compilation and is no guide to the batch size.
  while (calls < 2 || performance.now() - started < options.warmupMs) {
    const callStarted = performance.now();
    checksum = await contender.run();
    lastCallMs = performance.now() - callStarted;
    calls++;
  }
  const batch = Math.min(MAX_BATCH, Math.max(1, Math.ceil(options.minSampleMs / Math.max(lastCallMs, 1e-3))));
  options.log?.(`  warmed up ${name}: ${calls} calls, ${lastCallMs.toFixed(1)} ms per call, ${batch} per sample`);
  return { batch, checksum };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median over rounds of ours[i] / theirs[i]: each ratio compares two samples taken side by side. */
export function medianRatio(ours: readonly number[], theirs: readonly number[]): number {
  if (ours.length !== theirs.length) throw new RangeError('ratio of sample series of different lengths');
  return median(ours.map((value, i) => value / theirs[i]!));
}

/** Speed figures of one contender: median ops/s and its spread over the rounds. */
export function speedFigures(label: string, unit: string, samples: Samples, raw: Record<string, unknown> = {}): Figures {
  return {
    label,
    value: median(samples.opsPerSec),
    unit,
    min: Math.min(...samples.opsPerSec),
    max: Math.max(...samples.opsPerSec),
    rounds: samples.opsPerSec.length,
    callsPerSample: samples.batch,
    checksum: samples.checksum,
    ...raw,
  };
}

/** 1234567 → "1.23 M"; 0.5 → "0.500". Three significant digits. */
export function formatSi(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const [scaled, suffix] = abs >= 1e9 ? [value / 1e9, ' G'] : abs >= 1e6 ? [value / 1e6, ' M'] : abs >= 1e3 ? [value / 1e3, ' k'] : [value, ''];
  return `${scaled.toPrecision(3)}${suffix}`;
}

/** Seeded PRNG (mulberry32) for benchmark data: deterministic, no Math.random. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
