/**
 * Regression tests of our dynalite patch (patches/dynalite+*.patch, written up in
 * docs/dynalite-patches.md): the embedded store must be crash-safe and leak-free to back
 * `npm start` for weeks.
 *
 * 1. A put, update or delete writes its item and every index entry it adds or removes in one
 *    atomic LevelDB batch: a process killed after any LevelDB write leaves no index entry
 *    without its item, no stale entry and no item its indexes miss.
 * 2. Every iterator a request opens is closed: opened = closed after any number of queries.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { executeCommand, requestHash } from '#ledger/command.ts';
import { createDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { startEmbeddedStore, type EmbeddedStore } from '#ledger/embedded-store.ts';
import { eodShardOf } from '#ledger/schema.ts';
import { countIterators, indexInconsistencies, installWriteProbe, type WriteProbe } from '../setup/level-probe.ts';
import { instantRuntime } from '../setup/ledger.ts';

type Item = Record<string, AttributeValue>;
const FACILITY = 'F-patch';

/** A facility's first event: the item, its byRequestId (LSI) entry and both GSI entries. */
const FIRST_EVENT: Item = {
  pk: { S: `FAC#${FACILITY}` },
  sk: { S: 'EV#0000000001' },
  requestId: { S: 'key-1' },
  gsi1pk: { S: 'BOR#B-1' },
  gsi1sk: { S: `FAC#${FACILITY}` },
  gsi2pk: { S: `SHARD#${eodShardOf(FACILITY)}` },
  gsi2sk: { S: `FAC#${FACILITY}` },
  state: { S: '{}' },
};
const KEY = { pk: FIRST_EVENT['pk']!, sk: FIRST_EVENT['sk']! };

interface Scenario {
  readonly name: string;
  /** Writes done before the one that is "killed". */
  readonly before: readonly Item[];
  readonly write: (client: DynamoDBClient, tableName: string) => Promise<unknown>;
}

const scenarios: readonly Scenario[] = [
  {
    name: 'a put of a new item with a local and two global index entries',
    before: [],
    write: (client, TableName) => client.send(new PutItemCommand({ TableName, Item: FIRST_EVENT })),
  },
  {
    name: 'a put that replaces an item and moves its index entries',
    before: [FIRST_EVENT],
    write: (client, TableName) =>
      client.send(new PutItemCommand({ TableName, Item: { ...FIRST_EVENT, requestId: { S: 'key-2' }, gsi1pk: { S: 'BOR#B-2' } } })),
  },
  {
    name: 'an update that changes an index key',
    before: [FIRST_EVENT],
    write: (client, TableName) =>
      client.send(
        new UpdateItemCommand({
          TableName,
          Key: KEY,
          UpdateExpression: 'SET requestId = :k REMOVE gsi2pk',
          ExpressionAttributeValues: { ':k': { S: 'key-3' } },
        }),
      ),
  },
  {
    name: 'a delete of an indexed item',
    before: [FIRST_EVENT],
    write: (client, TableName) => client.send(new DeleteItemCommand({ TableName, Key: KEY })),
  },
];

describe('each write is one atomic LevelDB batch (a kill between writes leaves no orphan)', () => {
  let probe: WriteProbe;
  beforeAll(() => {
    probe = installWriteProbe();
  });
  afterAll(() => probe.uninstall());

  async function run(scenario: Scenario, killAfterWrites: number): Promise<{ writes: number; problems: string[] }> {
    const store = await startEmbeddedStore();
    const client = createDynamoClient({ target: 'local', endpoint: store.endpoint });
    try {
      for (const item of scenario.before) await client.send(new PutItemCommand({ TableName: store.tableName, Item: item }));
      const start = probe.writes();
      probe.killAfter(killAfterWrites);
      await scenario.write(client, store.tableName).catch(() => undefined); // a killed write answers 500
      const writes = probe.writes() - start;
      probe.killAfter(Number.POSITIVE_INFINITY);
      return { writes, problems: await indexInconsistencies(probe.db(), store.tableName) };
    } finally {
      client.destroy();
      await store.stop();
    }
  }

  for (const scenario of scenarios) {
    it(`${scenario.name}: one LevelDB write, consistent whether or not the process dies before it`, async () => {
      const complete = await run(scenario, Number.POSITIVE_INFINITY);
      expect(complete.problems).toEqual([]);
      // The process dies after 0 … (writes − 1) of the request's LevelDB writes.
      for (let k = 0; k < complete.writes; k++) {
        expect((await run(scenario, k)).problems, `killed after ${k} of ${complete.writes} writes`).toEqual([]);
      }
      expect(complete.writes).toBe(1);
    });
  }
});

describe('every iterator is closed', () => {
  let dir: string;
  let store: EmbeddedStore;
  let client: DynamoDBClient;
  let ledger: DynamoLedgerStore;
  const QUERIES = 40;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dynalite-iterators-'));
    store = await startEmbeddedStore({ path: dir }); // classic-level on disk, as `npm start` runs
    client = createDynamoClient({ target: 'local', endpoint: store.endpoint });
    ledger = new DynamoLedgerStore({ client, tableName: store.tableName, runtime: instantRuntime });
    const decide = (seq: number) => () => ({
      type: seq === 1 ? 'Opened' : 'Used',
      businessDate: '2026-01-05',
      actor: 'test',
      data: {},
      postings: [],
      state: { seq },
      ...(seq === 1 ? { borrowerId: 'B-it' } : {}),
    });
    for (let seq = 1; seq <= 5; seq++) {
      await executeCommand(ledger, { facilityId: 'F-it', idempotencyKey: `k-${seq}`, requestHash: requestHash({ seq }), decide: decide(seq) }, instantRuntime);
    }
  });
  afterAll(async () => {
    client.destroy();
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(`after ${QUERIES} rounds of every kind of read, as many iterators are closed as were opened`, async () => {
    const counter = countIterators();
    try {
      for (let round = 0; round < QUERIES; round++) {
        await ledger.loadLatest('F-it'); // Query, reverse, Limit 1: stops early
        await ledger.listEvents('F-it', { limit: 2 }); // a page with a cursor
        await ledger.listEvents('F-it'); // to the natural end
        await ledger.findByRequestId('F-it', `k-${(round % 5) + 1}`); // local index
        await ledger.findByRequestId('F-it', 'no-such-key'); // an empty range
        await ledger.listFacilitiesByShards({ from: eodShardOf('F-it'), to: eodShardOf('F-it') + 1 }); // global index
        await client.send(new ScanCommand({ TableName: store.tableName, Limit: 3 }));
        await client.send(new ListTablesCommand({}));
      }
      // Every Query, Scan and ListTables opens at least one iterator.
      expect(counter.opened()).toBeGreaterThanOrEqual(QUERIES * 8);
      expect(counter.closed()).toBe(counter.opened());
    } finally {
      counter.stop();
    }
  });
});
