/**
 * The embedded DynamoDB-compatible store (dynalite) for tests and local runs: in memory by
 * default, on disk with `path`. Dev/test tooling only — never imported by a handler.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynamoClient } from './dynamo-client.ts';
import { systemRuntime } from './runtime.ts';
import { LEDGER_TABLE, toCreateTableInput } from './schema.ts';

const EMBEDDED_HOST = '127.0.0.1';
/** Status polls while a new table becomes ACTIVE (dynalite is told to take 0 ms). */
const MAX_TABLE_STATUS_POLLS = 100;
const TABLE_STATUS_POLL_MS = 10;

export interface EmbeddedStoreOptions {
  /** LevelDB directory for data that survives restarts; in memory when absent. */
  readonly path?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly tableName?: string;
}

export interface EmbeddedStore {
  readonly endpoint: string;
  readonly tableName: string;
  stop(): Promise<void>;
}

export async function startEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await listen(server, options.port ?? 0);
  const endpoint = `http://${EMBEDDED_HOST}:${(server.address() as AddressInfo).port}`;
  const tableName = options.tableName ?? LEDGER_TABLE.defaultTableName;
  const client = createDynamoClient({ target: 'local', endpoint });
  try {
    await ensureTable(client, tableName);
  } catch (error) {
    await close(server);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, tableName, stop: () => close(server) };
}

/** Creates the ledger table from the schema unless it exists, then waits until it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if ((await tableStatus(client, tableName)) === undefined) {
    try {
      await client.send(new CreateTableCommand(toCreateTableInput(LEDGER_TABLE, tableName)));
    } catch (error) {
      // Someone else created it between our describe and create: fine, wait for it below.
      if ((error as { name?: unknown }).name !== 'ResourceInUseException') throw error;
    }
  }
  for (let poll = 0; poll < MAX_TABLE_STATUS_POLLS; poll++) {
    if ((await tableStatus(client, tableName)) === 'ACTIVE') return;
    await systemRuntime.sleep(TABLE_STATUS_POLL_MS);
  }
  throw new Error(`table ${tableName} did not become ACTIVE after ${MAX_TABLE_STATUS_POLLS} polls`);
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus;
  } catch (error) {
    if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, EMBEDDED_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // dynalite's close also flushes and closes its LevelDB store before calling back.
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets from clients would otherwise hold the close open.
    server.closeAllConnections();
  });
}
