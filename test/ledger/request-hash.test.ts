import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, requestHash } from '#ledger/request-hash.ts';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: 'é' } })).toBe('{"a":{"c":"é","d":[3,{"x":2,"y":1}]},"b":1}');
  });

  it('keeps array order (order is meaning there)', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('omits undefined properties like JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson([undefined])).toBe('[null]');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['bigint', 10n],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a function', () => 1],
  ])('refuses %s instead of changing it silently', (_label, value) => {
    expect(() => canonicalJson({ value })).toThrow(TypeError);
  });

  it('refuses a top-level undefined (there is no JSON for it)', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('is independent of key insertion order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });
});

describe('requestHash', () => {
  it('is the sha256 hex of the canonical JSON', () => {
    // sha256('{"a":1,"b":2}')
    expect(requestHash({ b: 2, a: 1 })).toBe('43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777');
  });

  it('differs when any value differs', () => {
    expect(requestHash({ amount: '100.00' })).not.toBe(requestHash({ amount: '100.01' }));
  });
});
