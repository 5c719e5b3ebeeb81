/**
 * RFC 9457 problem documents: the one shape every error response of this API has.
 * The `code` member is the stable, machine-readable part; `type` is the same code as a URI.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorCode, FieldIssue } from '#domain/errors.ts';
import type { LedgerErrorCode } from '#ledger/errors.ts';
import type { HttpErrorCode } from './http-error.ts';

/** Every code a refusal can carry: the domain's, the store's and the HTTP edge's. */
export type RefusalCode = ErrorCode | LedgerErrorCode | HttpErrorCode;
/**
 * Refusal codes plus the two for failures that are not the caller's: ours (internal-error), and
 * API Gateway giving up on a function that ran too long (gateway-timeout: it may still finish, so
 * retry only with the same key).
 */
export type ProblemCode = RefusalCode | 'internal-error' | 'gateway-timeout';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  /** The request path the problem occurred on. */
  readonly instance?: string;
  /** One entry per invalid field, for `validation-failed`. */
  readonly errors?: readonly FieldIssue[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const JSON_CONTENT_TYPE = 'application/json';
/** Stable base of problem `type` URIs; documentation for each code lives under it. */
const PROBLEM_TYPE_BASE = 'https://errors.credit.example/';

/** Responses carry account data: no shared cache may keep them. */
export const NO_STORE = 'no-store';

export function problemType(code: ProblemCode): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}

/** "insufficient-available-limit" → "Insufficient available limit": derived, so a new code needs no table entry. */
export function problemTitle(code: ProblemCode): string {
  const words = code.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The API Gateway result carrying a problem document. */
export function problemResult(problem: Problem, headers: Readonly<Record<string, string>> = {}): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': NO_STORE },
    body: JSON.stringify(problem),
  };
}
