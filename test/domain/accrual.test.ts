import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { MAX_ACCUMULATOR, MAX_BUCKETS, accumulate, interestFen, interestFenExact, isEmpty, type RateBucket } from '#domain/accrual.ts';
import { InvariantViolation } from '#domain/errors.ts';
import { MAX_RATE_PPM } from '#domain/rates.ts';
import type { RoundingMode } from '#domain/money.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 9 007 199 254 740 991 = 2^53 − 1
const D360 = 360_000_000; // basis × 10^6
const D365 = 365_000_000;

describe('the accumulated-balance method (积数计息, docs/lending-rules.md)', () => {
  describe('accumulate: Σ balance × days into the current rate bucket', () => {
    it('16 days of 1 000 000.00 yuan is 1 600 000 000 fen-days', () => {
      const buckets: RateBucket[] = [];
      accumulate(buckets, 34_500, 100_000_000, 16); // 10^8 fen × 16
      expect(buckets).toEqual([{ ratePpm: 34_500, accFenDays: 1_600_000_000 }]);
    });

    it('the second worked example: 7 days × 10^8 + 9 days × 6 × 10^7 = 1 240 000 000 in one bucket', () => {
      const buckets: RateBucket[] = [];
      accumulate(buckets, 34_500, 100_000_000, 7);
      accumulate(buckets, 34_500, 60_000_000, 9);
      expect(buckets).toEqual([{ ratePpm: 34_500, accFenDays: 1_240_000_000 }]);
    });

    it('a rate change opens a new bucket; returning to an earlier rate opens another', () => {
      const buckets: RateBucket[] = [];
      accumulate(buckets, 34_500, 100, 2);
      accumulate(buckets, 35_000, 100, 3);
      accumulate(buckets, 34_500, 100, 1);
      expect(buckets).toEqual([
        { ratePpm: 34_500, accFenDays: 200 },
        { ratePpm: 35_000, accFenDays: 300 },
        { ratePpm: 34_500, accFenDays: 100 },
      ]);
    });

    it('a zero balance or zero days adds nothing (and opens no bucket)', () => {
      const buckets: RateBucket[] = [];
      accumulate(buckets, 34_500, 0, 10);
      accumulate(buckets, 34_500, 10, 0);
      expect(buckets).toEqual([]);
    });

    it('a negative balance or day count is a bug', () => {
      expect(() => accumulate([], 34_500, -1, 1)).toThrow(InvariantViolation);
      expect(() => accumulate([], 34_500, 1, -1)).toThrow(InvariantViolation);
    });

    it('past MAX_ACCUMULATOR (2^53 − 1) the accumulation continues in a new bucket at the same rate', () => {
      const buckets: RateBucket[] = [{ ratePpm: 7, accFenDays: MAX_ACCUMULATOR - 10 }];
      accumulate(buckets, 7, 100, 1); // (2^53 − 11) + 100 would pass 2^53 − 1
      expect(buckets).toEqual([
        { ratePpm: 7, accFenDays: MAX_SAFE - 10 },
        { ratePpm: 7, accFenDays: 100 },
      ]);
      accumulate(buckets, 7, 10, 1); // fits exactly: last bucket 110
      expect(buckets[1]).toEqual({ ratePpm: 7, accFenDays: 110 });
    });

    it('balance × days beyond 2^53 is added in exact slices, never rounded', () => {
      // 10^12 fen (MAX_MONEY_FEN) × 10 000 days = 10^16 > 2^53. ⌊(2^53 − 1) / 10^12⌋ = 9 007 days per slice:
      // 9 007 × 10^12 = 9.007e15, then 993 × 10^12 = 9.93e14 in a new bucket (the first is full)
      const buckets: RateBucket[] = [];
      accumulate(buckets, 51_750, 1_000_000_000_000, 10_000);
      expect(buckets).toEqual([
        { ratePpm: 51_750, accFenDays: 9_007_000_000_000_000 },
        { ratePpm: 51_750, accFenDays: 993_000_000_000_000 },
      ]);
      // 10^16 × 51 750 / 3.6e8 = 1 437 500 000 000 exactly
      expect(interestFen(buckets, 360, 'HALF_UP')).toBe(1_437_500_000_000);
    });

    it('a balance beyond 2^53 is a bug', () => {
      expect(() => accumulate([], 1, 2 ** 53, 1)).toThrow(InvariantViolation);
    });

    it(`more than MAX_BUCKETS (${MAX_BUCKETS}) buckets is a corrupt state`, () => {
      const buckets: RateBucket[] = [];
      for (let i = 0; i < MAX_BUCKETS; i++) accumulate(buckets, i % 2 === 0 ? 1 : 2, 1, 1);
      expect(buckets).toHaveLength(64);
      expect(() => accumulate(buckets, 3, 1, 1)).toThrow(InvariantViolation);
    });

    it('isEmpty is true only when nothing has accrued', () => {
      expect(isEmpty([])).toBe(true);
      expect(isEmpty([{ ratePpm: 1, accFenDays: 0 }])).toBe(true);
      expect(isEmpty([{ ratePpm: 1, accFenDays: 1 }])).toBe(false);
    });
  });

  describe('interestFen: round(Σ acc × rate / (basis × 10^6)), rounded once', () => {
    const cases: [string, RateBucket[], 'ACT_360' | 'ACT_365', RoundingMode, number][] = [
      // 1 600 000 000 × 34 500 / 360 000 000 = 153 333.33… → 153 333
      ['worked example 1', [{ ratePpm: 34_500, accFenDays: 1_600_000_000 }], 'ACT_360', 'HALF_UP', 153_333],
      // 1 240 000 000 × 34 500 / 360 000 000 = 118 833.33… → 118 833
      ['worked example 2', [{ ratePpm: 34_500, accFenDays: 1_240_000_000 }], 'ACT_360', 'HALF_UP', 118_833],
      // 1 600 000 000 × 34 500 / 365 000 000 = 151 232.876… → 151 233
      ['worked example 1 on ACT/365', [{ ratePpm: 34_500, accFenDays: 1_600_000_000 }], 'ACT_365', 'HALF_UP', 151_233],
      // 180 000 000 × 1 / 360 000 000 = 0.5: tie
      ['a tie at 0.5, half-up', [{ ratePpm: 1, accFenDays: 180_000_000 }], 'ACT_360', 'HALF_UP', 1],
      ['a tie at 0.5, half-even → 0', [{ ratePpm: 1, accFenDays: 180_000_000 }], 'ACT_360', 'HALF_EVEN', 0],
      // 540 000 000 / 360 000 000 = 1.5: both round to 2
      ['a tie at 1.5, half-even → 2', [{ ratePpm: 1, accFenDays: 540_000_000 }], 'ACT_360', 'HALF_EVEN', 2],
      // 25 000 × 36 000 / 360 000 000 = 2.5
      ['2.5 half-up', [{ ratePpm: 36_000, accFenDays: 25_000 }], 'ACT_360', 'HALF_UP', 3],
      ['2.5 half-even', [{ ratePpm: 36_000, accFenDays: 25_000 }], 'ACT_360', 'HALF_EVEN', 2],
      // 182 500 000 / 365 000 000 = 0.5 on ACT/365
      ['a tie on ACT/365, half-up', [{ ratePpm: 1, accFenDays: 182_500_000 }], 'ACT_365', 'HALF_UP', 1],
      ['a tie on ACT/365, half-even', [{ ratePpm: 1, accFenDays: 182_500_000 }], 'ACT_365', 'HALF_EVEN', 0],
      // two buckets each worth 0.25 fen: one rounding of 0.5, not two roundings of 0.25
      ['two quarter-fen buckets make one tie', [{ ratePpm: 1, accFenDays: 90_000_000 }, { ratePpm: 3, accFenDays: 30_000_000 }], 'ACT_360', 'HALF_UP', 1],
      ['… half-even', [{ ratePpm: 1, accFenDays: 90_000_000 }, { ratePpm: 3, accFenDays: 30_000_000 }], 'ACT_360', 'HALF_EVEN', 0],
      // 50 039 993 × 180 000 000 = 9 007 198 740 000 000 ≤ 2^53 − 1; × 1 / 3.6e8 = 25 019 996.5 (a tie near 2^53)
      ['a tie near 2^53, half-up', [{ ratePpm: 1, accFenDays: 9_007_198_740_000_000 }], 'ACT_360', 'HALF_UP', 25_019_997],
      ['a tie near 2^53, half-even (25 019 996 even)', [{ ratePpm: 1, accFenDays: 9_007_198_740_000_000 }], 'ACT_360', 'HALF_EVEN', 25_019_996],
      // (2^53 − 1) × 10^6 / 3.6e8 = 9 007 199 254 740 991 / 360 = 25 019 997 929 836.086… → …836
      ['the largest accumulator at the largest rate', [{ ratePpm: MAX_RATE_PPM, accFenDays: MAX_SAFE }], 'ACT_360', 'HALF_UP', 25_019_997_929_836],
      // 9 007 199 254 740 991 / 365 = 24 677 258 232 167.098… → …167
      ['… on ACT/365', [{ ratePpm: MAX_RATE_PPM, accFenDays: MAX_SAFE }], 'ACT_365', 'HALF_UP', 24_677_258_232_167],
      ['no buckets', [], 'ACT_360', 'HALF_UP', 0],
      ['a zero rate', [{ ratePpm: 0, accFenDays: MAX_SAFE }], 'ACT_360', 'HALF_UP', 0],
    ];
    it.each(cases)('%s', (_name, buckets, dayCount, rounding, expected) => {
      const basis = dayCount === 'ACT_365' ? 365 : 360;
      expect(interestFen(buckets, basis, rounding)).toBe(expected);
      expect(interestFenExact(buckets, basis, rounding)).toBe(BigInt(expected));
    });

    it('64 maximal buckets at 100% (the largest state the bounds allow) are still exact', () => {
      // 64 × (2^53 − 1) × 10^6 / 3.6e8 = 64 × 9 007 199 254 740 991 / 360 = 576 460 752 303 423 424 / 360
      //   = 1 601 279 867 509 509.51… → 1 601 279 867 509 510 (below 2^53, so a number can hold it)
      const buckets = Array.from({ length: MAX_BUCKETS }, () => ({ ratePpm: MAX_RATE_PPM, accFenDays: MAX_SAFE }));
      expect(interestFenExact(buckets, 360, 'HALF_UP')).toBe(1_601_279_867_509_510n);
      expect(interestFen(buckets, 360, 'HALF_UP')).toBe(1_601_279_867_509_510);
    });
  });

  describe('the kernel equals the BigInt oracle, and the oracle equals decimal.js', () => {
    const D = Decimal.clone({ precision: 80 });
    const decimalInterest = (buckets: readonly RateBucket[], basis: number, rounding: RoundingMode) => {
      let sum = new D(0);
      for (const b of buckets) sum = sum.plus(new D(b.accFenDays).mul(b.ratePpm));
      return sum.div(basis * 1_000_000).toDecimalPlaces(0, rounding === 'HALF_UP' ? Decimal.ROUND_HALF_UP : Decimal.ROUND_HALF_EVEN).toFixed(0);
    };

    // Accumulators: anywhere up to 2^53 − 1, small, just around exact multiples of the divisor (where a
    // float division lands one off), and at the very top.
    const acc = fc.oneof(
      fc.integer({ min: 0, max: MAX_SAFE }),
      fc.integer({ min: 0, max: 10_000_000_000 }),
      fc.tuple(fc.integer({ min: 0, max: Math.floor(MAX_SAFE / D365) - 1 }), fc.constantFrom(D360, D365), fc.integer({ min: -3, max: 3 })).map(([k, d, e]) => Math.max(0, k * d + e)),
      fc.integer({ min: MAX_SAFE - 1_000_000, max: MAX_SAFE }),
    );
    const rate = fc.oneof(fc.integer({ min: 0, max: MAX_RATE_PPM }), fc.constantFrom(0, 1, 34_500, 51_750, MAX_RATE_PPM - 1, MAX_RATE_PPM));
    // Up to 64 buckets, but keep Σ hi·r within the bound the kernel relies on by construction: the state
    // never holds more than MAX_BUCKETS buckets.
    const buckets = fc.array(fc.record({ ratePpm: rate, accFenDays: acc }), { minLength: 0, maxLength: MAX_BUCKETS });
    const basis = fc.constantFrom(360, 365);
    const rounding = fc.constantFrom<RoundingMode>('HALF_UP', 'HALF_EVEN');

    it('random buckets, both day counts, both roundings', () => {
      fc.assert(
        fc.property(buckets, basis, rounding, (bs, b, r) => {
          const exact = interestFenExact(bs, b, r);
          expect(interestFen(bs, b, r)).toBe(Number(exact));
          expect(exact.toString()).toBe(decimalInterest(bs, b, r));
        }),
        { numRuns: 5_000 },
      );
    });

    it('one or two buckets near 2^53 (many runs)', () => {
      fc.assert(
        fc.property(fc.array(fc.record({ ratePpm: rate, accFenDays: acc }), { minLength: 1, maxLength: 2 }), basis, rounding, (bs, b, r) => {
          expect(interestFen(bs, b, r)).toBe(Number(interestFenExact(bs, b, r)));
        }),
        { numRuns: 30_000 },
      );
    });

    it('exact ties: a last bucket at 1 ppm completes the remainder to exactly half the divisor', () => {
      fc.assert(
        fc.property(fc.array(fc.record({ ratePpm: rate, accFenDays: acc }), { minLength: 0, maxLength: 8 }), basis, rounding, (bs, b, r) => {
          const divisor = BigInt(b) * 1_000_000n;
          let numerator = 0n;
          for (const x of bs) numerator += BigInt(x.accFenDays) * BigInt(x.ratePpm);
          const complement = (divisor / 2n - (numerator % divisor) + divisor) % divisor; // < divisor, a safe number
          const tied = [...bs, { ratePpm: 1, accFenDays: Number(complement) }];
          const total = numerator + complement; // ≡ divisor / 2 (mod divisor)
          const floor = total / divisor;
          const expected = r === 'HALF_UP' || floor % 2n === 1n ? floor + 1n : floor;
          expect(interestFenExact(tied, b, r)).toBe(expected);
          expect(interestFen(tied, b, r)).toBe(Number(expected));
        }),
        { numRuns: 3_000 },
      );
    });
  });
});
