import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MONEY_FEN, parseYuan } from '#domain/money.ts';
import { parsePercent } from '#domain/rates.ts';
import {
  BusinessDate,
  Cursor,
  FacilityId,
  MAX_ID_LENGTH,
  Money,
  PageQuery,
  PERCENT_DOC_PATTERN,
  POSITIVE_YUAN_DOC_PATTERN,
  RatePercent,
  SpreadBp,
  YUAN_DOC_PATTERN,
} from '#api/primitives.ts';
import * as z from '#api/z.ts';

/** The messages a client would read for `value` in field `field`. */
function messages(schema: z.core.$ZodType, value: unknown): string[] {
  const result = z.safeParse(z.object({ field: schema }), value === undefined ? {} : { field: value });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

function decoded(schema: z.core.$ZodType, value: unknown): unknown {
  return z.parse(schema, value);
}

describe('Money: a yuan string on the wire, integer fen inside', () => {
  it.each([
    ['50000.00', 5_000_000],
    ['0', 0],
    ['0.01', 1],
    ['1234.5', 123_450],
    ['9999999999.99', 999_999_999_999],
  ])('"%s" is %i fen', (text, fen) => {
    expect(decoded(Money, text)).toBe(fen);
  });

  it.each([
    ['1e5', 'exponent'],
    ['1.001', 'three decimals'],
    ['-1', 'sign'],
    ['+1', 'sign'],
    ['', 'empty'],
    ['０', 'a full-width digit'],
    ['１２３', 'full-width digits'],
    [' 1', 'a space'],
    ['1,000.00', 'a separator'],
    ['01', 'a leading zero'],
    ['1.', 'a bare point'],
    ['.5', 'no integer part'],
    ['NaN', 'not a number'],
    ['Infinity', 'not a number'],
    ['0x10', 'hex'],
    ['99999999999999999999999999.00', 'huge'],
  ])('refuses "%s" (%s) with a message naming the format', (text) => {
    const [message] = messages(Money, text);
    expect(message).toMatch(/^field: .*yuan with at most 2 decimals/);
  });

  it('takes at most 10 000 000 000.00 yuan', () => {
    expect(decoded(Money, '10000000000.00')).toBe(MAX_MONEY_FEN);
    expect(messages(Money, '10000000000.01')).toEqual(['field: must not exceed 10000000000.00 yuan']);
    expect(messages(Money, '99999999999')).toEqual(['field: must not exceed 10000000000.00 yuan']);
  });

  it.each<[unknown, string]>([
    [5, 'a JSON number'],
    [50000.0, 'a JSON number'],
    [null, 'null'],
    [true, 'a boolean'],
    [['1'], 'an array'],
  ])('refuses %j (%s): it must be a string', (value) => {
    expect(messages(Money, value)).toEqual(['field: must be a string of yuan with at most 2 decimals, e.g. "50000.00"']);
  });

  it('says a missing amount is required', () => {
    expect(messages(Money, undefined)).toEqual(['field: is required']);
  });

  it('documents exactly the strings parseYuan accepts, bound included; PositiveMoney the same less zero', () => {
    const pattern = new RegExp(YUAN_DOC_PATTERN);
    const positive = new RegExp(POSITIVE_YUAN_DOC_PATTERN);
    const accepts = (text: string) => {
      try {
        parseYuan(text);
        return true;
      } catch {
        return false;
      }
    };
    const candidates = fc.oneof(
      fc.stringMatching(/^-?[0-9]{0,12}(\.[0-9]{0,3})?$/),
      fc.string({ maxLength: 14 }),
      fc.bigInt({ min: 0n, max: 10n ** 13n }).map((fen) => `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        if (accepts(text) !== pattern.test(text)) return false;
        return positive.test(text) === (accepts(text) && parseYuan(text) > 0);
      }),
      { numRuns: 2000 },
    );
    // The bound itself: 10 000 000 000.00 is the largest amount (MAX_MONEY_FEN).
    expect(['10000000000', '10000000000.00', '9999999999.99'].map((text) => pattern.test(text))).toEqual([true, true, true]);
    expect(['10000000000.01', '10000000001', '0.00'].map((text) => positive.test(text))).toEqual([false, false, false]);
    expect(parseFloat('10000000000.00') * 100).toBe(MAX_MONEY_FEN);
  });

  it('encodes fen back to a two-decimal string', () => {
    expect(z.encode(Money, 153_333)).toBe('1533.33');
  });
});

describe('RatePercent: a percent string, integer ppm inside', () => {
  it.each([
    ['3.4500', 34_500],
    ['3.45', 34_500],
    ['0', 0],
    ['100', 1_000_000],
    ['0.0001', 1],
  ])('"%s" is %i ppm', (text, ppm) => {
    expect(decoded(RatePercent, text)).toBe(ppm);
  });

  it.each(['3.45001', '-3.45', '1e1', '', '100.0001', '３.45'])('refuses "%s"', (text) => {
    expect(messages(RatePercent, text)).toHaveLength(1);
  });

  it('refuses a JSON number with a clear message', () => {
    expect(messages(RatePercent, 3.45)).toEqual(['field: must be a percent string with at most 4 decimals, e.g. "3.4500"']);
  });

  it('documents exactly the strings parsePercent accepts, its 100% ceiling included', () => {
    const pattern = new RegExp(PERCENT_DOC_PATTERN);
    const accepts = (text: string) => {
      try {
        parsePercent(text);
        return true;
      } catch {
        return false;
      }
    };
    const candidates = fc.oneof(fc.stringMatching(/^-?[0-9]{0,4}(\.[0-9]{0,5})?$/), fc.string({ maxLength: 10 }));
    fc.assert(
      fc.property(candidates, (text) => {
        return accepts(text) === pattern.test(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes ppm with four decimals', () => {
    expect(z.encode(RatePercent, 34_500)).toBe('3.4500');
  });
});

describe('SpreadBp', () => {
  it('takes whole basis points, negative ones too', () => {
    expect(decoded(SpreadBp, -20)).toBe(-20);
    expect(messages(SpreadBp, 1.5)).toHaveLength(1);
    expect(messages(SpreadBp, '35')).toEqual(['field: must be a whole number of basis points']);
    expect(messages(SpreadBp, 5001)).toHaveLength(1);
  });
});

describe('BusinessDate: a real calendar day', () => {
  it.each(['2026-01-05', '2024-02-29', '1970-01-01', '2199-12-31'])('accepts %s', (date) => {
    expect(decoded(BusinessDate, date)).toBe(date);
  });

  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-1-5', '20260105', '2026-01-05T00:00:00Z', '', '２０２６-01-05', '1969-12-31'])(
    'refuses %s',
    (date) => {
      expect(messages(BusinessDate, date)).toEqual(['field: must be a calendar date YYYY-MM-DD between 1970 and 2199']);
    },
  );

  it('refuses a number', () => {
    expect(messages(BusinessDate, 20260105)).toEqual(['field: must be a date string YYYY-MM-DD']);
  });
});

describe('ids', () => {
  it('are 1 to 64 characters of [A-Za-z0-9._-]', () => {
    expect(decoded(FacilityId, 'FAC-2026_000.1')).toBe('FAC-2026_000.1');
    expect(decoded(FacilityId, 'x'.repeat(MAX_ID_LENGTH))).toHaveLength(MAX_ID_LENGTH);
    for (const bad of ['', 'x'.repeat(MAX_ID_LENGTH + 1), 'FAC 1', 'FAC/1', 'FAC#1', '合同1', '.', '..']) {
      expect(messages(FacilityId, bad), bad).toHaveLength(1);
    }
  });
});

describe('pagination', () => {
  it('takes limit 1..100 from the query string and decodes it', () => {
    expect(z.parse(PageQuery, { limit: '1' })).toEqual({ limit: 1 });
    expect(z.parse(PageQuery, { limit: '100', cursor: 'abc_-123' })).toEqual({ limit: 100, cursor: 'abc_-123' });
    expect(z.parse(PageQuery, {})).toEqual({});
  });

  it.each(['0', '101', '-1', '1.5', '1e2', '', ' 5', '05', 'abc'])('refuses limit=%s', (limit) => {
    const result = z.safeParse(PageQuery, { limit });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be a whole number from 1 to 100');
  });

  it('refuses a cursor it did not mint', () => {
    expect(z.safeParse(Cursor, 'a+b/c=').success).toBe(false);
    expect(z.safeParse(Cursor, 'x'.repeat(513)).success).toBe(false);
  });

  it('refuses unknown query parameters', () => {
    expect(z.safeParse(PageQuery, { limt: '5' }).error?.issues[0]?.message).toBe('Unrecognized key: "limt"');
  });
});
