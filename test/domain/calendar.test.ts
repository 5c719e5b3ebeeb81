import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  businessDateAt,
  daysBetween,
  fixedClock,
  fromDay,
  isBusinessDate,
  isSettlementDay,
  MAX_CACHED_DAYS,
  nextSettlementDay,
  parseBusinessDate,
  toDay,
  today,
  yearBasisDays,
  type SettlementCycle,
} from '#domain/calendar.ts';
import { ValidationError } from '#domain/errors.ts';

const day = (date: string) => toDay(date);

describe('business dates are YYYY-MM-DD calendar dates in Asia/Shanghai (docs/lending-rules.md)', () => {
  describe('validation', () => {
    it.each([
      ['2028-02-29', true], // 2028 is divisible by 4: leap
      ['2026-02-29', false], // 2026 is not a leap year
      ['2000-02-29', true], // divisible by 400: leap
      ['2100-02-29', false], // divisible by 100, not by 400: not leap
      ['2026-04-31', false], // April has 30 days
      ['2026-13-01', false],
      ['2026-00-10', false],
      ['2026-01-00', false],
      ['2026-1-5', false], // not zero-padded
      ['20260105', false],
      ['2026-01-05T00:00:00Z', false], // a timestamp is not a business date
      [' 2026-01-05', false],
      ['2026-01-05\n', false],
      ['1970-01-01', true], // first supported day
      ['1969-12-31', false],
      ['2199-12-31', true], // last supported day
      ['2200-01-01', false],
      ['２０２６-01-05', false], // full-width digits
    ])('%j valid: %s', (text, valid) => {
      expect(isBusinessDate(text)).toBe(valid);
    });

    it('non-strings are never dates', () => {
      for (const value of [20260105, null, undefined, new Date('2026-01-05'), {}]) expect(isBusinessDate(value)).toBe(false);
    });

    it('parseBusinessDate throws a ValidationError on the given path', () => {
      expect(parseBusinessDate('2028-02-29')).toBe('2028-02-29');
      expect(() => parseBusinessDate('2026-02-29', 'asOf')).toThrow(ValidationError);
      try {
        parseBusinessDate('2026-02-29', 'asOf');
      } catch (error) {
        expect((error as ValidationError).issues).toEqual([{ path: 'asOf', message: expect.stringContaining('YYYY-MM-DD') }]);
      }
    });
  });

  describe('day numbers', () => {
    it('1970-01-01 is day 0; 2026-01-01 is day 20 454 (56 years, 14 of them leap: 56 × 365 + 14)', () => {
      expect(toDay('1970-01-01')).toBe(0);
      expect(toDay('2026-01-01')).toBe(20_454); // 20 440 + 14
      expect(fromDay(20_454)).toBe('2026-01-01');
    });

    it('toDay refuses an invalid date', () => {
      expect(() => toDay('2026-02-29')).toThrow(RangeError);
    });

    it('remembered conversions answer as the first did, past the bound too; a refused date stays refused', () => {
      // The Date-based conversions themselves, as the oracle.
      const dateOf = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
      const dayOf = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
      const first = toDay('2026-01-01');
      // More distinct days than either map keeps: both are emptied and filled again on the way.
      for (let n = 0; n < MAX_CACHED_DAYS * 2 + 17; n++) {
        expect(fromDay(n)).toBe(dateOf(n));
        expect(toDay(dateOf(n))).toBe(n);
      }
      expect(toDay('2026-01-01')).toBe(first);
      expect(fromDay(first)).toBe('2026-01-01');
      expect(dayOf(fromDay(first))).toBe(first);
      for (let i = 0; i < 2; i++) expect(() => toDay('2026-02-29')).toThrow(RangeError);
    });

    it('fromDay ∘ toDay is the identity over the supported range', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: toDay('2199-12-31') }), (n) => {
          const date = fromDay(n);
          expect(isBusinessDate(date)).toBe(true);
          expect(toDay(date)).toBe(n);
        }),
        { numRuns: 2_000 },
      );
    });

    it.each([
      ['2028-02-28', 1, '2028-02-29'],
      ['2028-02-29', 1, '2028-03-01'],
      ['2026-02-28', 1, '2026-03-01'],
      ['2026-12-31', 1, '2027-01-01'],
      ['2027-01-01', -1, '2026-12-31'],
      ['2026-01-05', 90, '2026-04-05'], // 26 + 28 + 31 + 5
    ])('addDays(%s, %i) = %s', (from, n, to) => {
      expect(addDays(from, n)).toBe(to);
    });

    it.each([
      ['2026-01-05', '2026-01-20', 15],
      ['2026-01-01', '2027-01-01', 365],
      ['2028-01-01', '2029-01-01', 366],
      ['2026-01-20', '2026-01-05', -15],
    ])('daysBetween(%s, %s) = %i', (a, b, n) => {
      expect(daysBetween(a, b)).toBe(n);
    });
  });

  describe('addMonths keeps the day of month, clamped to the month end', () => {
    it.each([
      ['2026-01-31', 1, '2026-02-28'],
      ['2028-01-31', 1, '2028-02-29'], // leap February
      ['2026-03-31', 1, '2026-04-30'],
      ['2026-01-15', 12, '2027-01-15'],
      ['2026-11-30', 3, '2027-02-28'], // across the year end, clamped
      ['2028-02-29', 12, '2029-02-28'],
      ['2028-02-29', 48, '2032-02-29'],
      ['2026-03-31', -1, '2026-02-28'],
      ['2026-01-31', -2, '2025-11-30'],
      ['2026-01-31', 0, '2026-01-31'],
    ])('addMonths(%s, %i) = %s', (from, n, to) => {
      expect(addMonths(from, n)).toBe(to);
    });
  });

  describe('the clock', () => {
    it('the business date is the Shanghai (UTC+8) date of an instant', () => {
      expect(businessDateAt(new Date('2026-01-20T15:59:59.999Z'))).toBe('2026-01-20'); // 23:59:59.999 in Shanghai
      expect(businessDateAt(new Date('2026-01-20T16:00:00.000Z'))).toBe('2026-01-21'); // midnight in Shanghai
      expect(today(fixedClock('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
    });

    it('a fixed clock hands out copies, so callers cannot move it', () => {
      const clock = fixedClock('2026-01-01T00:00:00Z');
      clock.now().setUTCFullYear(1999);
      expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    });

    it('ACT/360 and ACT/365 year bases', () => {
      expect(yearBasisDays('ACT_360')).toBe(360);
      expect(yearBasisDays('ACT_365')).toBe(365);
    });
  });

  describe('settlement days (结息日): the 20th monthly, 20 Mar/Jun/Sep/Dec quarterly, none for 利随本清', () => {
    it.each([
      ['2026-01-20', 'MONTHLY', true],
      ['2026-01-19', 'MONTHLY', false],
      ['2026-01-21', 'MONTHLY', false],
      ['2026-02-20', 'MONTHLY', true],
      ['2026-12-20', 'MONTHLY', true],
      ['2026-03-20', 'QUARTERLY', true],
      ['2026-06-20', 'QUARTERLY', true],
      ['2026-09-20', 'QUARTERLY', true],
      ['2026-12-20', 'QUARTERLY', true],
      ['2026-01-20', 'QUARTERLY', false],
      ['2026-02-20', 'QUARTERLY', false],
      ['2026-04-20', 'QUARTERLY', false],
      ['2026-03-21', 'QUARTERLY', false],
      ['2026-01-20', 'WITH_PRINCIPAL', false],
      ['2026-03-20', 'WITH_PRINCIPAL', false],
    ] as [string, SettlementCycle, boolean][])('%s %s: %s', (date, cycle, expected) => {
      expect(isSettlementDay(day(date), cycle)).toBe(expected);
    });

    it.each([
      ['2026-01-05', 'MONTHLY', '2026-01-20'],
      ['2026-01-20', 'MONTHLY', '2026-01-20'], // on or after
      ['2026-01-21', 'MONTHLY', '2026-02-20'],
      ['2026-12-20', 'MONTHLY', '2026-12-20'],
      ['2026-12-21', 'MONTHLY', '2027-01-20'], // across the year end
      ['2026-12-31', 'MONTHLY', '2027-01-20'],
      ['2028-02-29', 'MONTHLY', '2028-03-20'],
      ['2026-01-05', 'QUARTERLY', '2026-03-20'],
      ['2026-03-20', 'QUARTERLY', '2026-03-20'],
      ['2026-03-21', 'QUARTERLY', '2026-06-20'],
      ['2026-05-31', 'QUARTERLY', '2026-06-20'],
      ['2026-09-21', 'QUARTERLY', '2026-12-20'],
      ['2026-11-30', 'QUARTERLY', '2026-12-20'],
      ['2026-12-21', 'QUARTERLY', '2027-03-20'], // across the year end
    ] as [string, SettlementCycle, string][])('next settlement on or after %s (%s) is %s', (from, cycle, expected) => {
      expect(fromDay(nextSettlementDay(day(from), cycle)!)).toBe(expected);
    });

    it('there is no periodic settlement with principal (利随本清)', () => {
      expect(nextSettlementDay(day('2026-01-05'), 'WITH_PRINCIPAL')).toBeNull();
    });

    it('nextSettlementDay is the first settlement day on or after the day (checked by scanning every day)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: toDay('2199-10-01') }), fc.constantFrom<SettlementCycle>('MONTHLY', 'QUARTERLY'), (start, cycle) => {
          const next = nextSettlementDay(start, cycle)!;
          expect(isSettlementDay(next, cycle)).toBe(true);
          for (let d = start; d < next; d++) expect(isSettlementDay(d, cycle)).toBe(false);
          // At most a month (31 days) or a quarter (92 days) ahead.
          expect(next - start).toBeLessThanOrEqual(cycle === 'MONTHLY' ? 31 : 92);
        }),
        { numRuns: 500 },
      );
    });
  });
});
