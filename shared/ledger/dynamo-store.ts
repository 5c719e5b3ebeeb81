/**
 * The DynamoDB adapter of the ledger port (journal.ts), on the low-level client. Every
 * call is a single-item write or a Query/GetItem; every call goes through the bounded
 * transient retry. Item layouts live in item-codec.ts, keys and indexes in schema.ts.
 */
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type QueryCommandInput,
  type QueryCommandOutput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { invariant, InvariantViolation } from '#domain/errors.ts';
import { LedgerError } from './errors.ts';
import { badCursor, decodeCursor, decodeSeqCursor, encodeCursor, pageLimit, type CursorKind } from './cursor.ts';
import {
  AppendConflict,
  assertAppendable,
  assertDate,
  assertEodPart,
  assertEodReport,
  DEFAULT_PAGE_SIZE,
  type BorrowerRecord,
  type EodBorrowers,
  type EodPart,
  type EodReport,
  type FirstLoan,
  type JournalEvent,
  type LatestState,
  type LedgerStore,
  type LprFixing,
  type Page,
  type PageRequest,
  type RenewalQueueEntry,
  type RenewalQueueStatus,
  RENEWAL_QUEUE_STATUSES,
  type ShardRange,
} from './journal.ts';
import {
  assertItemWithinLimit,
  ATTR,
  borrowerKey,
  eodBorrowersToItem,
  eodPartToItem,
  eodReportKey,
  eodReportToItem,
  eventKey,
  eventToItem,
  firstLoanJson,
  itemToBorrower,
  itemToEodBorrowers,
  itemToEodPart,
  itemToEodReport,
  itemToEvent,
  itemToLatestState,
  itemToLpr,
  itemToRenewalEntry,
  lprToItem,
  num,
  readString,
  referralKey,
  renewalEntryToItem,
  str,
  toJson,
  type Item,
} from './item-codec.ts';
import type { RetryRuntime } from './runtime.ts';
import {
  borrowerPk,
  EOD_SHARD_COUNT,
  eodBorrowersPrefix,
  eodPartPrefix,
  eodPk,
  EVENT_SK_PREFIX,
  eventSk,
  facilityIdFromKey,
  facilityPk,
  INDEX,
  isReferralSk,
  LPR_PK,
  reviewPk,
  assertShard,
  parseShardIndexSk,
  seqFromEventSk,
  SHARDS_PER_PARTITION,
  shardIndexFloor,
  shardPartitionKey,
} from './schema.ts';
import { withTransientRetry } from './transient.ts';

export interface DynamoLedgerStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly runtime: RetryRuntime;
}

const NAMES = { '#pk': ATTR.pk, '#sk': ATTR.sk } as const;

/**
 * Index entries read per idempotency lookup. On DynamoDB a key has at most one; more can only
 * be orphans left by a crashed emulator, so a lookup that finds this many is a corrupt store.
 */
const MAX_REQUEST_ID_INDEX_HITS = 16;

function isConditionalCheckFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException';
}

/** BatchGetItem's own limit on keys per call. */
const BORROWER_BATCH = 100;
/** Rounds of unprocessed keys before a batch read gives up (the table is throttling hard). */
const MAX_BATCH_ROUNDS = 8;

export class DynamoLedgerStore implements LedgerStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #runtime: RetryRuntime;

  constructor(options: DynamoLedgerStoreOptions) {
    invariant(options.tableName.length > 0, 'tableName must be non-empty');
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#runtime = options.runtime;
  }

  // -------------------------------------------------------------------------------------
  // Journal

  async loadLatest<State = unknown>(facilityId: string): Promise<JournalEvent<State> | null> {
    const item = await this.#latestEventItem(facilityId);
    return item === undefined ? null : itemToEvent<State>(item);
  }

  async loadLatestState<State = unknown>(facilityId: string): Promise<LatestState<State> | null> {
    const item = await this.#latestEventItem(facilityId);
    return item === undefined ? null : itemToLatestState<State>(item);
  }

  async #latestEventItem(facilityId: string): Promise<Item | undefined> {
    const out = await this.#query({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :ev)',
      ExpressionAttributeNames: NAMES,
      ExpressionAttributeValues: { ':pk': str(facilityPk(facilityId)), ':ev': str(EVENT_SK_PREFIX) },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    });
    return out.Items?.[0] as Item | undefined;
  }

  async loadEvent<State = unknown>(facilityId: string, seq: number): Promise<JournalEvent<State> | null> {
    const item = await this.#getItem(eventKey(facilityId, seq));
    return item === undefined ? null : itemToEvent<State>(item);
  }

  async findByRequestId<State = unknown>(facilityId: string, requestId: string): Promise<JournalEvent<State> | null> {
    invariant(requestId.length > 0, 'requestId must be non-empty');
    // An index entry is only a pointer: it counts when the event it points at carries this
    // key. A store that wrote the index entry but not the item (an emulator killed between
    // the two writes) leaves an orphan that a later command's event can fill; trusting it
    // would answer this request with that other request's response.
    const found: JournalEvent<State>[] = [];
    let hits = 0;
    let startKey: Item | undefined;
    do {
      const out = await this.#query({
        IndexName: INDEX.byRequestId,
        KeyConditionExpression: '#pk = :pk AND #rid = :rid',
        ExpressionAttributeNames: { '#pk': ATTR.pk, '#rid': ATTR.requestId },
        ExpressionAttributeValues: { ':pk': str(facilityPk(facilityId)), ':rid': str(requestId) },
        Select: 'ALL_PROJECTED_ATTRIBUTES',
        Limit: MAX_REQUEST_ID_INDEX_HITS + 1 - hits,
        ConsistentRead: true,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      });
      for (const hit of out.Items ?? []) {
        hits++;
        invariant(hits <= MAX_REQUEST_ID_INDEX_HITS, `idempotency key ${requestId} has over ${MAX_REQUEST_ID_INDEX_HITS} index entries on ${facilityId}`);
        // The index is KEYS_ONLY: read the event itself. A missing item (an emulator that
        // updates indexes before items) is skipped, and that is still safe: the caller's
        // append at latest.seq + 1 conflicts and reloads if the event appears meanwhile.
        const item = await this.#getItem({ [ATTR.pk]: str(readString(hit, ATTR.pk)), [ATTR.sk]: str(readString(hit, ATTR.sk)) });
        if (item === undefined) continue;
        const event = itemToEvent<State>(item);
        if (event.facilityId === facilityId && event.requestId === requestId) found.push(event);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    invariant(found.length <= 1, `idempotency key ${requestId} has ${found.length} events on ${facilityId}`);
    return found[0] ?? null;
  }

  async append(event: JournalEvent): Promise<void> {
    assertAppendable(event);
    const item = eventToItem(event);
    assertItemWithinLimit(item, `event ${event.facilityId}#${event.seq} (${event.type})`);
    const input = new PutItemCommand({
      TableName: this.#tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': ATTR.pk },
    });
    let sends = 0;
    try {
      await withTransientRetry(() => (sends++, this.#client.send(input)), this.#runtime);
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new AppendConflict(event.facilityId, event.seq, sends > 1);
      throw error;
    }
  }

  async listEvents(facilityId: string, page?: PageRequest): Promise<Page<JournalEvent>> {
    const limit = pageLimit(page);
    const startSeq = page?.cursor === undefined ? undefined : decodeSeqCursor(page.cursor);
    return this.#page(
      {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :ev)',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':pk': str(facilityPk(facilityId)), ':ev': str(EVENT_SK_PREFIX) },
        ScanIndexForward: true,
        ConsistentRead: true,
        ...(startSeq === undefined ? {} : { ExclusiveStartKey: eventKey(facilityId, startSeq) }),
      },
      limit,
      (item) => itemToEvent(item),
      { kind: 'ev', position: (item) => String(seqFromEventSk(readString(item, ATTR.sk))) },
    );
  }

  // -------------------------------------------------------------------------------------
  // Facility directory (sparse GSIs on the first event; eventually consistent by nature)

  async listFacilitiesByBorrower(borrowerId: string, page?: PageRequest): Promise<Page<string>> {
    return this.#facilityPage('bor', INDEX.byBorrower, ATTR.borrowerGsiPk, ATTR.borrowerGsiSk, borrowerPk(borrowerId), page);
  }

  async listFacilitiesByShards(shards: ShardRange, page?: PageRequest): Promise<Page<string>> {
    const { from, to } = shards;
    assertShard(from);
    const partition = Math.floor(from / SHARDS_PER_PARTITION);
    const partitionEnd = (partition + 1) * SHARDS_PER_PARTITION;
    invariant(Number.isSafeInteger(to) && to > from && to <= partitionEnd, `shards [${from}, ${to}) are not inside one index partition`);
    const limit = pageLimit(page);
    const lo = shardIndexFloor(from);
    // The range that ends its partition also takes the partition's legacy entries (`FAC#…` sorts after every `dddd#…`).
    const hi = to === partitionEnd ? undefined : shardIndexFloor(to);
    const after = page?.cursor === undefined ? undefined : decodeCursor('shard', page.cursor);
    if (after !== undefined && (after < lo || (hi !== undefined && after >= hi))) throw badCursor();
    const facilityId = (sk: string) => {
      try {
        return parseShardIndexSk(sk).facilityId;
      } catch {
        throw badCursor();
      }
    };
    const pk = shardPartitionKey(from);
    const startKey: Item | undefined =
      after === undefined
        ? undefined
        : // Index entries exist only on seq 1, so the sort key rebuilds the whole start key.
          { [ATTR.shardGsiPk]: str(pk), [ATTR.shardGsiSk]: str(after), [ATTR.pk]: str(facilityPk(facilityId(after))), [ATTR.sk]: str(eventSk(1)) };
    return this.#page(
      {
        IndexName: INDEX.byShard,
        KeyConditionExpression: hi === undefined ? '#gpk = :gpk AND #gsk >= :lo' : '#gpk = :gpk AND #gsk BETWEEN :lo AND :hi',
        ExpressionAttributeNames: { '#gpk': ATTR.shardGsiPk, '#gsk': ATTR.shardGsiSk },
        ExpressionAttributeValues: { ':gpk': str(pk), ':lo': str(lo), ...(hi === undefined ? {} : { ':hi': str(hi) }) },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      },
      limit,
      (item) => facilityIdFromKey(readString(item, ATTR.pk)),
      { kind: 'shard', position: (item) => readString(item, ATTR.shardGsiSk) },
    );
  }

  async #facilityPage(kind: CursorKind, indexName: string, pkName: string, skName: string, partition: string, page?: PageRequest): Promise<Page<string>> {
    const limit = pageLimit(page);
    const after = page?.cursor === undefined ? undefined : decodeCursor(kind, page.cursor);
    // Index entries exist only on seq 1, so the facility id rebuilds the whole start key.
    const startKey: Item | undefined =
      after === undefined
        ? undefined
        : { [pkName]: str(partition), [skName]: str(facilityPk(after)), [ATTR.pk]: str(facilityPk(after)), [ATTR.sk]: str(eventSk(1)) };
    return this.#page(
      {
        IndexName: indexName,
        KeyConditionExpression: '#gpk = :gpk',
        ExpressionAttributeNames: { '#gpk': pkName },
        ExpressionAttributeValues: { ':gpk': str(partition) },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      },
      limit,
      (item) => facilityIdFromKey(readString(item, ATTR.pk)),
      { kind, position: (item) => facilityIdFromKey(readString(item, ATTR.pk)) },
    );
  }

  // -------------------------------------------------------------------------------------
  // Borrower profiles

  async getBorrower<Profile = unknown>(borrowerId: string): Promise<BorrowerRecord<Profile> | null> {
    const item = await this.#getItem(borrowerKey(borrowerId));
    return item === undefined ? null : itemToBorrower<Profile>(item);
  }

  /**
   * Many borrowers' records in BatchGetItem calls of BORROWER_BATCH keys (consistent reads, as getBorrower);
   * what the table left unprocessed is asked for again. Missing borrowers are absent from the map.
   */
  async getBorrowers<Profile = unknown>(borrowerIds: readonly string[]): Promise<Map<string, BorrowerRecord<Profile>>> {
    const found = new Map<string, BorrowerRecord<Profile>>();
    const unique = [...new Set(borrowerIds)];
    for (let start = 0; start < unique.length; start += BORROWER_BATCH) {
      let keys: Item[] = unique.slice(start, start + BORROWER_BATCH).map(borrowerKey);
      for (let round = 0; keys.length > 0; round++) {
        invariant(round < MAX_BATCH_ROUNDS, `BatchGetItem left ${keys.length} borrower keys unprocessed after ${MAX_BATCH_ROUNDS} rounds`);
        if (round > 0) await this.#runtime.sleep(Math.min(1_000, 25 * 2 ** round));
        const request = { [this.#tableName]: { Keys: keys, ConsistentRead: true } };
        const out = await withTransientRetry(() => this.#client.send(new BatchGetItemCommand({ RequestItems: request })), this.#runtime);
        for (const item of out.Responses?.[this.#tableName] ?? []) {
          const record = itemToBorrower<Profile>(item);
          found.set(record.borrowerId, record);
        }
        keys = (out.UnprocessedKeys?.[this.#tableName]?.Keys ?? []) as Item[];
      }
    }
    return found;
  }

  async putBorrowerProfile(borrowerId: string, profile: unknown, expectedVersion: number): Promise<number> {
    invariant(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0, `bad expectedVersion ${expectedVersion}`);
    const nextVersion = expectedVersion + 1;
    const isNew = expectedVersion === 0;
    try {
      // UpdateItem, not PutItem: the item may already hold firstLoan, which must survive.
      await this.#update({
        Key: borrowerKey(borrowerId),
        UpdateExpression: 'SET #profile = :profile, #version = :next',
        ConditionExpression: isNew ? 'attribute_not_exists(#version)' : '#version = :expected',
        ExpressionAttributeNames: { '#profile': ATTR.profile, '#version': ATTR.version },
        ExpressionAttributeValues: {
          ':profile': str(toJson(profile, 'profile')),
          ':next': num(nextVersion),
          ...(isNew ? {} : { ':expected': num(expectedVersion) }),
        },
      });
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      throw new LedgerError('concurrent-modification', 'the borrower profile changed since it was read', { borrowerId, expectedVersion });
    }
    return nextVersion;
  }

  async markFirstLoan(borrowerId: string, firstLoan: FirstLoan): Promise<boolean> {
    invariant(firstLoan.facilityId.length > 0 && firstLoan.drawdownId.length > 0, 'firstLoan ids must be non-empty');
    assertDate(firstLoan.date, 'firstLoan.date');
    try {
      // Creates the item if absent. "= :loan" makes a retried call for the same drawdown
      // (e.g. after a lost response) see true again instead of false.
      await this.#update({
        Key: borrowerKey(borrowerId),
        UpdateExpression: 'SET #firstLoan = :loan',
        ConditionExpression: 'attribute_not_exists(#firstLoan) OR #firstLoan = :loan',
        ExpressionAttributeNames: { '#firstLoan': ATTR.firstLoan },
        ExpressionAttributeValues: { ':loan': str(firstLoanJson(firstLoan)) },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------
  // LPR fixings

  async putLprFixing(fixing: LprFixing): Promise<void> {
    assertDate(fixing.date, 'LPR date');
    for (const ppm of [fixing.oneYearPpm, fixing.fiveYearPpm]) {
      invariant(Number.isSafeInteger(ppm) && ppm > 0, `LPR must be a positive integer of ppm: ${ppm}`);
    }
    await this.#put({ Item: lprToItem(fixing) });
  }

  async getLprOnOrBefore(date: string): Promise<LprFixing | null> {
    assertDate(date, 'date');
    const out = await this.#query({
      KeyConditionExpression: '#pk = :pk AND #sk <= :date',
      ExpressionAttributeNames: NAMES,
      ExpressionAttributeValues: { ':pk': str(LPR_PK), ':date': str(date) },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    });
    const item = out.Items?.[0];
    return item === undefined ? null : itemToLpr(item);
  }

  async listRecentLpr(limit: number = DEFAULT_PAGE_SIZE): Promise<readonly LprFixing[]> {
    const out = await this.#query({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': ATTR.pk },
      ExpressionAttributeValues: { ':pk': str(LPR_PK) },
      ScanIndexForward: false,
      Limit: pageLimit({ limit }),
      ConsistentRead: true,
    });
    return (out.Items ?? []).map(itemToLpr);
  }

  // -------------------------------------------------------------------------------------
  // Renewal queue (REVIEW#<status>): derived from the journal, so plain writes

  async putRenewalEntry(entry: RenewalQueueEntry): Promise<void> {
    invariant(entry.borrowerId.length > 0, 'borrowerId must be non-empty');
    invariant((RENEWAL_QUEUE_STATUSES as readonly string[]).includes(entry.status), `not a renewal queue status: ${entry.status}`);
    assertDate(entry.appliedOn, 'appliedOn');
    await this.#put({ Item: renewalEntryToItem(entry) });
  }

  async removeReferral(facilityId: string, applicationId: string): Promise<void> {
    const key = referralKey(facilityId, applicationId);
    await withTransientRetry(() => this.#client.send(new DeleteItemCommand({ TableName: this.#tableName, Key: key })), this.#runtime);
  }

  async listRenewalEntries(status: RenewalQueueStatus, page?: PageRequest): Promise<Page<RenewalQueueEntry>> {
    invariant((RENEWAL_QUEUE_STATUSES as readonly string[]).includes(status), `not a renewal queue status: ${status}`);
    const limit = pageLimit(page);
    const after = page?.cursor === undefined ? undefined : decodeCursor('ref', page.cursor);
    if (after !== undefined && !isReferralSk(after)) throw badCursor();
    const pk = str(reviewPk(status));
    return this.#page(
      {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': ATTR.pk },
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ...(after === undefined ? {} : { ExclusiveStartKey: { [ATTR.pk]: pk, [ATTR.sk]: str(after) } }),
      },
      limit,
      itemToRenewalEntry,
      { kind: 'ref', position: (item) => readString(item, ATTR.sk) },
    );
  }

  // -------------------------------------------------------------------------------------
  // End-of-day reports (EOD#<date>): derived from the journal, so a plain overwrite

  async putEodReport(report: EodReport): Promise<void> {
    assertEodReport(report);
    await this.#put({ Item: eodReportToItem(report) });
  }

  async getEodReport(date: string): Promise<EodReport | null> {
    assertDate(date, 'date');
    const item = await this.#getItem(eodReportKey(date));
    return item === undefined ? null : itemToEodReport(item);
  }

  async putEodPart(run: string, part: EodPart): Promise<void> {
    assertEodPart(part);
    await this.#put({ Item: eodPartToItem(run, part) });
  }

  async listEodParts(date: string, run: string): Promise<EodPart[]> {
    assertDate(date, 'date');
    // Bounded: at most one part per shard, a few KB each, so a handful of 1 MB pages.
    const items = await this.#queryPrefix(eodPk(date), eodPartPrefix(run), EOD_SHARD_COUNT + 1, `end-of-day parts for ${date}, run ${run}`);
    return items.map(itemToEodPart);
  }

  async putEodBorrowers(run: string, entry: EodBorrowers): Promise<void> {
    assertDate(entry.date, 'date');
    const item = eodBorrowersToItem(run, entry);
    assertItemWithinLimit(item, `borrower sums ${entry.date} [${entry.from}] #${entry.index}`);
    await this.#put({ Item: item });
  }

  async listEodBorrowers(date: string, run: string): Promise<EodBorrowers[]> {
    assertDate(date, 'date');
    // Pages of up to 1 MB: a few items each. Bounded by the book (a page of borrowers per item).
    const items = await this.#queryPrefix(eodPk(date), eodBorrowersPrefix(run), Number.POSITIVE_INFINITY, `end-of-day borrowers for ${date}, run ${run}`);
    return items.map(itemToEodBorrowers);
  }

  // -------------------------------------------------------------------------------------
  // Plumbing

  /** Every item of partition `pk` whose sort key starts with `prefix`, page by page (consistent reads), in at most `maxPages` pages. */
  async #queryPrefix(pk: string, prefix: string, maxPages: number, what: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    for (let page = 0; page < maxPages; page++) {
      const out = await this.#query({
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':pk': str(pk), ':prefix': str(prefix) },
        ConsistentRead: true,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      });
      items.push(...((out.Items ?? []) as Item[]));
      startKey = out.LastEvaluatedKey;
      if (startKey === undefined) return items;
    }
    throw new InvariantViolation(`more than ${maxPages} pages of ${what}`);
  }

  /**
   * One page of at most `limit` items. Asks for one more than needed, so a full last page
   * gets no cursor; DynamoDB's own 1 MB page end also yields a cursor.
   */
  async #page<T>(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit'>,
    limit: number,
    decode: (item: Item) => T,
    cursor: { readonly kind: CursorKind; readonly position: (item: Item) => string },
  ): Promise<Page<T>> {
    const out = await this.#query({ ...input, Limit: limit + 1 });
    const items = (out.Items ?? []).slice(0, limit);
    const more = (out.Items?.length ?? 0) > limit || out.LastEvaluatedKey !== undefined;
    const last = items.at(-1);
    return {
      items: items.map(decode),
      nextCursor: more && last !== undefined ? encodeCursor(cursor.kind, cursor.position(last)) : null,
    };
  }

  #query(input: Omit<QueryCommandInput, 'TableName'>): Promise<QueryCommandOutput> {
    return withTransientRetry(() => this.#client.send(new QueryCommand({ TableName: this.#tableName, ...input })), this.#runtime);
  }

  async #getItem(key: Item): Promise<Item | undefined> {
    const input: GetItemCommandInput = { TableName: this.#tableName, Key: key, ConsistentRead: true };
    const out = await withTransientRetry(() => this.#client.send(new GetItemCommand(input)), this.#runtime);
    return out.Item;
  }

  async #put(input: Omit<PutItemCommandInput, 'TableName'>): Promise<void> {
    await withTransientRetry(() => this.#client.send(new PutItemCommand({ TableName: this.#tableName, ...input })), this.#runtime);
  }

  async #update(input: Omit<UpdateItemCommandInput, 'TableName'>): Promise<void> {
    await withTransientRetry(() => this.#client.send(new UpdateItemCommand({ TableName: this.#tableName, ...input })), this.#runtime);
  }
}
