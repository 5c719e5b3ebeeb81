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
  parseShardIndexSk,
  shardIndexSk,
  shardPartitionKey,
  EOD_SHARD_PARTITIONS,
  SHARDS_PER_PARTITION,
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
    expect(() => shardPartitionKey(EOD_SHARD_COUNT)).toThrow(InvariantViolation);
    expect(shardPartitionKey(7)).toBe('SHARD#0');
    expect(shardPartitionKey(1023)).toBe('SHARD#15');
    expect(shardIndexSk(7, 'F-1')).toBe('0007#FAC#F-1');
    expect(parseShardIndexSk(shardIndexSk(7, 'F#1'))).toEqual({ shard: 7, facilityId: 'F#1' });
    // A legacy entry (16 shards, before fine-grained ones) names only the facility.
    expect(parseShardIndexSk('FAC#F-1')).toEqual({ shard: null, facilityId: 'F-1' });
    expect(() => parseShardIndexSk('1024#FAC#F-1')).toThrow(InvariantViolation);
  });
});

describe('end-of-day shard', () => {
  it('uses 32-bit FNV-1a (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('is one of 1 024: fnv1a32(id) mod 16 (its index partition, and its shard before fine-grained ones) in the high bits, the next 6 bits below; stable for a given id', () => {
    // 0xbf9cf968: mod 16 = 8; (>>> 4) mod 64 = 0xbf9cf96 mod 64 = 0x16 = 22.
    expect(eodShardOf('foobar')).toBe(8 * 64 + 22);
    expect(EOD_SHARD_PARTITIONS * SHARDS_PER_PARTITION).toBe(EOD_SHARD_COUNT);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        const shard = eodShardOf(id);
        expect(shard).toBe(eodShardOf(id));
        expect(Number.isInteger(shard) && shard >= 0 && shard < EOD_SHARD_COUNT).toBe(true);
        // A facility opened under 16 shards sits under SHARD#<fnv mod 16>: its fine shard's partition.
        expect(shardPartitionKey(shard)).toBe(`SHARD#${fnv1a32(id) % 16}`);
      }),
    );
  });

  it('spreads sequential contract numbers over every shard', () => {
    const counts = new Array<number>(EOD_SHARD_COUNT).fill(0);
    for (let i = 0; i < 102_400; i++) counts[eodShardOf(`CN-2026-${String(i).padStart(6, '0')}`)]! += 1;
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
