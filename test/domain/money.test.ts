import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { MAX_MONEY_FEN, assertFen, divRound, formatYuan, isFen, parseYuan } from '#domain/money.ts';
import { ValidationError } from '#domain/errors.ts';

function parseError(value: unknown): ValidationError {
  try {
    parseYuan(value, 'body.amount');
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`parseYuan accepted ${String(value)}`);
}

describe('money is integer fen; the API speaks yuan strings with at most 2 decimals (docs/lending-rules.md)', () => {
  describe('parseYuan accepts plain decimal yuan', () => {
    it.each([
      ['0.01', 1], // 0.01 yuan = 1 fen
      ['50000.00', 5_000_000], // 50 000 × 100
      ['50000', 5_000_000], // no fraction is whole yuan
      ['1234.5', 123_450], // one decimal is tenths: 1234 × 100 + 50
      ['0', 0], // zero is an amount (commands decide whether it is allowed)
      ['0.00', 0],
      ['0.1', 10],
      ['1533.33', 153_333], // the first worked example's interest
      ['9999999999.99', 999_999_999_999], // 10 whole digits: 9 999 999 999 × 100 + 99
    ])('"%s" is %i fen', (text, fen) => {
      expect(parseYuan(text)).toBe(fen);
    });

    it('the maximum, 10 000 000 000.00 yuan = MAX_MONEY_FEN, parses: what formatYuan prints must parse back', () => {
      // MAX_MONEY_FEN = 1 000 000 000 000 fen = 10 000 000 000.00 yuan (11 whole digits)
      expect(formatYuan(MAX_MONEY_FEN)).toBe('10000000000.00');
      expect(parseYuan('10000000000.00')).toBe(MAX_MONEY_FEN);
      expect(parseYuan('10000000000')).toBe(MAX_MONEY_FEN);
    });

    it('one fen above the maximum is refused with the bound in the message', () => {
      const error = parseError('10000000000.01');
      expect(error.issues[0]!.path).toBe('body.amount');
      expect(error.message).toContain('must not exceed 10000000000.00 yuan');
    });
  });

  describe('parseYuan refuses everything else with a ValidationError on the given path', () => {
    it.each([
      ['1e5', 'exponent'],
      ['1E5', 'exponent'],
      ['1.001', 'three decimals'],
      ['0.001', 'three decimals'],
      ['-1', 'negative'],
      ['-0.01', 'negative'],
      ['+1', 'explicit sign'],
      [' 1', 'leading space'],
      ['1 ', 'trailing space'],
      ['1\n', 'trailing newline'],
      ['', 'empty'],
      ['01', 'leading zero'],
      ['00.50', 'leading zero'],
      ['1.', 'dangling point'],
      ['.5', 'no whole part'],
      ['1,000.00', 'thousands separator'],
      ['1_000', 'numeric separator'],
      ['0x10', 'hex'],
      ['NaN', 'NaN'],
      ['Infinity', 'Infinity'],
      ['１００', 'full-width digits'],
      ['١٢٣', 'Arabic-Indic digits'],
      ['12３', 'mixed-width digits'],
      ['100000000000', '12 whole digits'],
      ['99999999999999999999', 'far beyond the bound'],
    ])('"%s" (%s)', (text) => {
      const error = parseError(text);
      expect(error.code).toBe('validation-failed');
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]!.path).toBe('body.amount');
    });

    it.each([
      [100, 'number'],
      [0.01, 'float'],
      [null, 'null'],
      [undefined, 'undefined'],
      [100n, 'bigint'],
      [true, 'boolean'],
      [{}, 'object'],
      [['1.00'], 'array'],
    ])('%s (%s, not a string)', (value, _kind) => {
      expect(parseError(value).message).toContain('must be a string');
    });

    it('echoes at most 32 characters of a bad input', () => {
      const error = parseError('x'.repeat(1000));
      expect(error.message).toContain(`"${'x'.repeat(32)}…"`);
      expect(error.message.length).toBeLessThan(200);
    });
  });

  describe('formatYuan prints exactly two decimals, never through floats', () => {
    it.each([
      [153_333, '1533.33'],
      [0, '0.00'],
      [5, '0.05'],
      [10, '0.10'],
      [100, '1.00'],
      [5_000_000, '50000.00'],
      [-5, '-0.05'],
      [-12_345, '-123.45'],
      [Number.MAX_SAFE_INTEGER, '90071992547409.91'], // 9 007 199 254 740 991 = 90 071 992 547 409 × 100 + 91
    ])('%i fen → "%s"', (fen, text) => {
      expect(formatYuan(fen)).toBe(text);
    });

    it.each([[1.5], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53]])('%s is not an amount of fen: RangeError', (value) => {
      expect(() => formatYuan(value)).toThrow(RangeError);
    });

    it('round trip: parseYuan(formatYuan(fen)) = fen for every fen in [0, MAX]', () => {
      fc.assert(
        fc.property(fc.oneof(fc.integer({ min: 0, max: MAX_MONEY_FEN }), fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 1, 99, 100, MAX_MONEY_FEN - 1, MAX_MONEY_FEN)), (fen) => {
          expect(parseYuan(formatYuan(fen))).toBe(fen);
        }),
        { numRuns: 2_000 },
      );
    });

    it('round trip: a canonical yuan string survives parse then format (padded to 2 decimals)', () => {
      const whole = fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,9}$/));
      const fraction = fc.constantFrom('', '.0', '.5', '.05', '.99', '.10');
      fc.assert(
        fc.property(whole, fraction, (w, f) => {
          const text = w + f;
          const cents = f === '' ? '00' : f.slice(1).padEnd(2, '0');
          expect(formatYuan(parseYuan(text))).toBe(`${w}.${cents}`);
        }),
        { numRuns: 1_000 },
      );
    });
  });

  describe('assertFen guards amounts entering the domain', () => {
    it('accepts 0 and MAX, refuses MAX + 1, negatives, fractions, unsafe integers and non-numbers', () => {
      expect(assertFen(0, 'a')).toBe(0);
      expect(assertFen(MAX_MONEY_FEN, 'a')).toBe(MAX_MONEY_FEN);
      for (const bad of [MAX_MONEY_FEN + 1, -1, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, '100', null, undefined, 1n]) {
        expect(() => assertFen(bad, 'a'), String(bad)).toThrow(ValidationError);
      }
    });

    it('with `positive`, zero is refused with its own message', () => {
      expect(() => assertFen(0, 'amount', { positive: true })).toThrow('amount: must be greater than zero');
      expect(assertFen(1, 'amount', { positive: true })).toBe(1);
    });

    it('isFen agrees with assertFen', () => {
      expect([0, 1, MAX_MONEY_FEN].every(isFen)).toBe(true);
      expect([-1, 0.5, MAX_MONEY_FEN + 1, '1', Number.NaN].some(isFen)).toBe(false);
    });
  });

  describe('divRound: one rounding, 四舍五入 (HALF_UP) or banker’s (HALF_EVEN)', () => {
    it.each([
      // numerator, denominator, HALF_UP, HALF_EVEN
      [5n, 2n, 3n, 2n], // 2.5: tie, 2 is even
      [7n, 2n, 4n, 4n], // 3.5: tie, 4 is even
      [1n, 2n, 1n, 0n], // 0.5: tie, 0 is even
      [3n, 2n, 2n, 2n], // 1.5: tie, 2 is even
      [10n, 4n, 3n, 2n], // 2.5
      [11n, 4n, 3n, 3n], // 2.75: not a tie
      [9n, 4n, 2n, 2n], // 2.25: not a tie
      [0n, 7n, 0n, 0n],
      [6n, 3n, 2n, 2n], // exact
      [2n ** 80n + 1n, 2n, 2n ** 79n + 1n, 2n ** 79n], // (2^80 + 1) / 2 = 2^79 + 0.5, 2^79 even
      [3n * 2n ** 80n + 1n, 2n, 3n * 2n ** 79n + 1n, 3n * 2n ** 79n], // 3·2^79 + 0.5, 3·2^79 even
      [153_333_333n * 3n + 1n, 3n, 153_333_333n, 153_333_333n], // 153 333 333 + 1/3 → down; not a tie
      [153_333_333n * 3n + 2n, 3n, 153_333_334n, 153_333_334n], // 153 333 333 + 2/3 → up
      [1_533_333_333n, 10n, 153_333_333n, 153_333_333n], // .3 → down
      [1_533_333_335n, 10n, 153_333_334n, 153_333_334n], // .5 tie, 153 333 333 odd → even is up
      [1_533_333_325n, 10n, 153_333_333n, 153_333_332n], // .5 tie, 153 333 332 even
    ])('%i / %i → HALF_UP %i, HALF_EVEN %i', (n, d, up, even) => {
      expect(divRound(n, d, 'HALF_UP')).toBe(up);
      expect(divRound(n, d, 'HALF_EVEN')).toBe(even);
    });

    it('refuses a negative numerator or a non-positive denominator', () => {
      expect(() => divRound(-1n, 2n, 'HALF_UP')).toThrow(RangeError);
      expect(() => divRound(1n, 0n, 'HALF_UP')).toThrow(RangeError);
      expect(() => divRound(1n, -2n, 'HALF_EVEN')).toThrow(RangeError);
    });

    it('agrees with decimal.js ROUND_HALF_UP / ROUND_HALF_EVEN on random numerators (ties forced half the time)', () => {
      const D = Decimal.clone({ precision: 200 });
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 2n ** 90n }), fc.bigInt({ min: 1n, max: 2n ** 40n }), fc.boolean(), (raw, den, forceTie) => {
          // A forced tie: numerator = q·den + den/2 with den even.
          const d = forceTie ? den * 2n : den;
          const n = forceTie ? (raw / d) * d + d / 2n : raw;
          const exact = new D(n.toString()).div(new D(d.toString()));
          expect(divRound(n, d, 'HALF_UP').toString()).toBe(exact.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0));
          expect(divRound(n, d, 'HALF_EVEN').toString()).toBe(exact.toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toFixed(0));
        }),
        { numRuns: 3_000 },
      );
    });
  });
});
