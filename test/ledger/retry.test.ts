import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { InvariantViolation } from '#domain/errors.ts';
import { backoffDelayMs } from '#ledger/runtime.ts';
import { isTransientStoreError } from '#ledger/transient.ts';

describe('backoff with full jitter', () => {
  const policy = { baseMs: 10, capMs: 320 };

  it('doubles the ceiling per attempt up to the cap, scaled by the jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelayMs(attempt, policy, () => 0.5))).toEqual([5, 10, 20, 40, 80, 160, 160, 160]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('stays in [0, ceiling) for any attempt and jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const ms = backoffDelayMs(attempt, policy, () => r);
        expect(Number.isInteger(ms) && ms >= 0 && ms < policy.capMs).toBe(true);
      }),
    );
  });

  it.each([1, -0.1, Number.NaN])('refuses a jitter source that returns %s', (r) => {
    expect(() => backoffDelayMs(1, policy, () => r)).toThrow(InvariantViolation);
  });
});

describe('transient store errors', () => {
  it('are throttling, server faults and network failures', () => {
    expect(isTransientStoreError(new ProvisionedThroughputExceededException({ message: '', $metadata: {} }))).toBe(true);
    expect(isTransientStoreError(Object.assign(new Error(), { code: 'ETIMEDOUT' }))).toBe(true);
    expect(isTransientStoreError(Object.assign(new Error(), { $metadata: { httpStatusCode: 502 } }))).toBe(true);
  });

  it('are never a failed condition, a client error or a non-error value', () => {
    expect(isTransientStoreError(new ConditionalCheckFailedException({ message: '', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isTransientStoreError(Object.assign(new Error(), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isTransientStoreError(new TypeError('bug'))).toBe(false);
    expect(isTransientStoreError('ThrottlingException')).toBe(false);
    expect(isTransientStoreError(null)).toBe(false);
  });
});
