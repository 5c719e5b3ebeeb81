import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { ensureTable, startEmbeddedStore } from '#ledger/embedded-store.ts';
import { LEDGER_TABLE } from '#ledger/schema.ts';
import { instantRuntime } from '../setup/ledger.ts';

describe('embedded store', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function withStore<T>(path: string, use: (store: DynamoLedgerStore, endpoint: string) => Promise<T>): Promise<T> {
    const embedded = await startEmbeddedStore({ path });
    const client = createDynamoClient({ target: 'local', endpoint: embedded.endpoint });
    try {
      return await use(new DynamoLedgerStore({ client, tableName: embedded.tableName, runtime: instantRuntime }), embedded.endpoint);
    } finally {
      client.destroy();
      await embedded.stop();
    }
  }

  it('listens on 127.0.0.1 on a free port with the ledger table ACTIVE, indexes included', async () => {
    await withStore(join(dir, 'describe'), async (_store, endpoint) => {
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoint).not.toMatch(/:0$/);
      const client = createDynamoClient({ target: 'local', endpoint });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: LEDGER_TABLE.defaultTableName }));
      client.destroy();
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.LocalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byRequestId']);
      expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus])).toEqual([
        ['byBorrower', 'ACTIVE'],
        ['byShard', 'ACTIVE'],
      ]);
    });
  });

  it('keeps data on disk across a stop and a restart, and ensureTable leaves an existing table alone', async () => {
    const path = join(dir, 'persist');
    await withStore(path, (store) => store.putLprFixing({ date: '2026-01-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 }));
    await withStore(path, async (store, endpoint) => {
      const client = createDynamoClient({ target: 'local', endpoint });
      await ensureTable(client, LEDGER_TABLE.defaultTableName);
      client.destroy();
      expect(await store.getLprOnOrBefore('2026-02-01')).toEqual({ date: '2026-01-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 });
    });
  });
});
