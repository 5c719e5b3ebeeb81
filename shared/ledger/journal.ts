/**
 * The store port. Use-cases talk to these interfaces; the DynamoDB adapter
 * (dynamo-store.ts) lives behind them and is the only module that knows item layouts.
 */
import { isBusinessDate } from '#domain/calendar.ts';
import { invariant } from '#domain/errors.ts';
import type { RenewalQueueStatus } from '#domain/renewal-checks.ts';
import type { Posting } from '#domain/state.ts';
// The report's one shape is the contract's (end of day is documented in docs/end-of-day.md).
import type { EodBorrowers, EodPart, EodReport } from '#api/eod.ts';
import { assertSeq, EOD_SHARD_COUNT, eodShardOf } from './schema.ts';

/** What the API answered, stored with the event so a replay returns the same bytes forever. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface JournalEvent<State = unknown> {
  readonly facilityId: string;
  /** 1 for the first event; each append is exactly latest.seq + 1. */
  readonly seq: number;
  readonly type: string;
  /** YYYY-MM-DD, Asia/Shanghai. */
  readonly businessDate: string;
  /** ISO-8601 UTC from the injected clock. */
  readonly recordedAt: string;
  readonly actor: string;
  /** The Idempotency-Key; absent when the command had none. */
  readonly requestId?: string;
  readonly requestHash?: string;
  readonly data: unknown;
  readonly postings: readonly Posting[];
  /** The full post-event state. */
  readonly state: State;
  readonly response?: StoredResponse;
  /** First event only: indexes the facility by borrower and by end-of-day shard. */
  readonly borrowerId?: string;
  readonly eodShard?: number;
}

export interface PageRequest {
  readonly cursor?: string;
  readonly limit?: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; null on the last page. */
  readonly nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Someone appended at this seq first. Internal to the ledger: the command executor turns
 * it into a reload-and-retry, and only after its bound into `concurrent-modification`.
 */
export class AppendConflict extends Error {
  readonly facilityId: string;
  readonly seq: number;
  /**
   * The put was sent again after a transient error (e.g. a timeout), so the item in the
   * way may be our own first attempt rather than a competitor's event.
   */
  readonly mayBeOwnWrite: boolean;

  constructor(facilityId: string, seq: number, mayBeOwnWrite: boolean) {
    super(`an event already exists at ${facilityId}#${seq}`);
    this.name = 'AppendConflict';
    this.facilityId = facilityId;
    this.seq = seq;
    this.mayBeOwnWrite = mayBeOwnWrite;
  }
}

/** The event stream of one facility: the only port the command executor needs. */
export interface Journal {
  /** The latest event (consistent read), or null for a facility that has none. */
  loadLatest<State = unknown>(facilityId: string): Promise<JournalEvent<State> | null>;
  /** One event by seq (consistent read), or null. */
  loadEvent<State = unknown>(facilityId: string, seq: number): Promise<JournalEvent<State> | null>;
  /** The event recorded under this idempotency key for this facility (consistent read), or null. */
  findByRequestId<State = unknown>(facilityId: string, requestId: string): Promise<JournalEvent<State> | null>;
  /** Writes the event iff nothing exists at its seq; otherwise throws AppendConflict. */
  append(event: JournalEvent): Promise<void>;
  /** Events in ascending seq order. */
  listEvents(facilityId: string, page?: PageRequest): Promise<Page<JournalEvent>>;
}

/** Where a facility's journal stands and the state there: all of the latest event that end of day reads. */
export type LatestState<State = unknown> = Pick<JournalEvent<State>, 'facilityId' | 'seq' | 'state'>;

/** The latest state alone, for readers that never look at the command, postings or response (end of day). */
export interface LatestStates {
  /** The latest event's seq and state (the same consistent read as loadLatest), or null; nothing else decoded. */
  loadLatestState<State = unknown>(facilityId: string): Promise<LatestState<State> | null>;
}

/** Facility ids found through the sparse indexes on each facility's first event (eventually consistent). */
interface FacilityDirectory {
  listFacilitiesByBorrower(borrowerId: string, page?: PageRequest): Promise<Page<string>>;
  /**
   * The facilities of the end-of-day shards [from, to), which must lie in one index partition
   * (SHARDS_PER_PARTITION shards): one Query per page however many shards the range spans.
   */
  listFacilitiesByShards(shards: ShardRange, page?: PageRequest): Promise<Page<string>>;
}

/** End-of-day shards [from, to). */
export interface ShardRange {
  readonly from: number;
  readonly to: number;
}

export interface FirstLoan {
  readonly facilityId: string;
  readonly drawdownId: string;
  /** YYYY-MM-DD business date of the drawdown. */
  readonly date: string;
}

export interface BorrowerRecord<Profile = unknown> {
  readonly borrowerId: string;
  /** Null until a profile is put (the record may exist only to hold firstLoan). */
  readonly profile: Profile | null;
  /** 0 until a profile is put; each put increments it. */
  readonly version: number;
  readonly firstLoan: FirstLoan | null;
}

interface BorrowerProfiles {
  getBorrower<Profile = unknown>(borrowerId: string): Promise<BorrowerRecord<Profile> | null>;
  /** The records of many borrowers at once (end of day's policy figures); a borrower with no record is absent. */
  getBorrowers<Profile = unknown>(borrowerIds: readonly string[]): Promise<Map<string, BorrowerRecord<Profile>>>;
  /**
   * Optimistic update: succeeds only if the stored version equals expectedVersion (0 = no
   * profile yet), else DomainError `concurrent-modification`. Returns the new version.
   */
  putBorrowerProfile(borrowerId: string, profile: unknown, expectedVersion: number): Promise<number>;
  /**
   * Records the borrower's first loan unless one is recorded already. True iff the recorded
   * first loan is this one: among concurrent calls for different drawdowns exactly one
   * sees true, and a retried call for the same drawdown still sees true.
   */
  markFirstLoan(borrowerId: string, firstLoan: FirstLoan): Promise<boolean>;
}

export interface LprFixing {
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly oneYearPpm: number;
  readonly fiveYearPpm: number;
}

export interface LprFixings {
  /** Publishes a fixing; a correction for the same date overwrites it. */
  putLprFixing(fixing: LprFixing): Promise<void>;
  /** The fixing in force on a date: the latest one dated on or before it, or null. */
  getLprOnOrBefore(date: string): Promise<LprFixing | null>;
  /** The most recent fixings, newest first, at most `limit` (≤ MAX_PAGE_SIZE). */
  listRecentLpr(limit?: number): Promise<readonly LprFixing[]>;
}

export { RENEWAL_QUEUE_STATUSES, type RenewalQueueStatus } from '#domain/renewal-checks.ts';

/** A renewal application as the queue lists it under its status (derived from the journal, repairable). */
export interface RenewalQueueEntry {
  readonly facilityId: string;
  readonly applicationId: string;
  readonly borrowerId: string;
  /** YYYY-MM-DD business date of the application. */
  readonly appliedOn: string;
  readonly status: RenewalQueueStatus;
  /** What the listing shows besides the keys (checks, terms, amounts, decision), JSON-safe. */
  readonly summary: Readonly<Record<string, unknown>>;
}

interface ReviewQueue {
  /** Idempotent: putting the same entry again leaves one (the latest summary). */
  putRenewalEntry(entry: RenewalQueueEntry): Promise<void>;
  /** Takes an application off the REFERRED queue (decided or expired). Idempotent. */
  removeReferral(facilityId: string, applicationId: string): Promise<void>;
  /** One status's entries in key order: by facility id, then application id (each URI-encoded). */
  listRenewalEntries(status: RenewalQueueStatus, page?: PageRequest): Promise<Page<RenewalQueueEntry>>;
}

/** The portfolio report per date (`EOD#<date>`): derived from the journal, repairable by re-running the date. */
interface EodReports {
  /** Overwrites: a re-run of the date replaces its report. */
  putEodReport(report: EodReport): Promise<void>;
  /** The date's report, or null when no end of day has run for it. */
  getEodReport(date: string): Promise<EodReport | null>;
  /** Keeps one run's part of a date (overwrites: a retried range writes the same part again). */
  putEodPart(run: string, part: EodPart): Promise<void>;
  /** Every part one run kept for a date, in shard order (consistent reads). */
  listEodParts(date: string, run: string): Promise<EodPart[]>;
  /** Keeps one item of a run's borrower sums (overwrites: a retried invocation writes the same item again). */
  putEodBorrowers(run: string, item: EodBorrowers): Promise<void>;
  /** Every item of borrower sums one run kept for a date, by range and index (consistent reads). */
  listEodBorrowers(date: string, run: string): Promise<EodBorrowers[]>;
}

export type { EodBorrowers, EodPart, EodReport };

export type LedgerStore = Journal & LatestStates & FacilityDirectory & BorrowerProfiles & LprFixings & ReviewQueue & EodReports;

// ---------------------------------------------------------------------------------------
// Invariants every adapter enforces before it writes an event.

const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function assertDate(date: string, what: string): void {
  invariant(isBusinessDate(date), `${what} must be a YYYY-MM-DD date, got ${JSON.stringify(date)}`);
}

function assertPostings(postings: readonly Posting[]): void {
  let debitsFen = 0;
  let creditsFen = 0;
  for (const posting of postings) {
    invariant(posting.account.length > 0, 'posting account must be non-empty');
    invariant(Number.isSafeInteger(posting.amountFen) && posting.amountFen > 0, `posting amount must be a positive integer of fen: ${posting.amountFen}`);
    if (posting.side === 'DR') debitsFen += posting.amountFen;
    else if (posting.side === 'CR') creditsFen += posting.amountFen;
    else invariant(false, `posting side must be DR or CR: ${String(posting.side)}`);
  }
  invariant(Number.isSafeInteger(debitsFen) && debitsFen === creditsFen, `postings do not balance: DR ${debitsFen} ≠ CR ${creditsFen}`);
}

const isCount = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;

/** What every adapter checks before it stores a part: a range of shards, and counts as a report's. */
export function assertEodPart(part: EodPart): void {
  invariant(Number.isSafeInteger(part.from) && Number.isSafeInteger(part.to) && part.from >= 0 && part.from < part.to && part.to <= EOD_SHARD_COUNT, `part covers shards [${part.from}, ${part.to})`);
  // The policy figures are computed when parts combine; a part carries its borrowers' sums and its ledger.
  invariant(isCount(part.borrowerChunks), `part borrowerChunks must be a non-negative integer: ${part.borrowerChunks}`);
  const { borrowerChunks: _chunks, ledger, ...counts } = part;
  assertEodReport({ ...counts, shards: part.to - part.from, overdueRatioPpm: 0, policy: undefined as never, trialBalance: ledger });
}

/** What every adapter checks before it stores a report: counts and amounts are non-negative safe integers. */
export function assertEodReport(report: EodReport): void {
  assertDate(report.date, 'report date');
  for (const key of ['shards', 'processed', 'changed', 'failures', 'overdueRatioPpm'] as const) {
    invariant(isCount(report[key]), `report ${key} must be a non-negative integer: ${report[key]}`);
  }
  const { byClassification, ...amounts } = report.totals;
  for (const [key, value] of Object.entries(amounts)) invariant(isCount(value), `report totals.${key} must be a non-negative integer: ${value}`);
  for (const [key, value] of [...Object.entries(byClassification), ...Object.entries(report.eventsByType)]) {
    invariant(isCount(value), `report count ${key} must be a non-negative integer: ${value}`);
  }
  invariant(report.failed.length <= report.failures, `report lists ${report.failed.length} failures of ${report.failures}`);
  invariant(report.changed <= report.processed, `report counts ${report.changed} facilities changed of ${report.processed} processed`);
}

export function assertAppendable(event: JournalEvent): void {
  assertSeq(event.seq);
  invariant(event.type.length > 0, 'event type must be non-empty');
  invariant(event.actor.length > 0, 'event actor must be non-empty');
  assertDate(event.businessDate, 'businessDate');
  invariant(INSTANT_PATTERN.test(event.recordedAt), `recordedAt must be ISO-8601 UTC: ${event.recordedAt}`);
  invariant((event.requestId === undefined) === (event.requestHash === undefined), 'requestId and requestHash go together');
  invariant(event.requestId === undefined || event.requestId.length > 0, 'requestId must be non-empty');
  invariant(event.state !== undefined, 'an event carries the full post-event state');
  invariant((event.borrowerId === undefined) === (event.eodShard === undefined), 'borrowerId and eodShard go together');
  if (event.borrowerId !== undefined) {
    invariant(event.seq === 1, 'only the first event indexes the facility');
    invariant(event.borrowerId.length > 0, 'borrowerId must be non-empty');
    invariant(event.eodShard === eodShardOf(event.facilityId), 'eodShard must be eodShardOf(facilityId)');
  }
  if (event.response !== undefined) {
    invariant(Number.isInteger(event.response.status) && event.response.status >= 100 && event.response.status <= 599, `bad response status ${event.response.status}`);
  }
  assertPostings(event.postings);
}
