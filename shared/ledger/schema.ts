/**
 * The ledger table as plain data: the one source for CDK (infra/), the embedded store and
 * the adapter's key helpers, so they can never disagree about keys and indexes.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { invariant } from '#domain/errors.ts';

type KeyType = 'S' | 'N';
export type Projection = 'KEYS_ONLY' | 'ALL';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface LocalIndexSchema {
  readonly name: string;
  readonly sortKey: KeyAttribute;
  readonly projection: Projection;
}

export interface GlobalIndexSchema {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: Projection;
}

export interface TableSchema {
  readonly defaultTableName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly localIndexes: readonly LocalIndexSchema[];
  readonly globalIndexes: readonly GlobalIndexSchema[];
}


export const INDEX = {
  byRequestId: 'byRequestId',
  byBorrower: 'byBorrower',
  byShard: 'byShard',
} as const;

export const LEDGER_TABLE: TableSchema = {
  defaultTableName: 'credit-ledger',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  localIndexes: [
    // Sparse: only events written under an Idempotency-Key carry requestId. An LSI caps one
    // facility's item collection (its events + their index entries) at 10 GB: at a few KB
    // per event, millions of events — decades of daily activity on one SME line.
    // KEYS_ONLY: a key hit is rare (a replay) and is then read by key; writes stay ~1–2 WCU.
    { name: INDEX.byRequestId, sortKey: { name: 'requestId', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
  globalIndexes: [
    // KEYS_ONLY: the first event is stale by design; readers load the latest state by pk.
    {
      name: INDEX.byBorrower,
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projection: 'KEYS_ONLY',
    },
    // KEYS_ONLY: end of day only needs facility ids; it loads each state by pk anyway.
    {
      name: INDEX.byShard,
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
};

export function localIndex(name: string, schema: TableSchema = LEDGER_TABLE): LocalIndexSchema {
  const index = schema.localIndexes.find((i) => i.name === name);
  invariant(index !== undefined, `no local index ${name}`);
  return index;
}

export function globalIndex(name: string, schema: TableSchema = LEDGER_TABLE): GlobalIndexSchema {
  const index = schema.globalIndexes.find((i) => i.name === name);
  invariant(index !== undefined, `no global index ${name}`);
  return index;
}

// ---------------------------------------------------------------------------------------
// Keys

/** Sequence numbers are zero-padded to this many digits so that sk order is seq order. */
const SEQ_DIGITS = 10;
export const MAX_SEQ = 10 ** SEQ_DIGITS - 1;
/**
 * Number of end-of-day shards: fine-grained, written once on a facility's first event, so that a
 * run can group them into as many parallel items as its configuration asks (infra/eod-config.ts).
 * Changing it re-homes facilities, so it is part of the schema.
 */
export const EOD_SHARD_COUNT = 1024;
/**
 * The shard index's partitions: shard s sits in SHARD#<s div 64>, its entries sorted by shard
 * (`<s, 4 digits>#FAC#<id>`), so a range of shards inside one partition is one Query however many
 * shards it spans, and a run costs one Query per range, not one per shard.
 *
 * Legacy entries: releases before fine-grained shards had 16 shards, as many as there are
 * partitions now. Such a facility sits under SHARD#<fnv1a32(id) mod 16> with sort key `FAC#<id>`.
 * eodShardOf puts fnv1a32(id) mod 16 in the high bits, so that partition is its fine shard's
 * partition too: the range ending at the partition's last shard pages those entries (`FAC#…` sorts
 * after every `dddd#…`), and a run still finds each such facility exactly once. docs/end-of-day.md
 * describes the optional one-off job that rewrites their sort keys to spread them over the fine shards.
 */
export const EOD_SHARD_PARTITIONS = 16;
export const SHARDS_PER_PARTITION = EOD_SHARD_COUNT / EOD_SHARD_PARTITIONS;
const SHARD_DIGITS = 4;

const FACILITY_PREFIX = 'FAC#';
const EVENT_PREFIX = 'EV#';
export const BORROWER_KEY_PREFIX = 'BOR#';
const SHARD_PREFIX = 'SHARD#';
export const EVENT_SK_PREFIX = EVENT_PREFIX;
export const PROFILE_SK = 'PROFILE';
export const LPR_PK = 'LPR';
/** The renewal queue: one partition per status; only REVIEW#REFERRED ever loses items (the IAM delete condition). */
const REVIEW_PK_PREFIX = 'REVIEW#';
export const REFERRED_PK = `${REVIEW_PK_PREFIX}REFERRED`;

export function reviewPk(status: string): string {
  invariant(/^[A-Z]+$/.test(status), `not a renewal queue status: ${status}`);
  return REVIEW_PK_PREFIX + status;
}
const REFERRAL_PREFIX = 'REF#';
/** Leading key of the end-of-day items, for IAM conditions (dynamodb:LeadingKeys). */
export const EOD_KEY_PREFIX = 'EOD#';
export const EOD_REPORT_SK = 'REPORT';
const EOD_PART_PREFIX = 'PART#';
const EOD_BORROWERS_PREFIX = 'BORR#';
/** A run's id (Step Functions' execution name): letters, digits, '-' and '_'. */
const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;

function assertId(id: string, what: string): void {
  invariant(typeof id === 'string' && id.length > 0, `${what} must be a non-empty string`);
}

/** One partition per facility: ~1 000 writes/s per facility, far above any SME's use. */
export function facilityPk(facilityId: string): string {
  assertId(facilityId, 'facilityId');
  return FACILITY_PREFIX + facilityId;
}

export function facilityIdFromKey(key: string): string {
  invariant(key.startsWith(FACILITY_PREFIX), `not a facility key: ${key}`);
  return key.slice(FACILITY_PREFIX.length);
}

export function assertSeq(seq: number): void {
  invariant(Number.isSafeInteger(seq) && seq >= 1 && seq <= MAX_SEQ, `seq out of range: ${seq}`);
}

export function eventSk(seq: number): string {
  assertSeq(seq);
  return EVENT_PREFIX + String(seq).padStart(SEQ_DIGITS, '0');
}

export function seqFromEventSk(sk: string): number {
  invariant(sk.length === EVENT_PREFIX.length + SEQ_DIGITS && sk.startsWith(EVENT_PREFIX), `not an event key: ${sk}`);
  const seq = Number(sk.slice(EVENT_PREFIX.length));
  assertSeq(seq);
  return seq;
}

export function borrowerPk(borrowerId: string): string {
  assertId(borrowerId, 'borrowerId');
  return BORROWER_KEY_PREFIX + borrowerId;
}

export function borrowerIdFromKey(key: string): string {
  invariant(key.startsWith(BORROWER_KEY_PREFIX), `not a borrower key: ${key}`);
  return key.slice(BORROWER_KEY_PREFIX.length);
}

/** encodeURIComponent escapes '#', so no two (facility, application) pairs share a key. */
export function referralSk(facilityId: string, applicationId: string): string {
  assertId(facilityId, 'facilityId');
  assertId(applicationId, 'applicationId');
  return `${REFERRAL_PREFIX}${encodeURIComponent(facilityId)}#${encodeURIComponent(applicationId)}`;
}

export function isReferralSk(sk: string): boolean {
  return /^REF#[^#]+#[^#]+$/.test(sk);
}

/** One partition per end-of-day date: its portfolio report (and room for more items of the run). */
export function eodPk(date: string): string {
  invariant(/^\d{4}-\d{2}-\d{2}$/.test(date), `not an end-of-day date: ${date}`);
  return EOD_KEY_PREFIX + date;
}

/**
 * The result of one run over one range of shards, under the date's partition: `PART#<run>#<from>`.
 * Keyed by the run, so a report is only ever built from one run's parts, never from a stale one.
 */
export function eodPartSk(run: string, fromShard: number): string {
  invariant(RUN_ID.test(run), `not a run id: ${JSON.stringify(run)}`);
  assertShard(fromShard);
  return `${eodPartPrefix(run)}${String(fromShard).padStart(4, '0')}`;
}

export function eodPartPrefix(run: string): string {
  invariant(RUN_ID.test(run), `not a run id: ${JSON.stringify(run)}`);
  return `${EOD_PART_PREFIX}${run}#`;
}

/** One item of a run's borrower sums: `BORR#<run>#<from>#<index>` (docs/reporting.md). */
export function eodBorrowersSk(run: string, fromShard: number, index: number): string {
  assertShard(fromShard);
  invariant(Number.isSafeInteger(index) && index >= 0 && index < 1_000_000, `not a borrower item index: ${index}`);
  return `${eodBorrowersPrefix(run)}${String(fromShard).padStart(4, '0')}#${String(index).padStart(6, '0')}`;
}

export function eodBorrowersPrefix(run: string): string {
  invariant(RUN_ID.test(run), `not a run id: ${JSON.stringify(run)}`);
  return `${EOD_BORROWERS_PREFIX}${run}#`;
}

/** The shard index partition of a shard: SHARD#<shard div 64> (also the legacy shard's key, see EOD_SHARD_PARTITIONS). */
export function shardPartitionKey(shard: number): string {
  assertShard(shard);
  return SHARD_PREFIX + String(Math.floor(shard / SHARDS_PER_PARTITION));
}

/** The shard index sort key of a facility: `<shard, 4 digits>#FAC#<id>`, so shards sort in order inside their partition. */
export function shardIndexSk(shard: number, facilityId: string): string {
  assertShard(shard);
  return `${String(shard).padStart(SHARD_DIGITS, '0')}#${facilityPk(facilityId)}`;
}

/** The lowest sort key of a shard in its partition (every entry of the shard sorts at or above it). */
export function shardIndexFloor(shard: number): string {
  invariant(Number.isSafeInteger(shard) && shard >= 0 && shard <= EOD_SHARD_COUNT, `shard out of range: ${shard}`);
  return String(shard).padStart(SHARD_DIGITS, '0');
}

/** The shard and facility of a shard index sort key; shard null for a legacy entry (`FAC#<id>`). */
export function parseShardIndexSk(sk: string): { shard: number | null; facilityId: string } {
  const match = /^(\d{4})#(FAC#.+)$/.exec(sk);
  if (match === null) return { shard: null, facilityId: facilityIdFromKey(sk) };
  const shard = Number(match[1]);
  assertShard(shard);
  return { shard, facilityId: facilityIdFromKey(match[2]!) };
}

export function assertShard(shard: number): void {
  invariant(Number.isSafeInteger(shard) && shard >= 0 && shard < EOD_SHARD_COUNT, `shard out of range: ${shard}`);
}

/** 32-bit FNV-1a over the UTF-8 bytes: stable across processes and releases, no crypto needed. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The facility's shard: fnv1a32(id) mod 16 in the high bits (its index partition, the legacy shard),
 * the next 6 bits of the hash in the low ones.
 */
export function eodShardOf(facilityId: string): number {
  assertId(facilityId, 'facilityId');
  const hash = fnv1a32(facilityId);
  return (hash % EOD_SHARD_PARTITIONS) * SHARDS_PER_PARTITION + ((hash >>> 4) % SHARDS_PER_PARTITION);
}

// ---------------------------------------------------------------------------------------
// CreateTable input (embedded store, local runs); infra/ builds its Table from the same data.

function keyAttributes(schema: TableSchema): KeyAttribute[] {
  const all = [
    schema.partitionKey,
    schema.sortKey,
    ...schema.localIndexes.map((i) => i.sortKey),
    ...schema.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const byName = new Map<string, KeyAttribute>();
  for (const attribute of all) {
    const seen = byName.get(attribute.name);
    invariant(seen === undefined || seen.type === attribute.type, `attribute ${attribute.name} has two types`);
    byName.set(attribute.name, attribute);
  }
  return [...byName.values()];
}

export function toCreateTableInput(schema: TableSchema, tableName: string = schema.defaultTableName): CreateTableCommandInput {
  const tableKeys = [
    { AttributeName: schema.partitionKey.name, KeyType: 'HASH' as const },
    { AttributeName: schema.sortKey.name, KeyType: 'RANGE' as const },
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes(schema).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: tableKeys,
    LocalSecondaryIndexes: schema.localIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [tableKeys[0]!, { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }],
      Projection: { ProjectionType: index.projection },
    })),
    GlobalSecondaryIndexes: schema.globalIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}
