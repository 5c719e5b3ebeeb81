import { describe, expect, it } from 'vitest';
import { CONNECTION_TIMEOUT_MS, createDynamoClient, dynamoClientOptions, REQUEST_TIMEOUT_MS, sharedDynamoClient } from '#ledger/dynamo-client.ts';

describe('DynamoDB client factory', () => {
  it('switches the SDK retry off (the ledger owns the one bounded retry) and times requests out', async () => {
    const client = createDynamoClient({ target: 'aws', region: 'cn-north-1' });
    expect(await client.config.maxAttempts()).toBe(1);
    expect(await client.config.region()).toBe('cn-north-1');
    client.destroy();
    expect(dynamoClientOptions({ target: 'aws', region: 'cn-north-1' }).requestHandler).toEqual({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    });
  });

  it('gives a local endpoint dummy credentials, never the environment’s', async () => {
    const client = createDynamoClient({ target: 'local', endpoint: 'http://127.0.0.1:8000' });
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'local', secretAccessKey: 'local' });
    const endpoint = await client.config.endpoint!();
    expect([endpoint.hostname, endpoint.port]).toEqual(['127.0.0.1', 8000]);
    client.destroy();
  });

  it('hands out one client per configuration per process', () => {
    const a = sharedDynamoClient({ target: 'local', endpoint: 'http://127.0.0.1:8001' });
    expect(sharedDynamoClient({ target: 'local', endpoint: 'http://127.0.0.1:8001' })).toBe(a);
    expect(sharedDynamoClient({ target: 'local', endpoint: 'http://127.0.0.1:8002' })).not.toBe(a);
  });
});
