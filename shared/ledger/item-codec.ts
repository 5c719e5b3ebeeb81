/**
 * Hand-written marshalling between ledger records and DynamoDB items. Payloads (data,
 * postings, state, response, profile) are single JSON string attributes: cheap to
 * marshal, and the stored response is the exact byte string a replay must return. A state
 * too big to store as it is (COMPRESS_STATE_FROM_BYTES) is its JSON gzipped, in `stateGzip`.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { invariant, InvariantViolation } from '#domain/errors.ts';
import type { Posting } from '#domain/state.ts';
import type { BorrowerRecord, EodBorrowers, EodPart, EodReport, FirstLoan, JournalEvent, LatestState, LprFixing, RenewalQueueEntry, StoredResponse } from './journal.ts';
import { canonicalJson } from './request-hash.ts';
import {
  borrowerIdFromKey,
  borrowerPk,
  EOD_REPORT_SK,
  eodBorrowersSk,
  eodPartSk,
  eodPk,
  eventSk,
  facilityIdFromKey,
  facilityPk,
  globalIndex,
  INDEX,
  LEDGER_TABLE,
  localIndex,
  LPR_PK,
  PROFILE_SK,
  REFERRED_PK,
  reviewPk,
  referralSk,
  seqFromEventSk,
  parseShardIndexSk,
  shardIndexSk,
  shardPartitionKey,
  eodShardOf,
} from './schema.ts';

export type Item = Record<string, AttributeValue>;

/** Attribute names used in expressions; key and index key names come from LEDGER_TABLE. */
export const ATTR = {
  pk: LEDGER_TABLE.partitionKey.name,
  sk: LEDGER_TABLE.sortKey.name,
  requestId: localIndex(INDEX.byRequestId).sortKey.name,
  borrowerGsiPk: globalIndex(INDEX.byBorrower).partitionKey.name,
  borrowerGsiSk: globalIndex(INDEX.byBorrower).sortKey.name,
  shardGsiPk: globalIndex(INDEX.byShard).partitionKey.name,
  shardGsiSk: globalIndex(INDEX.byShard).sortKey.name,
  profile: 'profile',
  version: 'version',
  firstLoan: 'firstLoan',
} as const;

// ---------------------------------------------------------------------------------------
// Primitive attributes

export const str = (value: string): AttributeValue => ({ S: value });
export const num = (value: number): AttributeValue => ({ N: String(value) });

export function readString(item: Item, name: string): string {
  const value = item[name]?.S;
  invariant(value !== undefined, `item attribute ${name} must be a string`);
  return value;
}

function readOptionalString(item: Item, name: string): string | undefined {
  if (item[name] === undefined) return undefined;
  return readString(item, name);
}

function readNumber(item: Item, name: string): number {
  const text = item[name]?.N;
  invariant(text !== undefined, `item attribute ${name} must be a number`);
  const value = Number(text);
  invariant(Number.isSafeInteger(value), `item attribute ${name} must be a safe integer, got ${text}`);
  return value;
}

export function toJson(value: unknown, what: string): string {
  const json = JSON.stringify(value);
  invariant(typeof json === 'string', `${what} must be JSON-serialisable`);
  return json;
}

function fromJson(json: string, what: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new InvariantViolation(`stored ${what} is not valid JSON`);
  }
}

// ---------------------------------------------------------------------------------------
// Events

/**
 * A state whose JSON is larger than this is stored gzipped. An ordinary facility's state is a few
 * KB and stays readable JSON in `state`; one at the product's limits (100 open drawdowns of three
 * years, none serviced, each keeping an unpaid interest item per settlement) reaches ≈ 310 KB,
 * over MAX_ITEM_BYTES, and gzips to ≈ 20 KB (docs/journal.md).
 */
export const COMPRESS_STATE_FROM_BYTES = 64 * 1024;

function stateAttribute(json: string): Item {
  if (Buffer.byteLength(json, 'utf8') <= COMPRESS_STATE_FROM_BYTES) return { state: str(json) };
  return { stateGzip: { B: gzipSync(json) } };
}

function readState(item: Item): string {
  const gzipped = item['stateGzip']?.B;
  if (gzipped === undefined) return readString(item, 'state');
  try {
    return gunzipSync(gzipped).toString('utf8');
  } catch {
    throw new InvariantViolation('stored stateGzip is not gzip');
  }
}

export function eventKey(facilityId: string, seq: number): Item {
  return { [ATTR.pk]: str(facilityPk(facilityId)), [ATTR.sk]: str(eventSk(seq)) };
}

export function eventToItem(event: JournalEvent): Item {
  const item: Item = {
    ...eventKey(event.facilityId, event.seq),
    type: str(event.type),
    businessDate: str(event.businessDate),
    recordedAt: str(event.recordedAt),
    actor: str(event.actor),
    data: str(toJson(event.data, 'data')),
    postings: str(toJson(event.postings, 'postings')),
    ...stateAttribute(toJson(event.state, 'state')),
  };
  if (event.requestId !== undefined) item[ATTR.requestId] = str(event.requestId);
  if (event.requestHash !== undefined) item['requestHash'] = str(event.requestHash);
  if (event.response !== undefined) item['response'] = str(toJson(event.response, 'response'));
  if (event.borrowerId !== undefined && event.eodShard !== undefined) {
    const facilityKey = facilityPk(event.facilityId);
    item[ATTR.borrowerGsiPk] = str(borrowerPk(event.borrowerId));
    item[ATTR.borrowerGsiSk] = str(facilityKey);
    item[ATTR.shardGsiPk] = str(shardPartitionKey(event.eodShard));
    item[ATTR.shardGsiSk] = str(shardIndexSk(event.eodShard, event.facilityId));
  }
  return item;
}

export function itemToEvent<State>(item: Item): JournalEvent<State> {
  const requestId = readOptionalString(item, ATTR.requestId);
  const requestHash = readOptionalString(item, 'requestHash');
  const response = readOptionalString(item, 'response');
  const borrowerKey = readOptionalString(item, ATTR.borrowerGsiPk);
  const shardSk = readOptionalString(item, ATTR.shardGsiSk);
  // A legacy entry (`FAC#<id>`, see EOD_SHARD_PARTITIONS) names no shard: it is the id's.
  const shard = shardSk === undefined ? undefined : (parseShardIndexSk(shardSk).shard ?? eodShardOf(facilityIdFromKey(readString(item, ATTR.pk))));
  return {
    facilityId: facilityIdFromKey(readString(item, ATTR.pk)),
    seq: seqFromEventSk(readString(item, ATTR.sk)),
    type: readString(item, 'type'),
    businessDate: readString(item, 'businessDate'),
    recordedAt: readString(item, 'recordedAt'),
    actor: readString(item, 'actor'),
    ...(requestId === undefined ? {} : { requestId }),
    ...(requestHash === undefined ? {} : { requestHash }),
    data: fromJson(readString(item, 'data'), 'data'),
    postings: fromJson(readString(item, 'postings'), 'postings') as Posting[],
    state: fromJson(readState(item), 'state') as State,
    ...(response === undefined ? {} : { response: fromJson(response, 'response') as StoredResponse }),
    ...(borrowerKey === undefined ? {} : { borrowerId: borrowerIdFromKey(borrowerKey) }),
    ...(shard === undefined ? {} : { eodShard: shard }),
  };
}

/**
 * Only the position and state of an event item: end of day reads every facility's latest event and
 * needs nothing else, and the command, postings and stored response are about as much JSON again.
 */
export function itemToLatestState<State>(item: Item): LatestState<State> {
  return {
    facilityId: facilityIdFromKey(readString(item, ATTR.pk)),
    seq: seqFromEventSk(readString(item, ATTR.sk)),
    state: fromJson(readState(item), 'state') as State,
  };
}

/**
 * An item's size as DynamoDB counts it against its 400 KB limit: each attribute's name plus its
 * value, strings and binaries in bytes, numbers as their digits (an overestimate: DynamoDB packs
 * two digits a byte), nested values item by item, plus 3 bytes per map or list.
 */
export function itemSizeBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name, 'utf8') + attributeSizeBytes(value);
  return bytes;
}

function attributeSizeBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return value.N.length + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + s.length + 1, 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + b.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((n, v) => n + 1 + attributeSizeBytes(v), 0);
  if (value.M !== undefined) return 3 + itemSizeBytes(value.M) + Object.keys(value.M).length;
  return 0;
}

/** The size of the item an event is stored as (see itemSizeBytes). */
export function eventItemBytes(event: JournalEvent): number {
  return itemSizeBytes(eventToItem(event));
}

/**
 * No journal item is written above this, well under DynamoDB's 400 KB: the command executor
 * splits a long catch-up into chunks below it, and the adapter checks every put against it. An
 * item over it is a bug (the state outgrew its bounds), never a client's fault.
 */
export const MAX_ITEM_BYTES = 256 * 1024;

export function assertItemWithinLimit(item: Item, what: string): void {
  const bytes = itemSizeBytes(item);
  invariant(bytes <= MAX_ITEM_BYTES, `${what} would be a ${bytes}-byte item, over the ${MAX_ITEM_BYTES}-byte limit`);
}

/** True iff both events would be stored as the same item (how a writer recognises its own write). */
export function sameStoredEvent(a: JournalEvent, b: JournalEvent): boolean {
  return canonicalJson(eventToItem(a)) === canonicalJson(eventToItem(b));
}

// ---------------------------------------------------------------------------------------
// Borrower profiles

export function borrowerKey(borrowerId: string): Item {
  return { [ATTR.pk]: str(borrowerPk(borrowerId)), [ATTR.sk]: str(PROFILE_SK) };
}

/** Canonical, so that the same first loan is always the same string (compared in a condition). */
export function firstLoanJson(firstLoan: FirstLoan): string {
  return canonicalJson({ facilityId: firstLoan.facilityId, drawdownId: firstLoan.drawdownId, date: firstLoan.date });
}

export function itemToBorrower<Profile>(item: Item): BorrowerRecord<Profile> {
  const profile = readOptionalString(item, ATTR.profile);
  const firstLoan = readOptionalString(item, ATTR.firstLoan);
  return {
    borrowerId: borrowerIdFromKey(readString(item, ATTR.pk)),
    profile: profile === undefined ? null : (fromJson(profile, 'profile') as Profile),
    version: item[ATTR.version] === undefined ? 0 : readNumber(item, ATTR.version),
    firstLoan: firstLoan === undefined ? null : (fromJson(firstLoan, 'firstLoan') as FirstLoan),
  };
}

// ---------------------------------------------------------------------------------------
// LPR fixings

export function lprToItem(fixing: LprFixing): Item {
  return {
    [ATTR.pk]: str(LPR_PK),
    [ATTR.sk]: str(fixing.date),
    oneYearPpm: num(fixing.oneYearPpm),
    fiveYearPpm: num(fixing.fiveYearPpm),
  };
}

export function itemToLpr(item: Item): LprFixing {
  return {
    date: readString(item, ATTR.sk),
    oneYearPpm: readNumber(item, 'oneYearPpm'),
    fiveYearPpm: readNumber(item, 'fiveYearPpm'),
  };
}

// ---------------------------------------------------------------------------------------
// Renewal review queue

function renewalEntryKey(status: string, facilityId: string, applicationId: string): Item {
  return { [ATTR.pk]: str(reviewPk(status)), [ATTR.sk]: str(referralSk(facilityId, applicationId)) };
}

export function referralKey(facilityId: string, applicationId: string): Item {
  return { [ATTR.pk]: str(REFERRED_PK), [ATTR.sk]: str(referralSk(facilityId, applicationId)) };
}

export function renewalEntryToItem(entry: RenewalQueueEntry): Item {
  return {
    ...renewalEntryKey(entry.status, entry.facilityId, entry.applicationId),
    facilityId: str(entry.facilityId),
    applicationId: str(entry.applicationId),
    borrowerId: str(entry.borrowerId),
    appliedOn: str(entry.appliedOn),
    status: str(entry.status),
    summary: str(toJson(entry.summary, 'summary')),
  };
}

export function itemToRenewalEntry(item: Item): RenewalQueueEntry {
  return {
    facilityId: readString(item, 'facilityId'),
    applicationId: readString(item, 'applicationId'),
    borrowerId: readString(item, 'borrowerId'),
    appliedOn: readString(item, 'appliedOn'),
    // Entries written before the status and summary existed were referrals with no summary.
    status: (item['status']?.S ?? 'REFERRED') as RenewalQueueEntry['status'],
    summary: item['summary']?.S === undefined ? {} : (fromJson(item['summary'].S, 'summary') as Record<string, unknown>),
  };
}

// ---------------------------------------------------------------------------------------
// End-of-day portfolio reports

export function eodReportKey(date: string): Item {
  return { [ATTR.pk]: str(eodPk(date)), [ATTR.sk]: str(EOD_REPORT_SK) };
}

export function eodReportToItem(report: EodReport): Item {
  return { ...eodReportKey(report.date), report: str(toJson(report, 'report')) };
}

export function itemToEodReport(item: Item): EodReport {
  const report = fromJson(readString(item, 'report'), 'report') as EodReport;
  invariant(eodPk(report.date) === readString(item, ATTR.pk), `stored report of ${report.date} sits under ${readString(item, ATTR.pk)}`);
  return report;
}

function eodPartKey(date: string, run: string, fromShard: number): Item {
  return { [ATTR.pk]: str(eodPk(date)), [ATTR.sk]: str(eodPartSk(run, fromShard)) };
}

export function eodPartToItem(run: string, part: EodPart): Item {
  return { ...eodPartKey(part.date, run, part.from), part: str(toJson(part, 'part')) };
}

function eodBorrowersKey(date: string, run: string, fromShard: number, index: number): Item {
  return { [ATTR.pk]: str(eodPk(date)), [ATTR.sk]: str(eodBorrowersSk(run, fromShard, index)) };
}

export function eodBorrowersToItem(run: string, entry: EodBorrowers): Item {
  return { ...eodBorrowersKey(entry.date, run, entry.from, entry.index), borrowers: str(toJson(entry, 'borrowers')) };
}

export function itemToEodBorrowers(item: Item): EodBorrowers {
  const entry = fromJson(readString(item, 'borrowers'), 'borrowers') as EodBorrowers;
  invariant(eodPk(entry.date) === readString(item, ATTR.pk), `stored borrowers of ${entry.date} sit under ${readString(item, ATTR.pk)}`);
  return entry;
}

export function itemToEodPart(item: Item): EodPart {
  const part = fromJson(readString(item, 'part'), 'part') as EodPart;
  invariant(eodPk(part.date) === readString(item, ATTR.pk), `stored part of ${part.date} sits under ${readString(item, ATTR.pk)}`);
  return part;
}
