/**
 * The command executor every use-case runs through (docs/journal.md): load the latest event,
 * settle the idempotency key, let a pure `decide` compute the next event, and append it
 * at seq + 1 with one conditional PutItem. A lost race reloads and decides again.
 *
 * Why a key can never produce two events: the key is looked up *after* the state is
 * loaded, and the append only succeeds if nothing was appended since that load; so an
 * event carrying the key that the lookup missed makes our append conflict, and the retry
 * then finds it.
 */
import { invariant } from '#domain/errors.ts';
import { LedgerError } from './errors.ts';
import type { Posting } from '#domain/state.ts';
import { eventItemBytes, MAX_ITEM_BYTES, sameStoredEvent } from './item-codec.ts';
import { AppendConflict, type Journal, type JournalEvent, type StoredResponse } from './journal.ts';
import { backoffDelayMs, type BackoffPolicy, type LedgerRuntime } from './runtime.ts';
import { eodShardOf } from './schema.ts';

export {  requestHash } from './request-hash.ts';

/** Appends tried per command before answering 409; each retry reloads and re-decides. */
export const MAX_APPEND_ATTEMPTS = 8;
export const APPEND_BACKOFF: BackoffPolicy = { baseMs: 10, capMs: 320 };

/** What `decide` returns: the next event minus what the executor owns (ids, seq, time, key). */
export interface EventDraft<State = unknown> {
  readonly type: string;
  readonly businessDate: string;
  readonly actor: string;
  readonly data: unknown;
  readonly postings: readonly Posting[];
  readonly state: State;
  readonly response?: StoredResponse;
  /** Only on a facility's first event: indexes it by borrower and end-of-day shard. */
  readonly borrowerId?: string;
}

/**
 * Catch-up chunks one command appends before it gives up with 503 service-unavailable (its retry
 * with the same key carries on where it stopped): bounds one request's work. 64 chunks of catch-up
 * are decades for a facility with the default 20 open drawdowns.
 */
export const MAX_CATCH_UP_CHUNKS = 64;

export interface Command<State = unknown> {
  readonly facilityId: string;
  /** The Idempotency-Key; requires requestHash. */
  readonly idempotencyKey?: string;
  /** requestHash(canonical request) — see request-hash.ts. */
  readonly requestHash?: string;
  /**
   * Pure: same input, same output, no I/O. May run several times (once per attempt) and
   * may throw a DomainError to refuse, in which case nothing is written.
   */
  readonly decide: (latest: JournalEvent<State> | null) => EventDraft<State>;
  /**
   * Asked only when the event `decide` made would exceed MAX_ITEM_BYTES: the first part of the
   * catch-up to the command's date as an event of its own (no key, no response), or null when
   * nothing is left to split off. Pure and deterministic in `latest`, like `decide`.
   */
  readonly catchUp?: (latest: JournalEvent<State>) => EventDraft<State> | null;
}

export interface CommandResult<State = unknown> {
  /** True when the key had already produced this event: answer with its stored response. */
  readonly replayed: boolean;
  readonly event: JournalEvent<State>;
  /** Appends lost to a competitor before this one settled (0 on an uncontended write). */
  readonly retries: number;
}

export async function executeCommand<State>(journal: Journal, command: Command<State>, runtime: LedgerRuntime): Promise<CommandResult<State>> {
  assertCommand(command);
  let chunks = 0;
  // The chunk after the one last appended, built from the state it left: valid only while that chunk is the latest event.
  let following = null as JournalEvent<State> | null;
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const latest = await journal.loadLatest<State>(command.facilityId);
    const replay = await findReplay(journal, command);
    if (replay !== null) return { replayed: true, event: replay, retries: attempt - 1 };

    // Catching up: chunk on while more than one chunk is left, and decide only on the last part. Deciding
    // the whole remaining gap again after every chunk was quadratic in the gap (50 years of 20 overdue
    // drawdowns walked it 35 times, 170 years took 18 s and a 503).
    let last: JournalEvent<State> | null = null;
    if (chunks > 0 && latest !== null) {
      const chunk: JournalEvent<State> | null = following?.seq === latest.seq + 1 ? following : nextChunk(command, latest, runtime);
      const after: JournalEvent<State> | null = chunk === null ? null : nextChunk(command, chunk, runtime);
      if (chunk !== null && after !== null) {
        if (await appendChunk(journal, chunk, chunks)) {
          chunks += 1;
          following = after;
          attempt -= 1; // a chunk that went in is not a lost race
        } else {
          following = null;
          if (attempt < MAX_APPEND_ATTEMPTS) await runtime.sleep(backoffDelayMs(attempt, APPEND_BACKOFF, runtime.jitter));
        }
        continue;
      }
      last = chunk;
    }

    // Decided first, on the whole gap: a refused command writes nothing, not even a chunk.
    const event = nextEvent(command, latest, runtime.clock.now());
    const bytes = eventItemBytes(event);
    if (bytes > MAX_ITEM_BYTES) {
      const chunk = last ?? (latest === null ? null : nextChunk(command, latest, runtime));
      invariant(chunk !== null, `${event.type} on ${event.facilityId} would be a ${bytes}-byte item, over the ${MAX_ITEM_BYTES}-byte limit, with no catch-up left to split off`);
      if (await appendChunk(journal, chunk, chunks)) {
        chunks += 1;
        attempt -= 1;
      } else if (attempt < MAX_APPEND_ATTEMPTS) {
        await runtime.sleep(backoffDelayMs(attempt, APPEND_BACKOFF, runtime.jitter));
      }
      following = null;
      continue;
    }
    try {
      await journal.append(event);
      return { replayed: false, event, retries: attempt - 1 };
    } catch (error) {
      if (!(error instanceof AppendConflict)) throw error;
      if (error.mayBeOwnWrite && (await isStored(journal, event))) return { replayed: false, event, retries: attempt - 1 };
      if (attempt < MAX_APPEND_ATTEMPTS) await runtime.sleep(backoffDelayMs(attempt, APPEND_BACKOFF, runtime.jitter));
    }
  }
  throw new LedgerError('concurrent-modification', 'the facility is being changed by other requests; retry later', {
    facilityId: command.facilityId,
    attempts: MAX_APPEND_ATTEMPTS,
  });
}

/** The next catch-up chunk after `latest` as the event at latest.seq + 1, or null when none is left. */
function nextChunk<State>(command: Command<State>, latest: JournalEvent<State>, runtime: LedgerRuntime): JournalEvent<State> | null {
  const draft = command.catchUp?.(latest) ?? null;
  return draft === null ? null : chunkEvent(command.facilityId, draft, latest, runtime.clock.now());
}

/**
 * Appends a catch-up chunk: true when it went in (or a resend finds it stored), false when a competitor
 * appended first. Past MAX_CATCH_UP_CHUNKS in one request, 503: the retry carries on from the last one.
 */
async function appendChunk<State>(journal: Journal, chunk: JournalEvent<State>, chunks: number): Promise<boolean> {
  if (chunks >= MAX_CATCH_UP_CHUNKS) {
    throw new LedgerError('service-unavailable', 'the facility is catching up a long gap; retry with the same Idempotency-Key to continue', {
      facilityId: chunk.facilityId,
      chunks,
    });
  }
  try {
    await journal.append(chunk);
    return true;
  } catch (error) {
    if (!(error instanceof AppendConflict)) throw error;
    return error.mayBeOwnWrite && (await isStored(journal, chunk));
  }
}

/**
 * A catch-up chunk: an event of its own at latest.seq + 1 without any request key, so it answers
 * no request and a retry of the command still finds only its own event. Chunks are end-of-day
 * events like the nightly run's: a crash or a competitor between two of them leaves a journal
 * that is correct as it stands, and whoever comes next carries on from the last one.
 */
function chunkEvent<State>(facilityId: string, draft: EventDraft<State>, latest: JournalEvent<State>, now: Date): JournalEvent<State> {
  invariant(draft.response === undefined && draft.borrowerId === undefined, 'a catch-up chunk answers no request and indexes nothing');
  return {
    facilityId,
    seq: latest.seq + 1,
    type: draft.type,
    businessDate: draft.businessDate,
    recordedAt: now.toISOString(),
    actor: draft.actor,
    data: draft.data,
    postings: draft.postings,
    state: draft.state,
  };
}

/**
 * A put whose first response was lost (a timeout, then a resend that conflicted) may have
 * written our event: recognise it rather than decide again and apply the command twice.
 */
async function isStored(journal: Journal, event: JournalEvent): Promise<boolean> {
  const stored = await journal.loadEvent(event.facilityId, event.seq);
  return stored !== null && sameStoredEvent(stored, event);
}

function assertCommand<State>(command: Command<State>): void {
  invariant(command.facilityId.length > 0, 'facilityId must be non-empty');
  invariant((command.idempotencyKey === undefined) === (command.requestHash === undefined), 'idempotencyKey and requestHash go together');
  invariant(command.idempotencyKey === undefined || command.idempotencyKey.length > 0, 'idempotencyKey must be non-empty');
}

/** The earlier event for this key, or null; the same key with another request is a 422. */
async function findReplay<State>(journal: Journal, command: Command<State>): Promise<JournalEvent<State> | null> {
  if (command.idempotencyKey === undefined) return null;
  const prior = await journal.findByRequestId<State>(command.facilityId, command.idempotencyKey);
  // Only an event that itself carries this key (which names the caller) is this request's:
  // anything else the lookup returns is ignored, so the command runs as new and its append
  // at latest.seq + 1 conflicts and reloads if the real event appears meanwhile.
  if (prior === null || prior.facilityId !== command.facilityId || prior.requestId !== command.idempotencyKey) return null;
  if (prior.requestHash !== command.requestHash) {
    throw new LedgerError('idempotency-key-reused', 'this Idempotency-Key was already used for a different request', {
      facilityId: command.facilityId,
    });
  }
  return prior;
}

function nextEvent<State>(command: Command<State>, latest: JournalEvent<State> | null, now: Date): JournalEvent<State> {
  const draft = command.decide(latest);
  const seq = latest === null ? 1 : latest.seq + 1;
  invariant(draft.borrowerId === undefined || seq === 1, 'borrowerId belongs on the first event only');
  return {
    facilityId: command.facilityId,
    seq,
    type: draft.type,
    businessDate: draft.businessDate,
    recordedAt: now.toISOString(),
    actor: draft.actor,
    ...(command.idempotencyKey === undefined ? {} : { requestId: command.idempotencyKey, requestHash: command.requestHash }),
    data: draft.data,
    postings: draft.postings,
    state: draft.state,
    ...(draft.response === undefined ? {} : { response: draft.response }),
    ...(draft.borrowerId === undefined ? {} : { borrowerId: draft.borrowerId, eodShard: eodShardOf(command.facilityId) }),
  };
}
