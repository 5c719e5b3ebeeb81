/**
 * Idempotency against a damaged index (the test strategy in docs/architecture.md): an idempotency index entry counts only
 * when the event it points at carries the request's key. The damage is built directly in the
 * embedded store's files: the `byRequestId` entry of a put whose item was never written, as a
 * kill between an emulator's two writes leaves it, at the seq the next command then takes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DomainError } from '#domain/errors.ts';
import { executeCommand, requestHash, type Command, type EventDraft } from '#ledger/command.ts';
import { createDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { startEmbeddedStore, type EmbeddedStore } from '#ledger/embedded-store.ts';
import type { JournalEvent } from '#ledger/journal.ts';
import { eventSk, facilityPk, INDEX } from '#ledger/schema.ts';
import { writeOrphanLocalIndexEntry } from '../setup/leveldb.ts';
import { instantRuntime } from '../setup/ledger.ts';

interface Toy {
  readonly usedFen: number;
}

const DATE = '2026-01-05';

const open: Command<Toy>['decide'] = (latest) => {
  if (latest !== null) throw new DomainError('facility-exists', 'already open');
  return { type: 'Opened', businessDate: DATE, actor: 'test', data: {}, postings: [], state: { usedFen: 0 }, borrowerId: 'B-toy' };
};

function use(amountFen: number): Command<Toy>['decide'] {
  return (latest): EventDraft<Toy> => {
    if (latest === null) throw new DomainError('not-found', 'no such facility');
    const usedFen = latest.state.usedFen + amountFen;
    return {
      type: 'Used',
      businessDate: DATE,
      actor: 'test',
      data: { amountFen },
      postings: [
        { account: 'LOAN_PRINCIPAL', side: 'DR', amountFen },
        { account: 'BORROWER_SETTLEMENT', side: 'CR', amountFen },
      ],
      state: { usedFen },
      response: { status: 201, body: { seq: latest.seq + 1, usedFen } },
    };
  };
}

function keyed(facilityId: string, key: string, amountFen: number): Command<Toy> {
  return { facilityId, idempotencyKey: key, requestHash: requestHash({ amountFen }), decide: use(amountFen) };
}

let dir: string;
let embedded: EmbeddedStore;
let client: DynamoDBClient;
let store: DynamoLedgerStore;

async function startOn(path: string): Promise<void> {
  embedded = await startEmbeddedStore({ path });
  client = createDynamoClient({ target: 'local', endpoint: embedded.endpoint });
  store = new DynamoLedgerStore({ client, tableName: embedded.tableName, runtime: instantRuntime });
}

async function stop(): Promise<void> {
  client.destroy();
  await embedded.stop();
}

/** Stops the store, writes the orphan `byRequestId` entry for (facility, seq, key), starts it again. */
async function orphanIndexEntry(facilityId: string, seq: number, requestId: string): Promise<void> {
  await stop();
  await writeOrphanLocalIndexEntry(dir, embedded.tableName, INDEX.byRequestId, {
    pk: { S: facilityPk(facilityId) },
    sk: { S: eventSk(seq) },
    requestId: { S: requestId },
  });
  await startOn(dir);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orphan-index-'));
  await startOn(dir);
});
afterAll(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

describe('an orphaned byRequestId entry (index written, item lost)', () => {
  it('finds nothing for the key while no event exists at its seq', async () => {
    const facilityId = 'F-orphan-empty';
    await executeCommand(store, { facilityId, decide: open }, instantRuntime);
    await orphanIndexEntry(facilityId, 2, 'key-A');
    expect(await store.loadEvent(facilityId, 2)).toBeNull();
    expect(await store.findByRequestId(facilityId, 'key-A')).toBeNull();
  });

  it('is never answered with the event of the command that later took its seq', async () => {
    const facilityId = 'F-orphan-taken';
    await executeCommand(store, { facilityId, decide: open }, instantRuntime);
    // Request A (draw 400 fen) was killed after its index entry at seq 2 and before its event.
    await orphanIndexEntry(facilityId, 2, 'key-A');
    // Request B, with the same body but its own key, takes seq 2.
    const b = await executeCommand(store, keyed(facilityId, 'key-B', 400), instantRuntime);
    expect(b).toMatchObject({ replayed: false, event: { seq: 2, requestId: 'key-B' } });

    // The index now points key-A at B's event: the lookup must not return it…
    expect(await store.findByRequestId(facilityId, 'key-A')).toBeNull();
    // …so A's retry (same key, same body) is a new command at seq 3, not a replay of B's answer.
    const retry = await executeCommand(store, keyed(facilityId, 'key-A', 400), instantRuntime);
    expect(retry.replayed).toBe(false);
    expect(retry.event).toMatchObject({ seq: 3, requestId: 'key-A', state: { usedFen: 800 }, response: { body: { seq: 3, usedFen: 800 } } });

    // From then on key-A has two index entries, the orphan and its own; only its own counts.
    const again = await executeCommand(store, keyed(facilityId, 'key-A', 400), instantRuntime);
    expect(again).toMatchObject({ replayed: true, event: { seq: 3, requestId: 'key-A' } });
    expect((await store.findByRequestId<Toy>(facilityId, 'key-B'))?.seq).toBe(2);
    expect((await store.loadLatest<Toy>(facilityId))?.state.usedFen).toBe(800); // 400 (B) + 400 (A), once each
  });

  it('does not refuse a retry with another body as a reused key because of someone else’s event', async () => {
    const facilityId = 'F-orphan-other-body';
    await executeCommand(store, { facilityId, decide: open }, instantRuntime);
    await orphanIndexEntry(facilityId, 2, 'key-A');
    await executeCommand(store, keyed(facilityId, 'key-B', 900), instantRuntime);
    // A's retry draws 400: key-A has no event, so this is A's first command, not idempotency-key-reused.
    const retry = await executeCommand(store, keyed(facilityId, 'key-A', 400), instantRuntime);
    expect(retry).toMatchObject({ replayed: false, event: { seq: 3, requestId: 'key-A', state: { usedFen: 1_300 } } });
  });
});

describe('the executor trusts only an event that carries the key', () => {
  it('treats a lookup answer for another key as no answer (a journal adapter that got it wrong)', async () => {
    const facilityId = 'F-wrong-adapter';
    await executeCommand(store, { facilityId, decide: open }, instantRuntime);
    await executeCommand(store, keyed(facilityId, 'key-B', 400), instantRuntime);
    const confused = {
      loadLatest: <S>(id: string) => store.loadLatest<S>(id),
      loadEvent: <S>(id: string, seq: number) => store.loadEvent<S>(id, seq),
      // Answers every key with B's event, as an index-trusting lookup would after the orphan above.
      findByRequestId: <S>(id: string) => store.findByRequestId<S>(id, 'key-B') as Promise<JournalEvent<S> | null>,
      append: (event: JournalEvent) => store.append(event),
      listEvents: (id: string) => store.listEvents(id),
    };
    const result = await executeCommand(confused, keyed(facilityId, 'key-A', 400), instantRuntime);
    expect(result).toMatchObject({ replayed: false, event: { seq: 3, requestId: 'key-A' } });
  });
});
