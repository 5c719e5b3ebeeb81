/**
 * Helpers for tests that talk to the embedded store started by test/setup/embedded-store.ts.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { fixedClock } from '#domain/calendar.ts';
import { createDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { ensureTable } from '#ledger/embedded-store.ts';
import type { JournalEvent, LedgerStore } from '#ledger/journal.ts';
import type { LedgerRuntime } from '#ledger/runtime.ts';

export const FIXED_NOW = new Date('2026-01-05T02:00:00.000Z');

/** No waiting, mid-range jitter, a fixed clock: deterministic and fast. */
export const instantRuntime: LedgerRuntime = {
  clock: fixedClock(FIXED_NOW),
  jitter: () => 0.5,
  sleep: async () => {},
};

/** Deterministic PRNG (mulberry32) for jitter in concurrency tests. */
export function seededJitter(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real (millisecond) sleeps with seeded jitter: contention behaves as it would in production. */
export function contendedRuntime(seed: number): LedgerRuntime {
  return {
    clock: fixedClock(FIXED_NOW),
    jitter: seededJitter(seed),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function ledgerClient(): DynamoDBClient {
  return createDynamoClient({ target: 'local', endpoint: inject('ledgerEndpoint') });
}

export function ledgerStore(client: DynamoDBClient, options: { tableName?: string; runtime?: LedgerRuntime } = {}): DynamoLedgerStore {
  return new DynamoLedgerStore({
    client,
    tableName: options.tableName ?? inject('ledgerTableName'),
    runtime: options.runtime ?? instantRuntime,
  });
}

/** Every event of a facility, in order, read page by page. */
export async function wholeJournal<State>(store: LedgerStore, facilityId: string): Promise<JournalEvent<State>[]> {
  const events: JournalEvent<State>[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listEvents(facilityId, { limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    events.push(...(page.items as JournalEvent<State>[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return events;
}

/** A table of the test's own, for partitions that all tests would otherwise share. */
export async function freshTable(client: DynamoDBClient, prefix: string): Promise<string> {
  const tableName = uniqueId(prefix);
  await ensureTable(client, tableName);
  return tableName;
}
