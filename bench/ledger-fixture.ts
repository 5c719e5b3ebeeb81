/**
 * What the store benchmarks (drawdown.ts, eod.ts) share: an in-memory embedded store, facilities
 * seeded fast, raw item helpers, and a stdout sink for the real handlers' log and EMF lines.
 *
 * Seeding runs the real use-cases (openFacility, drawdown, repay) against `MemoryJournal`, which
 * keeps the very items the DynamoDB adapter would write (item-codec.ts), then loads those items
 * into the embedded store with BatchWriteItem: the same bytes as seeding through the store, at a
 * fraction of the round trips (a few thousand facilities in seconds, not tens of seconds).
 */
import { BatchWriteItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { fixedClock } from '#domain/calendar.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { createDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { startEmbeddedStore } from '#ledger/embedded-store.ts';
import { eventToItem, itemToEvent, itemToLatestState, type Item } from '#ledger/item-codec.ts';
import { AppendConflict, type FirstLoan, type Journal, type JournalEvent, type LatestState, type LatestStates, type LedgerStore, type LprFixing, type Page } from '#ledger/journal.ts';
import type { LedgerRuntime } from '#ledger/runtime.ts';
import { eventSk, facilityPk } from '#ledger/schema.ts';

/** BatchWriteItem's own limit. */
export const BATCH_WRITE_ITEMS = 25;
/** Rounds of re-sending UnprocessedItems before giving up (dynalite never leaves any). */
export const MAX_BATCH_RESENDS = 5;

/** 1Y / 5Y LPR fixings in force for every benchmark date (3.00% / 3.50% from 2025-05-20). */
export const LPR_FIXINGS: readonly LprFixing[] = [
  { date: '2024-10-21', oneYearPpm: 31_000, fiveYearPpm: 36_000 },
  { date: '2025-05-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 },
];

/** Seeding time never varies, and nothing waits: recordedAt is fixed, retries cannot happen in memory. */
export const SEED_RUNTIME: LedgerRuntime = { clock: fixedClock('2026-01-02T01:00:00.000Z'), jitter: () => 0.5, sleep: async () => {} };

export interface BenchStore {
  readonly endpoint: string;
  readonly tableName: string;
  /** A client of the benchmark's own (the contenders may use another). */
  readonly client: DynamoDBClient;
  /** The ledger adapter on `client`, with the system runtime's retry policy but no sleeping. */
  readonly store: DynamoLedgerStore;
  stop(): Promise<void>;
}

/** A fresh in-memory embedded store with the ledger table and the LPR fixings. */
export async function startBenchStore(): Promise<BenchStore> {
  const embedded = await startEmbeddedStore();
  const client = createDynamoClient({ target: 'local', endpoint: embedded.endpoint });
  const store = new DynamoLedgerStore({ client, tableName: embedded.tableName, runtime: SEED_RUNTIME });
  for (const fixing of LPR_FIXINGS) await store.putLprFixing(fixing);
  return {
    endpoint: embedded.endpoint,
    tableName: embedded.tableName,
    client,
    store,
    stop: async () => {
      client.destroy();
      await embedded.stop();
    },
  };
}

/** Writes items with BatchWriteItem, 25 at a time; fails rather than loop if the store keeps some back. */
export async function writeItems(client: DynamoDBClient, tableName: string, items: readonly Item[]): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_WRITE_ITEMS) {
    let requests = items.slice(start, start + BATCH_WRITE_ITEMS).map((Item) => ({ PutRequest: { Item } }));
    for (let send = 0; requests.length > 0; send++) {
      if (send > MAX_BATCH_RESENDS) throw new Error(`BatchWriteItem left ${requests.length} items unprocessed after ${MAX_BATCH_RESENDS} resends`);
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []).map((r) => ({ PutRequest: { Item: r.PutRequest!.Item! } }));
    }
  }
}

/**
 * DynamoDB's item size: attribute names plus values (UTF-8 strings, numbers as written). Close
 * enough to the service's own count to compare two items' sizes.
 */
/** The bare "latest event" read every command and end of day starts with: Query desc, Limit 1, consistent. */
export function latestEventQuery(tableName: string, pk: AttributeValue): QueryCommand {
  return new QueryCommand({
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :ev)',
    ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
    ExpressionAttributeValues: { ':pk': pk, ':ev': { S: 'EV#' } },
    ScanIndexForward: false,
    Limit: 1,
    ConsistentRead: true,
  });
}

export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (value.S !== undefined) bytes += Buffer.byteLength(value.S);
    else if (value.N !== undefined) bytes += value.N.length;
    else bytes += Buffer.byteLength(JSON.stringify(value));
  }
  return bytes;
}

/** The parts of the ledger port that opening, drawing and repaying use. */
type SeedingPort = Journal & LatestStates & Pick<LedgerStore, 'markFirstLoan' | 'putLprFixing' | 'getLprOnOrBefore' | 'listRecentLpr'>;

/**
 * The ledger port in memory, for seeding only: events are kept as the adapter's items (encoded
 * and decoded by item-codec.ts on every call), so `items()` is exactly what the store would hold.
 */
export class MemoryJournal implements SeedingPort {
  readonly #events = new Map<string, Item[]>();
  readonly #lpr: LprFixing[] = [...LPR_FIXINGS].sort((a, b) => a.date.localeCompare(b.date));
  readonly #firstLoans = new Map<string, FirstLoan>();

  async loadLatest<State = unknown>(facilityId: string): Promise<JournalEvent<State> | null> {
    const item = this.#events.get(facilityId)?.at(-1);
    return item === undefined ? null : itemToEvent<State>(item);
  }

  async loadLatestState<State = unknown>(facilityId: string): Promise<LatestState<State> | null> {
    const item = this.#events.get(facilityId)?.at(-1);
    return item === undefined ? null : itemToLatestState<State>(item);
  }

  async loadEvent<State = unknown>(facilityId: string, seq: number): Promise<JournalEvent<State> | null> {
    const item = this.#events.get(facilityId)?.[seq - 1];
    return item === undefined ? null : itemToEvent<State>(item);
  }

  async findByRequestId<State = unknown>(facilityId: string, requestId: string): Promise<JournalEvent<State> | null> {
    const item = this.#events.get(facilityId)?.find((i) => i['requestId']?.S === requestId);
    return item === undefined ? null : itemToEvent<State>(item);
  }

  async append(event: JournalEvent): Promise<void> {
    const items = this.#events.get(event.facilityId) ?? [];
    if (event.seq !== items.length + 1) throw new AppendConflict(event.facilityId, event.seq, false);
    items.push(eventToItem(event));
    this.#events.set(event.facilityId, items);
  }

  /** The seeded book keeps no borrower profiles; end of day reads one per borrower for the policy figures (none: no group). */
  async getBorrower(): Promise<null> {
    return null;
  }

  async getBorrowers(): Promise<Map<string, never>> {
    return new Map<string, never>();
  }

  async listEvents(): Promise<Page<JournalEvent>> {
    throw new Error('MemoryJournal: listEvents is not used by benchmark seeding');
  }

  async markFirstLoan(borrowerId: string, firstLoan: FirstLoan): Promise<boolean> {
    const prior = this.#firstLoans.get(borrowerId);
    if (prior === undefined) this.#firstLoans.set(borrowerId, firstLoan);
    return prior === undefined || prior.drawdownId === firstLoan.drawdownId;
  }

  async putLprFixing(fixing: LprFixing): Promise<void> {
    this.#lpr.push(fixing);
    this.#lpr.sort((a, b) => a.date.localeCompare(b.date));
  }

  async getLprOnOrBefore(date: string): Promise<LprFixing | null> {
    return this.#lpr.findLast((f) => f.date <= date) ?? null;
  }

  async listRecentLpr(limit = 20): Promise<readonly LprFixing[]> {
    return this.#lpr.slice(-limit).reverse();
  }

  /** Every facility's items in seq order, facility by facility. */
  items(): Item[] {
    return [...this.#events.values()].flat();
  }

  /** One facility's items in seq order. */
  facilityItems(facilityId: string): readonly Item[] {
    return this.#events.get(facilityId) ?? [];
  }

  /**
   * As the whole store port: any other method (profiles, referrals, reports, directories) throws
   * when called, so a use-case that starts needing one fails loudly instead of seeding half a fixture.
   */
  asLedgerStore(): LedgerStore {
    return new Proxy(this, {
      get(target, property) {
        if (property in target) {
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return () => Promise.reject(new Error(`MemoryJournal: ${String(property)} is not used by benchmark seeding`));
      },
    }) as unknown as LedgerStore;
  }
}

/** App dependencies on a seeding journal: the real use-cases, nothing written to a store. */
export function seedingDeps(journal: MemoryJournal): AppDeps {
  return createAppDeps({ store: journal.asLedgerStore(), runtime: SEED_RUNTIME, product: DEFAULT_PRODUCT });
}

/** A copy of an event item under another facility id, with the index attributes left off. */
export function copyEventItem(item: Item, facilityId: string, seq: number): Item {
  const { gsi1pk: _1, gsi1sk: _2, gsi2pk: _3, gsi2sk: _4, ...rest } = item;
  return { ...rest, pk: { S: facilityPk(facilityId) }, sk: { S: eventSk(seq) } };
}

/**
 * Captures everything written to process.stdout until `restore()`: the real handlers' Powertools
 * Logger and Metrics write there (one access-log line and one EMF line per request), and stdout
 * belongs to the report. Counting instead of printing keeps the formatting cost, drops the
 * terminal's. Returns the bytes and lines swallowed.
 */
export function captureStdout(): { restore(): { bytes: number; lines: number } } {
  const stdout = process.stdout;
  const original = Object.getOwnPropertyDescriptor(stdout, 'write');
  let bytes = 0;
  let lines = 0;
  const sink = (chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    bytes += Buffer.byteLength(text);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  };
  stdout.write = sink as typeof stdout.write;
  return {
    restore() {
      if (original === undefined) delete (stdout as { write?: unknown }).write;
      else Object.defineProperty(stdout, 'write', original);
      return { bytes, lines };
    },
  };
}

/** Sets environment variables until the returned function is called, which puts the old values back. */
export function withEnv(values: Readonly<Record<string, string>>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** The p-th percentile (0 < p ≤ 100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
