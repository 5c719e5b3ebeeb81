import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import {
  MAX_ABS_SPREAD_BP,
  MAX_RATE_PPM,
  assertRatePpm,
  assertSpreadBp,
  contractRatePpm,
  formatPercent,
  parsePercent,
  penaltyRatePpm,
} from '#domain/rates.ts';
import { ValidationError } from '#domain/errors.ts';

describe('rates are integer ppm per annum; spreads integer bp (docs/lending-rules.md)', () => {
  describe('parsePercent reads a percent string with at most 4 decimals', () => {
    it.each([
      ['3.45', 34_500], // 3.45% = 0.0345 = 34 500 ppm
      ['3.4500', 34_500],
      ['4.35', 43_500],
      ['0', 0],
      ['0.0001', 1], // 0.0001% = 1 ppm, the finest step
      ['12.3456', 123_456],
      ['100', 1_000_000], // the ceiling MAX_RATE_PPM
      ['100.0000', 1_000_000],
    ])('"%s" → %i ppm', (text, ppm) => {
      expect(parsePercent(text)).toBe(ppm);
    });

    it.each([
      ['3.45678', 'five decimals'],
      ['100.0001', 'above 100%'],
      ['101', 'above 100%'],
      ['-3.45', 'negative'],
      ['3,45', 'comma'],
      ['03.45', 'leading zero'],
      ['3.', 'dangling point'],
      ['.5', 'no whole part'],
      ['3.45%', 'percent sign'],
      ['1e2', 'exponent'],
      ['', 'empty'],
      [' 3.45', 'space'],
      ['３.４５', 'full-width digits'],
    ])('"%s" (%s) is a ValidationError on the given path', (text) => {
      expect(() => parsePercent(text, 'pricing.floor')).toThrow(ValidationError);
      try {
        parsePercent(text, 'pricing.floor');
      } catch (error) {
        expect((error as ValidationError).issues[0]!.path).toBe('pricing.floor');
      }
    });

    it.each([[3.45], [34_500], [null], [undefined], [{}]])('%s (not a string) is a ValidationError', (value) => {
      expect(() => parsePercent(value)).toThrow(ValidationError);
    });
  });

  describe('formatPercent shows 4 decimals', () => {
    it.each([
      [34_500, '3.4500'],
      [1, '0.0001'],
      [0, '0.0000'],
      [123_456, '12.3456'],
      [1_000_000, '100.0000'],
      [51_750, '5.1750'],
    ])('%i ppm → "%s"', (ppm, text) => {
      expect(formatPercent(ppm)).toBe(text);
    });

    it('refuses negatives and fractions', () => {
      expect(() => formatPercent(-1)).toThrow(RangeError);
      expect(() => formatPercent(1.5)).toThrow(RangeError);
    });

    it('round trip over [0, MAX_RATE_PPM]', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: MAX_RATE_PPM }), (ppm) => {
          expect(parsePercent(formatPercent(ppm))).toBe(ppm);
        }),
        { numRuns: 2_000 },
      );
    });
  });

  describe('the contract rate is LPR + spread, never below the floor (利率下限), never above 100%', () => {
    it.each([
      // lpr, spread bp, floor, expected
      [30_000, 45, 0, 34_500], // 3.00% + 45 bp × 100 ppm/bp = 3.45%
      [30_000, -50, 0, 25_000], // 3.00% − 0.50%
      [30_000, -50, 28_000, 28_000], // 2.50% is below the 2.80% floor
      [30_000, 0, 30_000, 30_000], // equal to the floor
      [30_500, 45, 28_000, 35_000], // 3.05% + 0.45% above the floor
      [1_000, -5_000, 0, 0], // 0.1% − 50% would be negative: the 0 floor holds
      [990_000, 5_000, 0, MAX_RATE_PPM], // 99% + 50% capped at 100%
    ])('LPR %i ppm, spread %i bp, floor %i ppm → %i ppm', (lpr, spread, floor, expected) => {
      expect(contractRatePpm(lpr, spread, floor)).toBe(expected);
    });
  });

  describe('the penalty rate (罚息利率) is rate × (1 + uplift%), rounded half-up to 1 ppm', () => {
    it.each([
      [34_500, 50, 51_750], // 34 500 × 1.5 exactly
      [34_500, 30, 44_850], // 34 500 × 1.3 exactly
      [34_567, 50, 51_851], // 51 850.5 → tie, half-up → 51 851
      [34_567, 30, 44_937], // 44 937.1 → 44 937
      [33_333, 50, 50_000], // 49 999.5 → 50 000
      [33_335, 30, 43_336], // 43 335.5 → 43 336
      [33_334, 40, 46_668], // 46 667.6 → 46 668
      [1, 50, 2], // 1.5 → 2
      [1, 30, 1], // 1.3 → 1
      [0, 50, 0],
      [800_000, 50, MAX_RATE_PPM], // 1 200 000 capped at 100%
    ])('%i ppm at +%i%% → %i ppm', (rate, uplift, expected) => {
      expect(penaltyRatePpm(rate, uplift)).toBe(expected);
    });

    it('equals decimal.js half-up rounding for every rate and uplift 30–50', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: MAX_RATE_PPM }), fc.integer({ min: 30, max: 50 }), (rate, uplift) => {
          const exact = new Decimal(rate).mul(100 + uplift).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
          expect(penaltyRatePpm(rate, uplift)).toBe(Math.min(MAX_RATE_PPM, exact.toNumber()));
        }),
        { numRuns: 2_000 },
      );
    });
  });

  describe('guards', () => {
    it('assertRatePpm: integers 0…1 000 000 only', () => {
      expect(assertRatePpm(0, 'r')).toBe(0);
      expect(assertRatePpm(MAX_RATE_PPM, 'r')).toBe(MAX_RATE_PPM);
      for (const bad of [-1, MAX_RATE_PPM + 1, 1.5, Number.NaN, '34500', null]) expect(() => assertRatePpm(bad, 'r'), String(bad)).toThrow(ValidationError);
    });

    it('assertSpreadBp: integers within ±5 000 bp, negatives allowed', () => {
      expect(assertSpreadBp(-MAX_ABS_SPREAD_BP, 's')).toBe(-5_000);
      expect(assertSpreadBp(MAX_ABS_SPREAD_BP, 's')).toBe(5_000);
      for (const bad of [-5_001, 5_001, 0.5, Number.NaN, '45', undefined]) expect(() => assertSpreadBp(bad, 's'), String(bad)).toThrow(ValidationError);
    });
  });
});
