/**
 * Typed errors with stable codes: the business rules' own. The store's codes (shared/ledger/errors.ts)
 * and the HTTP layer's (shared/http/http-error.ts) live with the layer that raises them. Every code is
 * mapped to an HTTP status exactly once, in shared/http (ERROR_STATUS); nothing compares error
 * messages at a distance.
 */
export type ErrorCode =
  // 400: the input can never be valid
  | 'validation-failed'
  // 404 / 409
  | 'not-found'
  | 'facility-exists'
  // 422: business rules
  | 'insufficient-available-limit'
  | 'facility-frozen'
  | 'facility-not-active'
  | 'facility-in-arrears'
  | 'facility-non-performing'
  | 'facility-closed'
  | 'overpayment'
  | 'below-minimum-drawdown'
  | 'outside-facility-term'
  | 'term-too-long'
  | 'too-many-open-drawdowns'
  | 'limit-below-outstanding'
  | 'outstanding-balance'
  | 'date-before-last-event'
  | 'lpr-not-found'
  | 'renewal-not-eligible'
  | 'renewal-pending'
  | 'renewal-approved'
  | 'renewal-expired'
  | 'borrower-profile-missing'
  | 'invalid-state'
  // 422: end of day asked for a date after the business date, or by hand for a book too large for one request (shared/app/eod.ts)
  | 'eod-date-in-future'
  | 'eod-book-too-large';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `pricing.spreadBp`; empty for the whole input. */
  readonly path: string;
  readonly message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** Bad input: a value that can never be valid, whatever the state. */
export class ValidationError extends DomainError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super('validation-failed', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'ValidationError';
    this.issues = issues;
  }

  static of(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

/** A domain invariant was broken: a bug, never a client's fault (maps to 500). */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantViolation';
  }
}

export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}
