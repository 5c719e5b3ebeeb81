/**
 * Bounded retry of transient store errors (throttling, 5xx, network). The SDK's own retry
 * is switched off (dynamo-client.ts), so this is the one retry policy and its bound is a
 * named constant the tests can count. Anything not known to be transient propagates as is.
 */
import { LedgerError } from './errors.ts';
import { backoffDelayMs, type BackoffPolicy, type RetryRuntime } from './runtime.ts';

/** Calls per store operation, the first included. */
export const MAX_TRANSIENT_ATTEMPTS = 4;
export const TRANSIENT_BACKOFF: BackoffPolicy = { baseMs: 50, capMs: 1_000 };

const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const TRANSIENT_HTTP_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

export function isTransientStoreError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  if (typeof e.name === 'string' && TRANSIENT_ERROR_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && TRANSIENT_SOCKET_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && TRANSIENT_HTTP_STATUSES.has(status);
}

export async function withTransientRetry<T>(operation: () => Promise<T>, runtime: RetryRuntime): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTransientStoreError(error)) throw error;
      if (attempt >= MAX_TRANSIENT_ATTEMPTS) throw unavailable(error, attempt);
      await runtime.sleep(backoffDelayMs(attempt, TRANSIENT_BACKOFF, runtime.jitter));
    }
  }
}

function unavailable(cause: unknown, attempts: number): LedgerError {
  const error = new LedgerError('service-unavailable', 'the ledger store is unavailable; retry later', { attempts });
  error.cause = cause; // for logs only; the problem document never shows it
  return error;
}
