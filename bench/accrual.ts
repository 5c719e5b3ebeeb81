/**
 * Accrual kernel: facility valuations per second (the README's Benchmarks targets).
 *
 * A valuation as of day V: for each of a facility's 3 drawdowns, the current rate bucket's
 * accumulator grows by principal × days since the drawdown's accrual cursor (算头不算尾: the cursor
 * day counts, and so does V itself), then the drawdown's interest is
 * round(Σ acc_i × rate_i / (basis × 10^6)), rounded once, half-up; the facility's figure is the sum
 * over its drawdowns (each drawdown rounds once, as `valuationAsOf` does).
 *
 *   ours     the domain kernel `interestFen`, fed from typed arrays through reused bucket objects
 *   decimal  the same arithmetic in decimal.js (Decimal, ROUND_HALF_UP), Decimals built beforehand
 *   float    the same arithmetic in plain doubles, Math.round: inexact, the ceiling
 *
 * Before any timing every drawdown's valuation is checked against the BigInt oracle `interestFenExact`.
 */
import { Decimal } from 'decimal.js';
import { interestFen, interestFenExact, type RateBucket } from '#domain/accrual.ts';
import { toDay } from '#domain/calendar.ts';
import { MAX_MONEY_FEN } from '#domain/money.ts';
import { type BenchContext, type ResultRow, measureRounds, medianRatio, seededRandom, speedFigures } from './harness.ts';

export const DRAWDOWNS_PER_FACILITY = 3;
export const MAX_BUCKETS_PER_DRAWDOWN = 3;
const PPM = 1_000_000;
/** Facility interest totals are folded into the checksum modulo 2^52, so the sum stays exact in a double. */
const CHECKSUM_MODULUS = 2 ** 52;

/**
 * Full: a run of this benchmark takes ~20 s on a shared 2-core machine. decimal.js, 50–80× slower, is
 * checked on `decimalChecked` facilities and timed on the first `decimalTimed` (same data, same
 * order; speeds are per facility, and the small slice only helps decimal.js fit the caches).
 */
export const SIZES = {
  full: { facilities: 300_000, decimalChecked: 30_000, decimalTimed: 10_000, rounds: 9, warmupMs: 300, minSampleMs: 200 },
  quick: { facilities: 5_000, decimalChecked: 5_000, decimalTimed: 1_000, rounds: 3, warmupMs: 30, minSampleMs: 20 },
} as const;

/**
 * A portfolio in flat typed arrays. Drawdown j of facility f is j = f·3 + k; its bucket slots are
 * j·3 … j·3 + bucketCount[j] − 1, the last one at the drawdown's current rate.
 */
export interface Portfolio {
  facilities: number;
  /** Valuation day (days since 1970-01-01); its own interest is included. */
  asOfDay: number;
  /** Per facility: 360 or 365. */
  basisDays: Uint16Array;
  /** Per drawdown. */
  principalFen: Float64Array;
  /** Per drawdown: first day not yet in the accumulators. */
  cursorDay: Int32Array;
  /** Per drawdown: 1 … 3. */
  bucketCount: Uint8Array;
  /** Per bucket slot. */
  ratePpm: Int32Array;
  /** Per bucket slot: stored fen-days. */
  accFenDays: Float64Array;
}

/** Share of drawdowns built to land exactly on a half fen, so half-up rounding is exercised. */
const TIE_SHARE = 0.01;

/**
 * Deterministic, realistic data: principal 1 000.00 – 5 000 000.00 yuan (log-uniform), rates
 * 25 000 – 60 000 ppm, 1 – 3 buckets, stored accumulators log-uniform up to 2^50, 0 – 92 days since
 * the cursor, ACT/360 for most facilities and ACT/365 for a sixth. About 1% of drawdowns are exact
 * half-fen ties: one bucket at rate = basis × 100 ppm, accumulator ≡ 5 000 (mod 10 000) fen-days.
 */
export function buildPortfolio(facilities: number, seed = 20260620): Portfolio {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  // 53 random bits (one draw has 32), so large accumulators get random low digits too.
  const fraction53 = () => (Math.floor(random() * 2 ** 21) * 2 ** 32 + Math.floor(random() * 2 ** 32)) / 2 ** 53;
  const drawdowns = facilities * DRAWDOWNS_PER_FACILITY;
  const slots = drawdowns * MAX_BUCKETS_PER_DRAWDOWN;
  const p: Portfolio = {
    facilities,
    asOfDay: toDay('2026-06-20'),
    basisDays: new Uint16Array(facilities),
    principalFen: new Float64Array(drawdowns),
    cursorDay: new Int32Array(drawdowns),
    bucketCount: new Uint8Array(drawdowns),
    ratePpm: new Int32Array(slots),
    accFenDays: new Float64Array(slots),
  };
  for (let f = 0; f < facilities; f++) {
    const basis = random() < 1 / 6 ? 365 : 360;
    p.basisDays[f] = basis;
    for (let k = 0; k < DRAWDOWNS_PER_FACILITY; k++) {
      const j = f * DRAWDOWNS_PER_FACILITY + k;
      const days = int(0, 92);
      p.cursorDay[j] = p.asOfDay + 1 - days;
      const base = j * MAX_BUCKETS_PER_DRAWDOWN;
      if (random() < TIE_SHARE) {
        // Whole hundreds of yuan, so principal × days keeps the accumulator ≡ 5 000 (mod 10 000).
        p.principalFen[j] = int(10, 50_000) * 10_000;
        p.bucketCount[j] = 1;
        p.ratePpm[base] = basis * 100;
        p.accFenDays[base] = int(0, 2 ** 30) * 10_000 + 5_000;
        continue;
      }
      p.principalFen[j] = Math.round(100_000 * 5_000 ** random());
      const count = int(1, MAX_BUCKETS_PER_DRAWDOWN);
      p.bucketCount[j] = count;
      for (let b = 0; b < count; b++) {
        p.ratePpm[base + b] = int(25_000, 60_000);
        // Log-uniform magnitude up to 2^50: products acc × rate reach 2^66.
        p.accFenDays[base + b] = Math.floor(fraction53() * 2 ** int(20, 50));
      }
    }
  }
  assertPortfolio(p);
  return p;
}

/** The bounds the kernels rely on (docs/lending-rules.md): safe-integer money and accumulators. */
function assertPortfolio(p: Portfolio): void {
  for (let j = 0; j < p.principalFen.length; j++) {
    const principal = p.principalFen[j]!;
    const days = p.asOfDay + 1 - p.cursorDay[j]!;
    if (!(Number.isSafeInteger(principal) && principal > 0 && principal <= MAX_MONEY_FEN)) throw new Error(`drawdown ${j}: bad principal ${principal}`);
    if (!(days >= 0 && days <= 92)) throw new Error(`drawdown ${j}: bad day count ${days}`);
    const last = j * MAX_BUCKETS_PER_DRAWDOWN + p.bucketCount[j]! - 1;
    if (!Number.isSafeInteger(p.accFenDays[last]! + principal * days)) throw new Error(`drawdown ${j}: accumulator leaves the safe integers`);
  }
}

/** Days drawdown j accrues up to and including the valuation day. */
function daysToValue(p: Portfolio, j: number): number {
  return p.asOfDay + 1 - p.cursorDay[j]!;
}

// ---- ours: the domain kernel, through reused bucket objects (no allocation per valuation) ----

/** SCRATCH[n] holds n bucket objects; a valuation fills them in and hands them to the kernel. */
const SCRATCH: RateBucket[][] = Array.from({ length: MAX_BUCKETS_PER_DRAWDOWN + 1 }, (_, n) =>
  Array.from({ length: n }, () => ({ ratePpm: 0, accFenDays: 0 })),
);

/** Drawdown j's buckets as of the valuation day: the stored ones, the last grown by principal × days. */
export function bucketsAsOf(p: Portfolio, j: number): RateBucket[] {
  const count = p.bucketCount[j]!;
  const buckets = SCRATCH[count]!;
  const base = j * MAX_BUCKETS_PER_DRAWDOWN;
  for (let b = 0; b < count; b++) {
    const bucket = buckets[b]!;
    bucket.ratePpm = p.ratePpm[base + b]!;
    bucket.accFenDays = p.accFenDays[base + b]!;
  }
  buckets[count - 1]!.accFenDays += p.principalFen[j]! * daysToValue(p, j);
  return buckets;
}

export function drawdownInterestOurs(p: Portfolio, j: number, basisDays: number): number {
  return interestFen(bucketsAsOf(p, j), basisDays, 'HALF_UP');
}

export function facilityInterestOurs(p: Portfolio, f: number): number {
  const basis = p.basisDays[f]!;
  let interest = 0;
  for (let j = f * DRAWDOWNS_PER_FACILITY, end = j + DRAWDOWNS_PER_FACILITY; j < end; j++) interest += drawdownInterestOurs(p, j, basis);
  return interest;
}

// ---- baseline (a): decimal.js ----

/** 40 digits hold Σ acc × rate (≤ 22 digits) exactly, and the quotient far past the half-fen it is rounded at. */
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
const DECIMAL_DIVISOR: Record<number, Decimal> = { 360: new Dec(360 * PPM), 365: new Dec(365 * PPM) };
const DECIMAL_ZERO = new Dec(0);

/**
 * The first `facilities` facilities' stored figures as Decimals, built once outside the timing, as a
 * service keeping its state in Decimals would hold them: decimal.js's best case (building them in
 * the loop from numbers makes it ~1.6× slower).
 */
export interface DecimalPortfolio {
  facilities: number;
  principalFen: Decimal[];
  ratePpm: Decimal[];
  accFenDays: Decimal[];
}

export function toDecimals(p: Portfolio, facilities: number): DecimalPortfolio {
  const drawdowns = Math.min(facilities, p.facilities) * DRAWDOWNS_PER_FACILITY;
  const slots = drawdowns * MAX_BUCKETS_PER_DRAWDOWN;
  return {
    facilities: Math.min(facilities, p.facilities),
    principalFen: Array.from(p.principalFen.subarray(0, drawdowns), (v) => new Dec(v)),
    ratePpm: Array.from(p.ratePpm.subarray(0, slots), (v) => new Dec(v)),
    accFenDays: Array.from(p.accFenDays.subarray(0, slots), (v) => new Dec(v)),
  };
}

export function drawdownInterestDecimal(p: Portfolio, d: DecimalPortfolio, j: number, divisor: Decimal): Decimal {
  const count = p.bucketCount[j]!;
  const base = j * MAX_BUCKETS_PER_DRAWDOWN;
  let numerator = DECIMAL_ZERO;
  for (let b = 0; b < count; b++) {
    let acc = d.accFenDays[base + b]!;
    if (b === count - 1) acc = acc.plus(d.principalFen[j]!.times(daysToValue(p, j)));
    numerator = numerator.plus(acc.times(d.ratePpm[base + b]!));
  }
  return numerator.div(divisor).round();
}

export function facilityInterestDecimal(p: Portfolio, d: DecimalPortfolio, f: number): number {
  const divisor = DECIMAL_DIVISOR[p.basisDays[f]!]!;
  let interest = DECIMAL_ZERO;
  for (let j = f * DRAWDOWNS_PER_FACILITY, end = j + DRAWDOWNS_PER_FACILITY; j < end; j++) interest = interest.plus(drawdownInterestDecimal(p, d, j, divisor));
  return interest.toNumber();
}

// ---- baseline (b): plain doubles, inexact ----

export function drawdownInterestFloat(p: Portfolio, j: number, divisor: number): number {
  const count = p.bucketCount[j]!;
  const base = j * MAX_BUCKETS_PER_DRAWDOWN;
  let sum = 0;
  for (let b = 0; b < count - 1; b++) sum += (p.accFenDays[base + b]! * p.ratePpm[base + b]!) / divisor;
  const last = base + count - 1;
  sum += ((p.accFenDays[last]! + p.principalFen[j]! * daysToValue(p, j)) * p.ratePpm[last]!) / divisor;
  return Math.round(sum);
}

export function facilityInterestFloat(p: Portfolio, f: number): number {
  const divisor = p.basisDays[f]! * PPM;
  // Unrolled: measurably faster than a loop here (the float ceiling gets its best form; the exact
  // kernels use a loop because one call site lets V8 inline the kernel, three do not).
  const j = f * DRAWDOWNS_PER_FACILITY;
  return drawdownInterestFloat(p, j, divisor) + drawdownInterestFloat(p, j + 1, divisor) + drawdownInterestFloat(p, j + 2, divisor);
}

// ---- the oracle ----

export function drawdownInterestOracle(p: Portfolio, j: number, basisDays: number): bigint {
  const count = p.bucketCount[j]!;
  const base = j * MAX_BUCKETS_PER_DRAWDOWN;
  const buckets: RateBucket[] = [];
  for (let b = 0; b < count; b++) buckets.push({ ratePpm: p.ratePpm[base + b]!, accFenDays: p.accFenDays[base + b]! });
  // The oracle adds in BigInt too, so it does not inherit a wrong sum from the kernel's path.
  const last = BigInt(buckets[count - 1]!.accFenDays) + BigInt(p.principalFen[j]!) * BigInt(daysToValue(p, j));
  if (!Number.isSafeInteger(Number(last))) throw new Error(`drawdown ${j}: accumulator leaves the safe integers`);
  buckets[count - 1]!.accFenDays = Number(last);
  return interestFenExact(buckets, basisDays, 'HALF_UP');
}

/**
 * The timed loops: value facilities [from, to) and fold the totals into a checksum. One loop per
 * contender on purpose: a shared loop taking the valuer as a parameter turns its call site
 * polymorphic, V8 stops inlining, and every contender is measured slower than it is.
 */
export function valueAllOurs(p: Portfolio, from = 0, to = p.facilities): number {
  let checksum = 0;
  for (let f = from; f < to; f++) {
    checksum += facilityInterestOurs(p, f);
    if (checksum >= CHECKSUM_MODULUS) checksum -= CHECKSUM_MODULUS;
  }
  return checksum;
}

export function valueAllDecimal(p: Portfolio, d: DecimalPortfolio, from = 0, to = d.facilities): number {
  let checksum = 0;
  for (let f = from; f < to; f++) {
    checksum += facilityInterestDecimal(p, d, f);
    if (checksum >= CHECKSUM_MODULUS) checksum -= CHECKSUM_MODULUS;
  }
  return checksum;
}

export function valueAllFloat(p: Portfolio, from = 0, to = p.facilities): number {
  let checksum = 0;
  for (let f = from; f < to; f++) {
    checksum += facilityInterestFloat(p, f);
    if (checksum >= CHECKSUM_MODULUS) checksum -= CHECKSUM_MODULUS;
  }
  return checksum;
}

export type DrawdownKernel = (p: Portfolio, j: number, basisDays: number) => number;

export interface CorrectnessReport {
  /** Drawdowns each exact kernel was checked on against the BigInt oracle: all of them. */
  drawdownsChecked: number;
  kernelsChecked: string[];
  facilitiesCheckedAgainstDecimal: number;
  halfFenTies: number;
  /** Drawdowns the float loop gets wrong, and by how much at worst: why the exact kernel exists. */
  floatWrongDrawdowns: number;
  floatMaxErrorFen: number;
}

export class CorrectnessError extends Error {
  override name = 'CorrectnessError';
}

export const EXACT_KERNELS: Readonly<Record<string, DrawdownKernel>> = {
  ours: drawdownInterestOurs,
};

/**
 * Every drawdown: each exact kernel (the very functions the timed loops call) must equal the BigInt
 * oracle. Facilities [0, decimal.facilities): the decimal.js valuation must equal the oracle's total.
 * Throws CorrectnessError at the first difference. `kernels` is a parameter so a test can show that
 * a wrong kernel is caught.
 */
export function checkCorrectness(p: Portfolio, decimal: DecimalPortfolio, kernels: Readonly<Record<string, DrawdownKernel>> = EXACT_KERNELS): CorrectnessReport {
  const named = Object.entries(kernels);
  let ties = 0;
  let floatWrong = 0;
  let floatMaxError = 0;
  for (let f = 0; f < p.facilities; f++) {
    const basis = p.basisDays[f]!;
    let oracleTotal = 0n;
    for (let k = 0; k < DRAWDOWNS_PER_FACILITY; k++) {
      const j = f * DRAWDOWNS_PER_FACILITY + k;
      const exact = drawdownInterestOracle(p, j, basis);
      for (const [name, kernel] of named) {
        const got = kernel(p, j, basis);
        if (!(Number.isSafeInteger(got) && BigInt(got) === exact)) {
          throw new CorrectnessError(`accrual kernel "${name}" differs from the BigInt oracle at facility ${f}, drawdown ${k}: ${got} ≠ ${exact} fen`);
        }
      }
      oracleTotal += exact;
      if (isHalfFenTie(p, j, basis)) ties++;
      const floatError = Math.abs(drawdownInterestFloat(p, j, basis * PPM) - Number(exact));
      if (floatError !== 0) floatWrong++;
      floatMaxError = Math.max(floatMaxError, floatError);
    }
    if (f < decimal.facilities) {
      const viaDecimal = facilityInterestDecimal(p, decimal, f);
      if (!(Number.isSafeInteger(viaDecimal) && BigInt(viaDecimal) === oracleTotal)) {
        throw new CorrectnessError(`decimal.js baseline differs from the BigInt oracle at facility ${f}: ${viaDecimal} ≠ ${oracleTotal} fen`);
      }
    }
  }
  return {
    drawdownsChecked: p.facilities * DRAWDOWNS_PER_FACILITY,
    kernelsChecked: named.map(([name]) => name),
    facilitiesCheckedAgainstDecimal: decimal.facilities,
    halfFenTies: ties,
    floatWrongDrawdowns: floatWrong,
    floatMaxErrorFen: floatMaxError,
  };
}

function isHalfFenTie(p: Portfolio, j: number, basisDays: number): boolean {
  const base = j * MAX_BUCKETS_PER_DRAWDOWN;
  return p.bucketCount[j] === 1 && p.ratePpm[base] === basisDays * 100 && (p.accFenDays[base]! + p.principalFen[j]! * daysToValue(p, j)) % 10_000 === 5_000;
}

const UNIT = 'facilities/s';

export async function run(context: BenchContext): Promise<ResultRow[]> {
  const size = context.quick ? SIZES.quick : SIZES.full;
  let started = performance.now();
  const p = buildPortfolio(size.facilities);
  context.log(`accrual: ${size.facilities} facilities × ${DRAWDOWNS_PER_FACILITY} drawdowns built in ${(performance.now() - started).toFixed(0)} ms`);

  started = performance.now();
  const decimals = toDecimals(p, size.decimalChecked);
  const check = checkCorrectness(p, decimals);
  context.log(
    `accrual: ${check.kernelsChecked.join(' and ')} exact on all ${check.drawdownsChecked} drawdowns (${check.halfFenTies} half-fen ties), ` +
      `decimal.js agrees on ${check.facilitiesCheckedAgainstDecimal} facilities; float wrong on ${check.floatWrongDrawdowns} drawdowns ` +
      `(max ${check.floatMaxErrorFen} fen); ${(performance.now() - started).toFixed(0)} ms`,
  );
  const decimalTimed = Math.min(size.decimalTimed, decimals.facilities);
  if (valueAllDecimal(p, decimals, 0, decimalTimed) !== valueAllOurs(p, 0, decimalTimed)) throw new CorrectnessError('decimal.js checksum differs from ours');

  // Order: ours and float side by side (forward rounds: ours, float, …; reverse: …, float, ours).
  const samples = await measureRounds(
    {
      ours: { ops: p.facilities, run: () => valueAllOurs(p) },
      float: { ops: p.facilities, run: () => valueAllFloat(p) },
      decimal: { ops: decimalTimed, run: () => valueAllDecimal(p, decimals, 0, decimalTimed) },
    },
    { rounds: size.rounds, warmupMs: size.warmupMs, minSampleMs: size.minSampleMs, log: context.log },
  );
  const ours = speedFigures('domain interestFen (typed arrays, reused bucket objects)', UNIT, samples.ours!, { facilities: p.facilities });
  const decimal = speedFigures('decimal.js, ROUND_HALF_UP, precision 40, Decimals pre-built', UNIT, samples.decimal!, { facilities: decimalTimed });
  const float = speedFigures('plain doubles, Math.round (inexact)', UNIT, samples.float!, {
    facilities: p.facilities,
    wrongDrawdowns: check.floatWrongDrawdowns,
    maxErrorFen: check.floatMaxErrorFen,
  });
  const rows: ResultRow[] = [];
  for (const [id, title, target, baseline, theirs] of [
    ['accrual-vs-decimal', 'accrual kernel vs decimal.js', 50, decimal, samples.decimal!],
    ['accrual-vs-float', 'accrual kernel vs plain float loop (the ceiling)', 0.5, float, samples.float!],
  ] as const) {
    rows.push({
      id,
      title,
      ratio: medianRatio(samples.ours!.opsPerSec, theirs.opsPerSec),
      target,
      ours,
      baseline,
      details: {
        drawdownsPerFacility: DRAWDOWNS_PER_FACILITY,
        roundRatios: samples.ours!.opsPerSec.map((v, i) => v / theirs.opsPerSec[i]!),
        exactCheck: check,
      },
    });
  }
  return rows;
}
