/**
 * The accumulated-balance method (积数计息). Every day a balance is outstanding adds
 * balance × 1 to the accumulator of the current rate bucket; the first day counts and the last
 * does not (算头不算尾). Interest = round(Σ accumulator_i × rate_i / (basis × 1 000 000)), rounded
 * ONCE, at settlement.
 *
 * Products accumulator × rate reach 2^73, beyond exact doubles. The kernel splits each
 * accumulator by the divisor D = basis × 10^6 (acc = hi·D + lo) so every partial product stays
 * below 2^53 and the arithmetic is exact in plain doubles; `interestFenExact` is the BigInt
 * oracle it is proven against.
 */
import { divRound, type RoundingMode } from './money.ts';
import { invariant } from './errors.ts';
import { MAX_RATE_PPM } from './rates.ts';

export interface RateBucket {
  ratePpm: number;
  /** Σ balance(fen) × days at this rate: fen-days. */
  accFenDays: number;
}

/** An accumulator never exceeds this; accumulation past it opens another bucket at the same rate. */
export const MAX_ACCUMULATOR = Number.MAX_SAFE_INTEGER;
/** Buckets per accumulator (rate changes plus overflow splits) before the state is considered corrupt. */
export const MAX_BUCKETS = 64;
const PPM = 1_000_000;
/** `low` in `interestFen` may take one more term lo·r < D·MAX_RATE ≤ 3.65e14 < 2^49 below this and stay exact. */
const LOW_LIMIT = 2 ** 53 - 2 ** 49;

/** Adds balance × days to the last bucket (opening one at `ratePpm` when the rate changed). */
export function accumulate(buckets: RateBucket[], ratePpm: number, balanceFen: number, days: number): void {
  if (balanceFen === 0 || days === 0) return;
  invariant(days > 0 && balanceFen > 0, 'accumulate takes a positive balance and day count');
  // balance × days passes 2^53 only over decades at the largest balances (a long-overdue loan with no
  // periodic settlement, valued far ahead): such a span is added in slices that each stay exact.
  const daysPerSlice = Math.floor(MAX_ACCUMULATOR / balanceFen);
  invariant(daysPerSlice >= 1, 'balance exceeds 2^53');
  for (let left = days; left > 0; ) {
    const slice = Math.min(left, daysPerSlice);
    addToLastBucket(buckets, ratePpm, balanceFen * slice);
    left -= slice;
  }
}

function addToLastBucket(buckets: RateBucket[], ratePpm: number, added: number): void {
  let last = buckets[buckets.length - 1];
  if (last === undefined || last.ratePpm !== ratePpm) {
    last = { ratePpm, accFenDays: 0 };
    buckets.push(last);
  }
  if (last.accFenDays + added > MAX_ACCUMULATOR) {
    buckets.push({ ratePpm, accFenDays: added });
  } else {
    last.accFenDays += added;
  }
  invariant(buckets.length <= MAX_BUCKETS, 'too many accrual buckets');
}

/**
 * Exact interest in fen of a set of buckets, one rounding. Plain-double arithmetic:
 *   acc = hi·D + lo (0 ≤ lo < D) ⇒ acc·r = (hi·r)·D + lo·r, with lo·r < 3.65e14.
 * So quotient = Σ hi·r + ⌊Σ lo·r / D⌋ and the remainder decides the rounding. Σ lo·r is folded
 * into the quotient only when it nears 2^53 (never, for a handful of buckets): a division per
 * bucket on the critical path cost 1.15–1.5× in `npm run bench`.
 */
export function interestFen(buckets: readonly RateBucket[], basisDays: number, rounding: RoundingMode): number {
  const divisor = basisDays * PPM;
  let quotient = 0;
  let low = 0;
  for (let i = 0; i < buckets.length; i++) {
    const bucket = buckets[i]!;
    const acc = bucket.accFenDays;
    const rate = bucket.ratePpm;
    let hi = Math.floor(acc / divisor);
    let lo = acc - hi * divisor;
    // The float division can land one off near an exact multiple; step back into [0, D).
    if (lo < 0) {
      hi -= 1;
      lo += divisor;
    } else if (lo >= divisor) {
      hi += 1;
      lo -= divisor;
    }
    quotient += hi * rate;
    low += lo * rate;
    if (low >= LOW_LIMIT) {
      // May leave low one D off, in (−D, 2D): far below the limit, and put right below.
      const carry = Math.floor(low / divisor);
      quotient += carry;
      low -= carry * divisor;
    }
  }
  // low < 2^53 here, so ⌊low / D⌋ is at most one off and one step back makes it exact.
  let carry = Math.floor(low / divisor);
  let remainder = low - carry * divisor;
  if (remainder < 0) {
    carry -= 1;
    remainder += divisor;
  } else if (remainder >= divisor) {
    carry += 1;
    remainder -= divisor;
  }
  quotient += carry;
  const twice = remainder * 2;
  if (twice > divisor || (twice === divisor && (rounding === 'HALF_UP' || quotient % 2 === 1))) quotient += 1;
  return quotient;
}

/** The BigInt oracle: the same interest computed with arbitrary-precision integers. */
export function interestFenExact(buckets: readonly RateBucket[], basisDays: number, rounding: RoundingMode): bigint {
  let numerator = 0n;
  for (const bucket of buckets) numerator += BigInt(bucket.accFenDays) * BigInt(bucket.ratePpm);
  return divRound(numerator, BigInt(basisDays) * BigInt(PPM), rounding);
}

/** True when the buckets hold no accrued amount. */
export function isEmpty(buckets: readonly RateBucket[]): boolean {
  return buckets.every((b) => b.accFenDays === 0);
}

// The exactness argument above, checked against the constants it relies on: every partial sum
// (Σ hi·r over all buckets, and lo·r + D) stays a safe integer for the smallest divisor (ACT/360).
invariant(
  MAX_BUCKETS * Math.ceil(MAX_ACCUMULATOR / (360 * PPM)) * MAX_RATE_PPM < Number.MAX_SAFE_INTEGER &&
    365 * PPM * MAX_RATE_PPM < 2 ** 53 - LOW_LIMIT,
  'accrual kernel bounds',
);
