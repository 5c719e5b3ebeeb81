/**
 * The use-cases' dependencies in a deployed function (or under `npm start`): one DynamoDB client,
 * one store, one LPR cache, built from the environment at the first request and kept for the
 * life of the process. Handlers pass `appDeps` to httpHandler/jobHandler through their options;
 * a test or bench that points the environment at another table gets deps for that table (the
 * environment is the cache key), so nothing needs a global setter.
 *
 * Lives beside the functions, not in shared/app: CDK synthesis (infra/) reads the route
 * registry and must not load the DynamoDB adapter.
 */
import { AWS_REGION_ENV, DYNAMODB_ENDPOINT_ENV, optionalEnv, requireEnv, TABLE_NAME_ENV } from '#config/env.ts';
import { DEFAULT_PRODUCT } from '#domain/product.ts';
import { createAppDeps, type AppDeps } from '#app/deps.ts';
import { sharedDynamoClient } from '#ledger/dynamo-client.ts';
import { DynamoLedgerStore } from '#ledger/dynamo-store.ts';
import { systemRuntime } from '#ledger/runtime.ts';

let built: { readonly key: string; readonly deps: AppDeps } | undefined;

export function appDeps(): AppDeps {
  const endpoint = optionalEnv(DYNAMODB_ENDPOINT_ENV, '');
  const tableName = requireEnv(TABLE_NAME_ENV);
  const key = `${endpoint}\n${tableName}`;
  if (built?.key !== key) {
    const client = endpoint === '' ? sharedDynamoClient({ target: 'aws', region: requireEnv(AWS_REGION_ENV) }) : sharedDynamoClient({ target: 'local', endpoint });
    const store = new DynamoLedgerStore({ client, tableName, runtime: systemRuntime });
    built = { key, deps: createAppDeps({ store, runtime: systemRuntime, product: DEFAULT_PRODUCT }) };
  }
  return built.deps;
}
