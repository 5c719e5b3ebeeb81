import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvariantViolation } from '#domain/errors.ts';
import {
  EOD_SHARD_COUNT,
  eodShardOf,
  eventSk,
  facilityIdFromKey,
  facilityPk,
  fnv1a32,
  LEDGER_TABLE,
  MAX_SEQ,
  seqFromEventSk,
  shardFromKey,
  shardKey,
  toCreateTableInput,
} from '#ledger/schema.ts';

describe('keys', () => {
  it('prefixes facility partitions with FAC#', () => {
    expect(facilityPk('CN-2026-0001')).toBe('FAC#CN-2026-0001');
    expect(facilityIdFromKey('FAC#CN-2026-0001')).toBe('CN-2026-0001');
  });

  it('pads event sequence numbers to 10 digits so that string order is seq order', () => {
    expect(eventSk(1)).toBe('EV#0000000001');
    expect(eventSk(MAX_SEQ)).toBe('EV#9999999999');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_SEQ }), fc.integer({ min: 1, max: MAX_SEQ }), (a, b) => {
        expect(seqFromEventSk(eventSk(a))).toBe(a);
        expect(eventSk(a) < eventSk(b)).toBe(a < b);
      }),
    );
  });

  it.each([0, -1, 1.5, MAX_SEQ + 1, Number.NaN])('refuses seq %s', (seq) => {
    expect(() => eventSk(seq)).toThrow(InvariantViolation);
  });

  it('refuses empty ids and malformed keys', () => {
    expect(() => facilityPk('')).toThrow(InvariantViolation);
    expect(() => seqFromEventSk('EV#12')).toThrow(InvariantViolation);
    expect(() => facilityIdFromKey('BOR#1')).toThrow(InvariantViolation);
    expect(() => shardKey(EOD_SHARD_COUNT)).toThrow(InvariantViolation);
    expect(shardFromKey(shardKey(7))).toBe(7);
  });
});

describe('end-of-day shard', () => {
  it('uses 32-bit FNV-1a (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('is fnv1a32(id) mod N, stable for a given id', () => {
    expect(eodShardOf('foobar')).toBe(0xbf9cf968 % EOD_SHARD_COUNT);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        const shard = eodShardOf(id);
        expect(shard).toBe(eodShardOf(id));
        expect(Number.isInteger(shard) && shard >= 0 && shard < EOD_SHARD_COUNT).toBe(true);
      }),
    );
  });

  it('spreads sequential contract numbers over every shard', () => {
    const counts = new Array<number>(EOD_SHARD_COUNT).fill(0);
    for (let i = 0; i < 1_600; i++) counts[eodShardOf(`CN-2026-${String(i).padStart(6, '0')}`)]! += 1;
    // 100 expected per shard; a hash that ignored the changing digits would fail this.
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(140);
  });
});

describe('CreateTable input', () => {
  const input = toCreateTableInput(LEDGER_TABLE, 'ledger-under-test');

  it('keys the table on string pk/sk and bills per request', () => {
    expect(input.TableName).toBe('ledger-under-test');
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('defines each key attribute exactly once, as a string', () => {
    const names = input.AttributeDefinitions!.map((a) => a.AttributeName).sort();
    expect(names).toEqual(['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'pk', 'requestId', 'sk']);
    expect(input.AttributeDefinitions!.every((a) => a.AttributeType === 'S')).toBe(true);
  });

  it('has the sparse LSI byRequestId on (pk, requestId), keys only', () => {
    expect(input.LocalSecondaryIndexes).toEqual([
      {
        IndexName: 'byRequestId',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'requestId', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });

  it('has the sparse GSIs byBorrower and byShard, keys only', () => {
    expect(input.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byBorrower',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: 'byShard',
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });

  it('defaults the table name from the schema', () => {
    expect(toCreateTableInput(LEDGER_TABLE).TableName).toBe('credit-ledger');
  });
});
