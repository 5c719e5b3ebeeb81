/**
 * The store's refusals, with stable codes beside the domain's: a write that lost the race for its
 * sequence number, an idempotency key reused for another request, a store that stayed unavailable
 * after the bounded retries. The HTTP layer maps them (shared/http/errors.ts).
 */
export type LedgerErrorCode =
  // 409: someone else appended first, every retry included
  | 'concurrent-modification'
  // 422: the key names another request
  | 'idempotency-key-reused'
  // 503: throttling or a store failure after bounded retries
  | 'service-unavailable';

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: LedgerErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LedgerError';
    this.code = code;
    this.details = details;
  }
}
