/**
 * The process-wide dependencies of the use-cases, built once from the environment at a
 * function's cold start (or by the local server): one DynamoDB client, one store, one LPR cache.
 */
import { optionalEnv, requireEnv } from '#config/env.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { sharedDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { systemRuntime } from '#ledger/runtime.ts';
import { TABLE_NAME_ENV } from '#ledger/schema.ts';
import { createAppDeps, type AppDeps } from './deps.ts';

/** Set only by the local server and tests: the embedded store's endpoint (never in AWS). */
export const DYNAMODB_ENDPOINT_ENV = 'DYNAMODB_ENDPOINT';

let deps: AppDeps | undefined;

export function appDeps(): AppDeps {
  if (deps === undefined) {
    const endpoint = optionalEnv(DYNAMODB_ENDPOINT_ENV, '');
    const client =
      endpoint === '' ? sharedDynamoClient({ target: 'aws', region: requireEnv('AWS_REGION') }) : sharedDynamoClient({ target: 'local', endpoint });
    const store = new DynamoLedgerStore({ client, tableName: requireEnv(TABLE_NAME_ENV), runtime: systemRuntime });
    deps = createAppDeps({ store, runtime: systemRuntime, product: DEFAULT_PRODUCT });
  }
  return deps;
}

/** Tests and the local server swap in their own (e.g. a fixed clock); null restores lazy init. */
export function setAppDeps(next: AppDeps | undefined): void {
  deps = next;
}
