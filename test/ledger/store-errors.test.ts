/**
 * Error paths the embedded store cannot produce on demand (throttling, 5xx, timeouts,
 * unknown failures), with the SDK client mocked. Counting the calls the client received
 * is what proves the bounds — and that a failure never leaves a partial write: a command
 * has exactly one write (one PutItem) and no other write command is ever sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionConflictException,
  UpdateItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DomainError } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import { APPEND_BACKOFF, executeCommand, MAX_APPEND_ATTEMPTS, requestHash, type Command } from '#ledger/command.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { eventToItem } from '#ledger/item-codec.ts';
import type { JournalEvent } from '#ledger/journal.ts';
import type { LedgerRuntime } from '#ledger/runtime.ts';
import { MAX_TRANSIENT_ATTEMPTS, TRANSIENT_BACKOFF } from '#ledger/transient.ts';
import { instantRuntime } from '../setup/ledger.ts';

const ddb = mockClient(DynamoDBClient);
const meta = { $metadata: {} };

let sleeps: number[];
let runtime: LedgerRuntime;
let store: DynamoLedgerStore;

beforeEach(() => {
  ddb.reset();
  sleeps = [];
  runtime = { ...instantRuntime, jitter: () => 0.999, sleep: async (ms) => void sleeps.push(ms) };
  store = new DynamoLedgerStore({ client: new DynamoDBClient({ region: 'local' }), tableName: 'ledger', runtime });
});
afterEach(() => ddb.reset());

const opened: JournalEvent = {
  facilityId: 'F-1',
  seq: 1,
  type: 'Opened',
  businessDate: '2026-01-05',
  recordedAt: '2026-01-05T01:00:00.000Z',
  actor: 'test',
  data: {},
  postings: [],
  state: { usedFen: 0 },
};

const command: Command<{ usedFen: number }> = {
  facilityId: 'F-1',
  idempotencyKey: 'k-1',
  requestHash: requestHash({ amountFen: 5 }),
  decide: (latest) => ({
    type: 'Used',
    businessDate: '2026-01-05',
    actor: 'test',
    data: { amountFen: 5 },
    postings: [],
    state: { usedFen: (latest?.state.usedFen ?? 0) + 5 },
    response: { status: 201, body: { ok: true } },
  }),
};

/** The latest event is `opened`; the idempotency key is unknown. */
function givenOpenedFacility(): void {
  ddb.on(QueryCommand, { IndexName: undefined }).resolves({ ...meta, Items: [eventToItem(opened)] });
  ddb.on(QueryCommand, { IndexName: 'byRequestId' }).resolves({ ...meta, Items: [] });
}

function expectNoOtherWrites(): void {
  expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(0);
  expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(0);
}

/** Backoff with jitter 0.999: just under each ceiling, so the bound itself is what is checked. */
function expectedSleeps(count: number, policy: { baseMs: number; capMs: number }): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(0.999 * Math.min(policy.capMs, policy.baseMs * 2 ** i)));
}

describe('transient errors', () => {
  it.each([
    ['ProvisionedThroughputExceededException', () => new ProvisionedThroughputExceededException({ message: 'slow down', ...meta })],
    ['ThrottlingException', () => new ThrottlingException({ message: 'slow down', ...meta })],
    ['RequestLimitExceeded', () => new RequestLimitExceeded({ message: 'slow down', ...meta })],
    ['InternalServerError', () => new InternalServerError({ message: 'oops', ...meta })],
    ['TransactionConflictException', () => new TransactionConflictException({ message: 'busy', ...meta })],
    ['a request timeout', () => Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a reset connection', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['an HTTP 503', () => Object.assign(new Error('unavailable'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } })],
  ])('retries %s, then succeeds', async (_label, makeError) => {
    ddb.on(QueryCommand).rejectsOnce(makeError()).rejectsOnce(makeError()).resolves({ ...meta, Items: [eventToItem(opened)] });
    expect(await store.loadLatest('F-1')).toEqual(opened);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(3);
    expect(sleeps).toEqual(expectedSleeps(2, TRANSIENT_BACKOFF));
  });

  it(`answers service-unavailable after ${MAX_TRANSIENT_ATTEMPTS} throttled calls, with bounded waits`, async () => {
    ddb.on(QueryCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }));
    const load = store.loadLatest('F-1');
    await expect(load).rejects.toBeInstanceOf(LedgerError);
    await expect(load).rejects.toMatchObject({ code: 'service-unavailable', details: { attempts: MAX_TRANSIENT_ATTEMPTS } });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(MAX_TRANSIENT_ATTEMPTS);
    expect(sleeps).toEqual(expectedSleeps(MAX_TRANSIENT_ATTEMPTS - 1, TRANSIENT_BACKOFF));
    for (const ms of sleeps) expect(ms).toBeLessThan(TRANSIENT_BACKOFF.capMs);
  });

  it('answers service-unavailable when the append stays throttled, without treating it as a conflict', async () => {
    givenOpenedFacility();
    ddb.on(PutItemCommand).rejects(new ThrottlingException({ message: 'slow down', ...meta }));
    await expect(executeCommand(store, command, runtime)).rejects.toMatchObject({ code: 'service-unavailable' });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(MAX_TRANSIENT_ATTEMPTS);
    expect(ddb.commandCalls(QueryCommand, { IndexName: undefined })).toHaveLength(1);
    expectNoOtherWrites();
  });

  it('does not retry a client error (ValidationException)', async () => {
    ddb.on(QueryCommand).rejects(Object.assign(new Error('bad request'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
    await expect(store.loadLatest('F-1')).rejects.toMatchObject({ name: 'ValidationException' });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('conditional failures', () => {
  it(`answers concurrent-modification after exactly ${MAX_APPEND_ATTEMPTS} conflicting puts, reloading before each`, async () => {
    givenOpenedFacility();
    ddb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', ...meta }));
    const run = executeCommand(store, command, runtime);
    await expect(run).rejects.toBeInstanceOf(LedgerError);
    await expect(run).rejects.toMatchObject({ code: 'concurrent-modification', details: { attempts: MAX_APPEND_ATTEMPTS } });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(MAX_APPEND_ATTEMPTS);
    expect(ddb.commandCalls(QueryCommand, { IndexName: undefined })).toHaveLength(MAX_APPEND_ATTEMPTS);
    expect(ddb.commandCalls(QueryCommand, { IndexName: 'byRequestId' })).toHaveLength(MAX_APPEND_ATTEMPTS);
    // A first-attempt conflict is someone else's write: no read-back of the item.
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    expect(sleeps).toEqual(expectedSleeps(MAX_APPEND_ATTEMPTS - 1, APPEND_BACKOFF));
    expectNoOtherWrites();
  });

  it('every put is conditional on the slot being empty, at seq = latest + 1', async () => {
    givenOpenedFacility();
    ddb.on(PutItemCommand).resolves(meta);
    const result = await executeCommand(store, command, runtime);
    expect(result).toMatchObject({ replayed: false, event: { seq: 2 } });
    const put = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put).toMatchObject({
      TableName: 'ledger',
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      Item: { pk: { S: 'FAC#F-1' }, sk: { S: 'EV#0000000002' }, requestId: { S: 'k-1' } },
    });
    const [load] = ddb.commandCalls(QueryCommand, { IndexName: undefined });
    expect(load!.args[0].input).toMatchObject({ ConsistentRead: true, ScanIndexForward: false, Limit: 1 });
    const [lookup] = ddb.commandCalls(QueryCommand, { IndexName: 'byRequestId' });
    expect(lookup!.args[0].input).toMatchObject({ ConsistentRead: true });
  });

  it('recognises its own write when a timed-out put is resent and conflicts with itself', async () => {
    givenOpenedFacility();
    let firstPut: PutItemCommandInput | undefined;
    ddb
      .on(PutItemCommand)
      .callsFakeOnce((input: PutItemCommandInput) => {
        firstPut = input; // the write lands, but the response is lost
        throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
      })
      .rejects(new ConditionalCheckFailedException({ message: 'exists', ...meta }));
    ddb.on(GetItemCommand).callsFake(() => ({ ...meta, Item: firstPut!.Item }));
    const result = await executeCommand(store, command, runtime);
    expect(result).toMatchObject({ replayed: false, event: { seq: 2, requestId: 'k-1' } });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(2);
    expectNoOtherWrites();
  });

  it('after a resent put conflicts with a different event, decides again instead', async () => {
    givenOpenedFacility();
    const competitor = eventToItem({ ...opened, seq: 2, type: 'Other' });
    ddb
      .on(PutItemCommand)
      .rejectsOnce(new InternalServerError({ message: 'oops', ...meta }))
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', ...meta }))
      .resolves(meta);
    ddb.on(GetItemCommand).resolves({ ...meta, Item: competitor });
    const result = await executeCommand(store, command, runtime);
    expect(result.replayed).toBe(false);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(3);
    expect(ddb.commandCalls(QueryCommand, { IndexName: undefined })).toHaveLength(2);
  });
});

describe('unknown errors', () => {
  it('propagate unchanged after exactly one put, with no retry and no other write', async () => {
    givenOpenedFacility();
    const boom = Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    ddb.on(PutItemCommand).rejects(boom);
    await expect(executeCommand(store, command, runtime)).rejects.toBe(boom);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
    expect(ddb.commandCalls(QueryCommand, { IndexName: undefined })).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expectNoOtherWrites();
  });

  it('a refusal from decide sends no write at all', async () => {
    givenOpenedFacility();
    const refusing: Command<{ usedFen: number }> = {
      ...command,
      decide: () => {
        throw new DomainError('insufficient-available-limit', 'no');
      },
    };
    await expect(executeCommand(store, refusing, runtime)).rejects.toMatchObject({ code: 'insufficient-available-limit' });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    expectNoOtherWrites();
  });
});
