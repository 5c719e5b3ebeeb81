/**
 * The one error mapper: every error a handler, a use-case or this HTTP layer throws becomes
 * a problem document here, and nowhere else. ErrorCode → HTTP status is an exhaustive Record,
 * so adding a code to #domain/errors.ts, #ledger/errors.ts or ./http-error.ts does not compile until it is mapped.
 */
import { DomainError, ValidationError, type FieldIssue } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import { HttpError } from './http-error.ts';
import { problemTitle, problemType, type Problem, type ProblemCode, type RefusalCode } from './problem.ts';

export const ERROR_STATUS: Readonly<Record<RefusalCode, number>> = {
  'validation-failed': 400,
  'idempotency-key-missing': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'concurrent-modification': 409,
  'facility-exists': 409,
  'idempotency-key-reused': 422,
  'insufficient-available-limit': 422,
  'facility-frozen': 422,
  'facility-not-active': 422,
  'facility-in-arrears': 422,
  'facility-non-performing': 422,
  'facility-closed': 422,
  overpayment: 422,
  'below-minimum-drawdown': 422,
  'outside-facility-term': 422,
  'term-too-long': 422,
  'too-many-open-drawdowns': 422,
  'limit-below-outstanding': 422,
  'outstanding-balance': 422,
  'date-before-last-event': 422,
  'lpr-not-found': 422,
  'renewal-not-eligible': 422,
  'renewal-pending': 422,
  'renewal-approved': 422,
  'renewal-expired': 422,
  'borrower-profile-missing': 422,
  'invalid-state': 422,
  'eod-date-in-future': 422,
  'eod-book-too-large': 422,
  'too-many-requests': 429,
  'service-unavailable': 503,
};

const INTERNAL_ERROR_STATUS = 500;
/** API Gateway's answer when a function runs past its 29 s integration timeout (infra/constructs/http-api.ts). */
const GATEWAY_TIMEOUT_STATUS = 504;

/** Every code a problem document can carry (the OpenAPI enum of `Problem.code`). */
export const PROBLEM_CODES: readonly ProblemCode[] = [...(Object.keys(ERROR_STATUS) as RefusalCode[]), 'internal-error', 'gateway-timeout'];

/** Bounds on what a validation problem echoes back: a fuzzed 16 KiB body must not yield a 1 MB answer. */
export const MAX_PROBLEM_ERRORS = 20;
export const MAX_ISSUE_MESSAGE_LENGTH = 200;

/** What a 5xx says: nothing about the cause, which is only logged. */
export const INTERNAL_ERROR_DETAIL = 'The request could not be completed. Quote the response x-amzn-RequestId when reporting it.';
const TIMEOUT_DETAIL = 'The request ran out of time. It is safe to retry; send a command again with the same Idempotency-Key.';
/** The function may still complete after API Gateway gave up on it: only a retry with the same key is safe. */
export const GATEWAY_TIMEOUT_DETAIL = 'The request ran out of time and may still complete. Retry a command only with the same Idempotency-Key.';

export function statusOf(code: ProblemCode): number {
  if (code === 'internal-error') return INTERNAL_ERROR_STATUS;
  if (code === 'gateway-timeout') return GATEWAY_TIMEOUT_STATUS;
  return ERROR_STATUS[code];
}

export function problemOf(
  code: ProblemCode,
  detail: string,
  extras: { readonly instance?: string | undefined; readonly errors?: readonly FieldIssue[] | undefined } = {},
): Problem {
  return {
    type: problemType(code),
    title: problemTitle(code),
    status: statusOf(code),
    detail,
    code,
    ...(extras.instance === undefined ? {} : { instance: extras.instance }),
    ...(extras.errors === undefined ? {} : { errors: extras.errors }),
  };
}

/**
 * Maps any thrown value to the problem sent to the client. Domain errors keep their code and
 * message (they are written for clients); anything else is a 500 whose detail never says why.
 */
export function toProblem(error: unknown, instance?: string): Problem {
  if (error instanceof ValidationError) {
    const errors = error.issues.slice(0, MAX_PROBLEM_ERRORS).map(boundIssue);
    return problemOf('validation-failed', validationDetail(errors, error.issues.length), { instance, errors });
  }
  if ((error instanceof DomainError || error instanceof LedgerError || error instanceof HttpError) && Object.hasOwn(ERROR_STATUS, error.code)) {
    return problemOf(error.code, error.message, { instance });
  }
  if (isMiddyTimeout(error)) {
    return problemOf('service-unavailable', TIMEOUT_DETAIL, { instance });
  }
  return problemOf('internal-error', INTERNAL_ERROR_DETAIL, { instance });
}

/** True for problems caused by us rather than by the request: these are logged with the error. */
export function isServerProblem(problem: Problem): boolean {
  return problem.status >= 500;
}

function validationDetail(shown: readonly FieldIssue[], total: number): string {
  const [first] = shown;
  if (total === 1 && first !== undefined) return first.path === '' ? first.message : `${first.path}: ${first.message}`;
  return `${total} fields are not valid; see errors.`;
}

function boundIssue(issue: FieldIssue): FieldIssue {
  const message = issue.message.length > MAX_ISSUE_MESSAGE_LENGTH ? `${issue.message.slice(0, MAX_ISSUE_MESSAGE_LENGTH)}…` : issue.message;
  const path = issue.path.length > MAX_ISSUE_MESSAGE_LENGTH ? `${issue.path.slice(0, MAX_ISSUE_MESSAGE_LENGTH)}…` : issue.path;
  return { path, message };
}

/** middy aborts a handler shortly before the Lambda deadline with a TimeoutError. */
function isMiddyTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}
