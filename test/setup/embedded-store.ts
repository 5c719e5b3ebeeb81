/**
 * Vitest global setup: one in-memory embedded store per test run, on a free port. Tests
 * read its endpoint with `inject('ledgerEndpoint')` (see test/setup/ledger.ts) and isolate
 * themselves with unique facility ids, or with a table of their own for partitions every
 * test would share (LPR, shard listings).
 */
import type { TestProject } from 'vitest/node';
import { startEmbeddedStore } from '#ledger/embedded-store.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    ledgerEndpoint: string;
    ledgerTableName: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const store = await startEmbeddedStore();
  project.provide('ledgerEndpoint', store.endpoint);
  project.provide('ledgerTableName', store.tableName);
  return () => store.stop();
}
