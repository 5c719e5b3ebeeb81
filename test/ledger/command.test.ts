/**
 * The command executor against the embedded store, with a toy facility: a limit, and
 * commands that use part of it. The toy keeps the tests about the journal mechanics
 * (ordering, idempotency, concurrency), not about credit rules.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DomainError } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import { APPEND_BACKOFF, executeCommand, MAX_APPEND_ATTEMPTS, requestHash, type Command, type EventDraft } from '#ledger/command.ts';
import type { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { AppendConflict, MAX_PAGE_SIZE, type Journal, type JournalEvent } from '#ledger/journal.ts';
import type { LedgerRuntime } from '#ledger/runtime.ts';
import { contendedRuntime, FIXED_NOW, instantRuntime, ledgerClient, ledgerStore, uniqueId } from '../setup/ledger.ts';

interface Toy {
  readonly limitFen: number;
  readonly usedFen: number;
}

const DATE = '2026-01-05';

function openToy(limitFen: number) {
  return (latest: JournalEvent<Toy> | null): EventDraft<Toy> => {
    if (latest !== null) throw new DomainError('facility-exists', 'already open');
    return { type: 'Opened', businessDate: DATE, actor: 'test', data: { limitFen }, postings: [], state: { limitFen, usedFen: 0 }, borrowerId: 'B-toy' };
  };
}

function useToy(amountFen: number) {
  return (latest: JournalEvent<Toy> | null): EventDraft<Toy> => {
    if (latest === null) throw new DomainError('not-found', 'no such facility');
    const { limitFen, usedFen } = latest.state;
    if (usedFen + amountFen > limitFen) throw new DomainError('insufficient-available-limit', 'over the limit');
    const state = { limitFen, usedFen: usedFen + amountFen };
    return {
      type: 'Used',
      businessDate: DATE,
      actor: 'test',
      data: { amountFen },
      postings: [
        { account: 'LOAN_PRINCIPAL', side: 'DR', amountFen },
        { account: 'BORROWER_SETTLEMENT', side: 'CR', amountFen },
      ],
      state,
      response: { status: 201, body: { amount: (amountFen / 100).toFixed(2), availableFen: limitFen - state.usedFen, seqHint: latest.seq + 1 } },
    };
  };
}

/** The toy's state rebuilt from the events' data alone: what "replaying the journal" means. */
function replay(events: readonly JournalEvent[]): Toy | null {
  let limitFen: number | null = null;
  let usedFen = 0;
  for (const event of events) {
    const data = event.data as { limitFen?: number; amountFen?: number };
    if (event.type === 'Opened') limitFen = data.limitFen!;
    else if (event.type === 'Used') usedFen += data.amountFen!;
  }
  return limitFen === null ? null : { limitFen, usedFen };
}

let client: DynamoDBClient;
let store: DynamoLedgerStore;

beforeAll(() => {
  client = ledgerClient();
  store = ledgerStore(client);
});
afterAll(() => client.destroy());

async function allEvents(journal: Journal, facilityId: string): Promise<JournalEvent[]> {
  const events: JournalEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await journal.listEvents(facilityId, { limit: MAX_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
    events.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return events;
}

async function openFacility(limitFen: number, runtime: LedgerRuntime = instantRuntime): Promise<string> {
  const facilityId = uniqueId('F');
  await executeCommand(store, { facilityId, decide: openToy(limitFen) }, runtime);
  return facilityId;
}

function keyed(facilityId: string, key: string, amountFen: number): Command<Toy> {
  return { facilityId, idempotencyKey: key, requestHash: requestHash({ amountFen }), decide: useToy(amountFen) };
}

/** A journal that lets a test act just before (or instead of answering) one append. */
function interceptFirstAppend(inner: Journal, intercept: (event: JournalEvent) => Promise<void>): Journal {
  let intercepted = false;
  return {
    loadLatest: (id) => inner.loadLatest(id),
    loadEvent: (id, seq) => inner.loadEvent(id, seq),
    findByRequestId: (id, key) => inner.findByRequestId(id, key),
    listEvents: (id, page) => inner.listEvents(id, page),
    append: async (event) => {
      if (intercepted) return inner.append(event);
      intercepted = true;
      return intercept(event);
    },
  };
}

describe('executing a command', () => {
  it('appends the first event at seq 1 with the borrower index, and the next at seq 2', async () => {
    const facilityId = await openFacility(1_000);
    const result = await executeCommand(store, keyed(facilityId, 'k-1', 400), instantRuntime);
    expect(result.replayed).toBe(false);
    expect(result.event).toMatchObject({ seq: 2, recordedAt: FIXED_NOW.toISOString(), requestId: 'k-1', state: { usedFen: 400 } });
    expect(await store.loadLatest(facilityId)).toEqual(result.event);
    const first = await store.loadEvent(facilityId, 1);
    expect(first).toMatchObject({ type: 'Opened', borrowerId: 'B-toy' });
  });

  it('writes nothing when decide refuses, and the DomainError propagates unchanged', async () => {
    const facilityId = await openFacility(1_000);
    const refused = executeCommand(store, keyed(facilityId, 'k-big', 1_001), instantRuntime);
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'insufficient-available-limit' });
    expect((await store.loadLatest(facilityId))?.seq).toBe(1);
    expect(await store.findByRequestId(facilityId, 'k-big')).toBeNull();
  });

  it('after losing a race, reloads, decides again on the winner’s state and appends after it', async () => {
    const facilityId = await openFacility(1_000);
    const journal = interceptFirstAppend(store, async (ours) => {
      // Someone else appends at our seq first; then our write arrives and must conflict.
      await executeCommand(store, keyed(facilityId, 'k-competitor', 300), instantRuntime);
      await store.append(ours);
    });
    const seen: number[] = [];
    const sleeps: number[] = [];
    const decide = useToy(500);
    const result = await executeCommand<Toy>(
      journal,
      { ...keyed(facilityId, 'k-race', 500), decide: (latest) => (seen.push(latest!.seq), decide(latest)) },
      { ...instantRuntime, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(seen).toEqual([1, 2]);
    expect(result.event).toMatchObject({ seq: 3, state: { usedFen: 800 } });
    expect(sleeps).toEqual([Math.floor(0.5 * APPEND_BACKOFF.baseMs)]);
    expect(replay(await allEvents(store, facilityId))).toEqual({ limitFen: 1_000, usedFen: 800 });
  });

  it('recognises its own write whose response was lost, instead of applying the command twice', async () => {
    const facilityId = await openFacility(1_000);
    // The write lands, but the caller sees a conflict (as after a timeout and a retried put).
    const journal = interceptFirstAppend(store, async (ours) => {
      await store.append(ours);
      throw new AppendConflict(ours.facilityId, ours.seq, true);
    });
    const decide = vi.fn(useToy(250));
    const result = await executeCommand(journal, { facilityId, decide }, instantRuntime);
    expect(result).toMatchObject({ replayed: false, event: { seq: 2, state: { usedFen: 250 } } });
    expect(decide).toHaveBeenCalledTimes(1);
    expect((await allEvents(store, facilityId)).map((e) => e.seq)).toEqual([1, 2]);
  });
});

describe('idempotency', () => {
  it('replays one request 50 times as exactly one event with a byte-identical stored response', async () => {
    const facilityId = await openFacility(10_000);
    const decide = vi.fn(useToy(1_234));
    const command: Command<Toy> = { ...keyed(facilityId, 'k-replay', 1_234), decide };
    const original = await executeCommand(store, command, instantRuntime);
    expect(original.replayed).toBe(false);

    const raw = await client.send(
      new GetItemCommand({
        TableName: inject('ledgerTableName'),
        Key: { pk: { S: `FAC#${facilityId}` }, sk: { S: 'EV#0000000002' } },
        ConsistentRead: true,
      }),
    );
    const storedResponse = raw.Item?.['response']?.S;
    expect(storedResponse).toBe('{"status":201,"body":{"amount":"12.34","availableFen":8766,"seqHint":2}}');

    for (let i = 0; i < 50; i++) {
      const again = await executeCommand(store, command, instantRuntime);
      expect(again.replayed).toBe(true);
      expect(again.event).toEqual(original.event);
      expect(JSON.stringify(again.event.response)).toBe(storedResponse);
    }
    expect(decide).toHaveBeenCalledTimes(1);
    expect((await allEvents(store, facilityId)).map((e) => e.requestId ?? null)).toEqual([null, 'k-replay']);
  });

  it('refuses the same key with a different request as idempotency-key-reused, without writing', async () => {
    const facilityId = await openFacility(10_000);
    await executeCommand(store, keyed(facilityId, 'k-reuse', 100), instantRuntime);
    const decide = vi.fn(useToy(200));
    const reuse = executeCommand(store, { ...keyed(facilityId, 'k-reuse', 200), decide }, instantRuntime);
    await expect(reuse).rejects.toBeInstanceOf(LedgerError);
    await expect(reuse).rejects.toMatchObject({ code: 'idempotency-key-reused' });
    expect(decide).not.toHaveBeenCalled();
    expect((await store.loadLatest<Toy>(facilityId))?.state).toEqual({ limitFen: 10_000, usedFen: 100 });
  });

  it('does not remember refusals: the same key may succeed once the state allows it', async () => {
    const facilityId = await openFacility(100);
    await expect(executeCommand(store, keyed(facilityId, 'k-later', 150), instantRuntime)).rejects.toMatchObject({
      code: 'insufficient-available-limit',
    });
    await expect(executeCommand(store, keyed(facilityId, 'k-later', 150), instantRuntime)).rejects.toMatchObject({
      code: 'insufficient-available-limit',
    });
    expect((await store.loadLatest(facilityId))?.seq).toBe(1);
  });
});

describe('concurrency', () => {
  /** A channel's behaviour on 409: send the same request again, a bounded number of times. */
  async function asClient<T>(send: () => Promise<T>, maxSends = 5): Promise<T> {
    for (let sent = 1; ; sent++) {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof LedgerError && error.code === 'concurrent-modification') || sent >= maxSends) throw error;
      }
    }
  }

  it('32 concurrent commands over the limit: none over it, none lost, none duplicated, replay = state', async () => {
    const limitFen = 1_000_000;
    const facilityId = await openFacility(limitFen);
    const amounts = Array.from({ length: 32 }, (_, i) => 40_000 + ((i * 7_919) % 50_000)); // sums to ≈ 2× the limit
    expect(amounts.reduce((a, b) => a + b, 0)).toBeGreaterThan(limitFen);

    const outcomes = await Promise.allSettled(
      amounts.map((amountFen, i) => asClient(() => executeCommand(store, keyed(facilityId, `k-${i}`, amountFen), contendedRuntime(i + 1)))),
    );

    const accepted = amounts.flatMap((amountFen, i) => (outcomes[i]!.status === 'fulfilled' ? [{ key: `k-${i}`, amountFen }] : []));
    const refused = amounts.flatMap((amountFen, i) => {
      const outcome = outcomes[i]!;
      if (outcome.status === 'fulfilled') return [];
      expect(outcome.reason).toMatchObject({ code: 'insufficient-available-limit' });
      return [amountFen];
    });
    const usedFen = accepted.reduce((sum, a) => sum + a.amountFen, 0);
    expect(usedFen).toBeLessThanOrEqual(limitFen);
    expect(refused.length).toBeGreaterThan(0);
    // A refusal saw at most today's usage, so each refused amount must not fit even now.
    for (const amountFen of refused) expect(amountFen).toBeGreaterThan(limitFen - usedFen);

    const events = await allEvents(store, facilityId);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    const keys = events.slice(1).map((e) => e.requestId);
    expect([...keys].sort()).toEqual(accepted.map((a) => a.key).sort());
    expect(events.at(-1)?.state).toEqual({ limitFen, usedFen });
    expect(replay(events)).toEqual(events.at(-1)?.state);
  });

  it('20 concurrent sends of one request: exactly one event and the same answer for every caller', async () => {
    const facilityId = await openFacility(1_000_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => asClient(() => executeCommand(store, keyed(facilityId, 'k-same', 7_000), contendedRuntime(100 + i)))),
    );
    const events = await allEvents(store, facilityId);
    expect(events.map((e) => e.requestId ?? null)).toEqual([null, 'k-same']);
    for (const result of results) expect(result.event).toEqual(events[1]);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });
});

describe('bounded retries', () => {
  it(`gives up with concurrent-modification after ${MAX_APPEND_ATTEMPTS} lost races`, async () => {
    const facilityId = await openFacility(1_000);
    let appends = 0;
    const alwaysLoses: Journal = {
      loadLatest: (id) => store.loadLatest(id),
      loadEvent: (id, seq) => store.loadEvent(id, seq),
      findByRequestId: (id, key) => store.findByRequestId(id, key),
      listEvents: (id, page) => store.listEvents(id, page),
      append: async (event) => {
        appends++;
        throw new AppendConflict(event.facilityId, event.seq, false);
      },
    };
    await expect(executeCommand(alwaysLoses, keyed(facilityId, 'k-lose', 1), instantRuntime)).rejects.toMatchObject({
      code: 'concurrent-modification',
    });
    expect(appends).toBe(MAX_APPEND_ATTEMPTS);
  });
});
