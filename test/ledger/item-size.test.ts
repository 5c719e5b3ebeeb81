/**
 * No journal item over MAX_ITEM_BYTES (256 KB, well under DynamoDB's 400 KB): the adapter checks
 * every put, and the executor splits an event that would be too large through the command's
 * catch-up hook, or fails loudly (a bug: the state outgrew its bounds) when there is none.
 */
import { describe, expect, it } from 'vitest';
import { executeCommand, MAX_CATCH_UP_CHUNKS, requestHash, type EventDraft } from '#ledger/command.ts';
import { gzipSync } from 'node:zlib';
import { COMPRESS_STATE_FROM_BYTES, eventItemBytes, eventToItem, itemSizeBytes, itemToEvent, MAX_ITEM_BYTES } from '#ledger/item-codec.ts';
import type { JournalEvent } from '#ledger/journal.ts';
import { instantRuntime, ledgerClient, ledgerStore, uniqueId } from '../setup/ledger.ts';

interface Blob {
  /** Days caught up so far. */
  day: number;
  pad: string;
}

const store = ledgerStore(ledgerClient());

function draft(state: Blob, data: unknown, extra: Partial<EventDraft<Blob>> = {}): EventDraft<Blob> {
  return { type: 'Blob', businessDate: '2026-01-05', actor: 'test', data, postings: [], state, ...extra };
}

async function opened(): Promise<string> {
  const facilityId = uniqueId('SZ');
  await executeCommand<Blob>(store, { facilityId, decide: () => draft({ day: 0, pad: '' }, {}, { borrowerId: 'B-size' }) }, instantRuntime);
  return facilityId;
}

describe('item size', () => {
  it('is counted as DynamoDB counts it: names plus values, in UTF-8 bytes', () => {
    expect(itemSizeBytes({ pk: { S: 'FAC#1' }, n: { N: '12345' } })).toBe(2 + 5 + 1 + 6);
    expect(itemSizeBytes({ s: { S: '元' } })).toBe(1 + 3);
    const event: JournalEvent = { facilityId: 'F', seq: 1, type: 'T', businessDate: '2026-01-05', recordedAt: '2026-01-05T00:00:00.000Z', actor: 'a', data: { x: 'y'.repeat(1000) }, postings: [], state: {} };
    expect(eventItemBytes(event)).toBe(itemSizeBytes(eventToItem(event)));
    expect(eventItemBytes(event)).toBeGreaterThan(1000);
  });

  it('a state over COMPRESS_STATE_FROM_BYTES is stored gzipped and read back as it was; up to it, as plain JSON', async () => {
    const event = (state: Blob, seq: number): JournalEvent<Blob> => ({ facilityId, seq, type: 'T', businessDate: '2026-01-05', recordedAt: '2026-01-05T00:00:00.000Z', actor: 'a', data: {}, postings: [], state });
    const facilityId = await opened();
    // {"day":1,"pad":"…"} is 18 bytes of JSON around the pad.
    const atLimit = { day: 1, pad: 'é'.repeat((COMPRESS_STATE_FROM_BYTES - 18) / 2) };
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(COMPRESS_STATE_FROM_BYTES);
    expect(eventToItem(event(atLimit, 2))['state']?.S).toBe(JSON.stringify(atLimit));
    const over = { day: 2, pad: `${atLimit.pad}x` };
    const item = eventToItem(event(over, 3));
    expect(item['state']).toBeUndefined();
    expect(item['stateGzip']?.B).toBeInstanceOf(Uint8Array);
    expect(itemToEvent(item)).toEqual(event(over, 3));
    // Through the store: what comes back is the state that went in, either way.
    await store.append(event(atLimit, 2));
    await store.append(event(over, 3));
    expect((await store.loadEvent<Blob>(facilityId, 2))!.state).toEqual(atLimit);
    expect((await store.loadLatest<Blob>(facilityId))!.state).toEqual(over);
    // A damaged attribute is an invariant violation (a 500), never a state made up.
    expect(() => itemToEvent({ ...item, stateGzip: { B: new Uint8Array([1, 2, 3]) } })).toThrow(/stateGzip is not gzip/);
    expect(() => itemToEvent({ ...item, stateGzip: { B: gzipSync('{"day":2') } })).toThrow(/stored state is not valid JSON/);
  });

  it('the store refuses to put an item over the limit, with a clear error, and writes nothing', async () => {
    const facilityId = await opened();
    const big: JournalEvent = { facilityId, seq: 2, type: 'Big', businessDate: '2026-01-05', recordedAt: '2026-01-05T00:00:00.000Z', actor: 'test', data: 'x'.repeat(MAX_ITEM_BYTES), postings: [], state: {} };
    await expect(store.append(big)).rejects.toThrow(/over the 262144-byte limit/);
    expect((await store.loadLatest(facilityId))!.seq).toBe(1);
  });

  it('an event too large with nothing to split off fails as a bug (500), not as a write DynamoDB would refuse', async () => {
    const facilityId = await opened();
    const command = { facilityId, decide: (latest: JournalEvent<Blob> | null) => draft(latest!.state, 'x'.repeat(MAX_ITEM_BYTES)) };
    await expect(executeCommand(store, command, instantRuntime)).rejects.toMatchObject({ name: 'InvariantViolation', message: expect.stringMatching(/with no catch-up left to split off/) });
    await expect(executeCommand(store, { ...command, catchUp: () => null }, instantRuntime)).rejects.toMatchObject({ name: 'InvariantViolation' });
    expect((await store.loadLatest(facilityId))!.seq).toBe(1);
  });

  it('splits through catchUp: chunks without a key first, then the command’s own event, each under the limit', async () => {
    const facilityId = await opened();
    // The "gap" is 10 days of 60 KB each; a chunk takes 2 days. Carrying all of them at once would be 600 KB.
    const pending = (latest: JournalEvent<Blob>) => 10 - latest.state.day;
    const result = await executeCommand<Blob>(
      store,
      {
        facilityId,
        idempotencyKey: 'k-1',
        requestHash: requestHash({ n: 1 }),
        decide: (latest) => draft({ day: 10, pad: '' }, 'x'.repeat(pending(latest!) * 60_000), { response: { status: 201, body: { ok: true } } }),
        catchUp: (latest) => (pending(latest) === 0 ? null : draft({ day: latest.state.day + Math.min(2, pending(latest)), pad: '' }, 'c'.repeat(Math.min(2, pending(latest)) * 60_000), { type: 'CatchUp' })),
      },
      instantRuntime,
    );
    const events = (await store.listEvents(facilityId, { limit: 100 })).items;
    // 10 days: chunks while more than one chunk is left (4 × 2 days), then the command's own event carries
    // the last chunk's worth (2 days = 120 KB); deciding the whole rest after every chunk was quadratic.
    expect(events.map((e) => e.type)).toEqual(['Blob', 'CatchUp', 'CatchUp', 'CatchUp', 'CatchUp', 'Blob']);
    expect(events.at(-1)!.state).toEqual({ day: 10, pad: '' });
    expect(events.slice(1, -1).every((e) => e.requestId === undefined && e.response === undefined)).toBe(true);
    expect(result).toMatchObject({ replayed: false, event: { seq: 6, requestId: 'k-1' } });
    for (const event of events) expect(eventItemBytes(event)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    // The retry is answered with the command's own event, never a chunk.
    const again = await executeCommand<Blob>(store, { facilityId, idempotencyKey: 'k-1', requestHash: requestHash({ n: 1 }), decide: () => draft({ day: 99, pad: '' }, {}) }, instantRuntime);
    expect(again).toMatchObject({ replayed: true, event: { seq: 6 } });
  });

  it(`gives up after ${MAX_CATCH_UP_CHUNKS} chunks in one request with 503, keeping them: a retry carries on`, async () => {
    const facilityId = await opened();
    const command = {
      facilityId,
      decide: (latest: JournalEvent<Blob> | null) => draft(latest!.state, 'x'.repeat(MAX_ITEM_BYTES)),
      catchUp: (latest: JournalEvent<Blob>) => draft({ day: latest.state.day + 1, pad: '' }, {}, { type: 'CatchUp' }),
    };
    await expect(executeCommand(store, command, instantRuntime)).rejects.toMatchObject({ name: 'LedgerError', code: 'service-unavailable' });
    expect((await store.loadLatest<Blob>(facilityId))!.state.day).toBe(MAX_CATCH_UP_CHUNKS);
  });
});
