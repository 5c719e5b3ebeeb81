/**
 * The DynamoDB client factory. A Lambda creates one client at init and reuses it for every
 * invocation (connection reuse); `sharedDynamoClient` memoises per configuration for that.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export type DynamoClientConfig =
  | { readonly target: 'aws'; readonly region: string }
  /** The embedded store or another local endpoint: dummy credentials, never real ones. */
  | { readonly target: 'local'; readonly endpoint: string; readonly region?: string };

/** Fail fast on a dead connection; the ledger's own bounded retry takes over (transient.ts). */
export const CONNECTION_TIMEOUT_MS = 1_000;
/** Single-item calls take milliseconds; anything near this is a stuck connection, so retry it. */
export const REQUEST_TIMEOUT_MS = 2_000;

const LOCAL_REGION = 'local';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The client options, as plain data (what the tests check). */
export function dynamoClientOptions(config: DynamoClientConfig): DynamoDBClientConfig {
  const common = {
    // One retry policy, owned and counted by the ledger (transient.ts), not two multiplied.
    maxAttempts: 1,
    // throwOnRequestTimeout: without it the SDK only logs a warning when requestTimeout passes.
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  };
  if (config.target === 'aws') return { ...common, region: config.region };
  return { ...common, endpoint: config.endpoint, region: config.region ?? LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
}

export function createDynamoClient(config: DynamoClientConfig): DynamoDBClient {
  return new DynamoDBClient(dynamoClientOptions(config));
}

const shared = new Map<string, DynamoDBClient>();

/** The process-wide client for this configuration, created on first use. */
export function sharedDynamoClient(config: DynamoClientConfig): DynamoDBClient {
  const key = config.target === 'aws' ? `aws|${config.region}` : `local|${config.endpoint}|${config.region ?? LOCAL_REGION}`;
  let client = shared.get(key);
  if (client === undefined) {
    client = createDynamoClient(config);
    shared.set(key, client);
  }
  return client;
}
