/**
 * The embedded DynamoDB-compatible store for `npm start`: dynalite on disk under $DATA_DIR
 * (default .data/), so facilities survive restarts. Sets the environment the handlers read
 * (table name, endpoint); it must run before any handler is loaded.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATA_DIR_ENV, DYNAMODB_ENDPOINT_ENV, optionalEnv, TABLE_NAME_ENV } from '#config/env.ts';

import { startEmbeddedStore } from '#ledger/embedded-store.ts';

export interface LocalStore {
  readonly endpoint: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export async function startLocalStore(): Promise<LocalStore> {
  const dataDir = resolve(optionalEnv(DATA_DIR_ENV, '.data'));
  mkdirSync(dataDir, { recursive: true });
  const store = await startEmbeddedStore({ path: dataDir });
  process.env[DYNAMODB_ENDPOINT_ENV] = store.endpoint;
  process.env[TABLE_NAME_ENV] = store.tableName;
  console.log(`[local] store: dynalite on ${store.endpoint}, data in ${dataDir}`);
  return { endpoint: store.endpoint, dataDir, stop: () => store.stop() };
}
