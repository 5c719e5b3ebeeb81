import { describe, expect, it } from 'vitest';
import { DomainError, ValidationError } from '#domain/errors.ts';
import type { RefusalCode } from '#http/problem.ts';
import {
  ERROR_STATUS,
  INTERNAL_ERROR_DETAIL,
  MAX_ISSUE_MESSAGE_LENGTH,
  MAX_PROBLEM_ERRORS,
  PROBLEM_CODES,
  toProblem,
} from '#http/errors.ts';
import { problemResult, problemTitle } from '#http/problem.ts';
import { ProblemSchema } from '#http/problem-schema.ts';
import * as z from '#api/z.ts';

describe('ErrorCode → HTTP status', () => {
  it.each<[RefusalCode, number]>([
    ['validation-failed', 400],
    ['idempotency-key-missing', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not-found', 404],
    ['method-not-allowed', 405],
    ['payload-too-large', 413],
    ['unsupported-media-type', 415],
    ['concurrent-modification', 409],
    ['facility-exists', 409],
    ['idempotency-key-reused', 422],
    ['insufficient-available-limit', 422],
    ['overpayment', 422],
    ['renewal-not-eligible', 422],
    ['service-unavailable', 503],
  ])('%s is %i', (code, status) => {
    expect(ERROR_STATUS[code]).toBe(status);
  });

  it('maps every business-rule code to 422 and nothing to a 5xx but service-unavailable', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(status >= 500, code).toBe(code === 'service-unavailable');
    }
  });

  it('lists every code, plus internal-error and gateway-timeout, for the Problem schema', () => {
    expect(PROBLEM_CODES).toEqual([...Object.keys(ERROR_STATUS), 'internal-error', 'gateway-timeout']);
  });
});

describe('the error mapper', () => {
  it('keeps a domain error’s code and client-facing message', () => {
    const problem = toProblem(new DomainError('insufficient-available-limit', 'Available limit is 1000.00 yuan.', { availableFen: 100000 }), '/v1/x');
    expect(problem).toEqual({
      type: 'https://errors.credit.example/insufficient-available-limit',
      title: 'Insufficient available limit',
      status: 422,
      detail: 'Available limit is 1000.00 yuan.',
      code: 'insufficient-available-limit',
      instance: '/v1/x',
    });
  });

  it('lists each invalid field of a validation error', () => {
    const problem = toProblem(
      new ValidationError([
        { path: 'amount', message: 'must be a string of yuan' },
        { path: 'query.limit', message: 'must be a whole number from 1 to 100' },
      ]),
    );
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('validation-failed');
    expect(problem.detail).toBe('2 fields are not valid; see errors.');
    expect(problem.errors).toEqual([
      { path: 'amount', message: 'must be a string of yuan' },
      { path: 'query.limit', message: 'must be a whole number from 1 to 100' },
    ]);
  });

  it('says what is wrong in the detail when one field is', () => {
    expect(toProblem(ValidationError.of('amount', 'is required')).detail).toBe('amount: is required');
    expect(toProblem(ValidationError.of('', 'the request body is not valid JSON')).detail).toBe('the request body is not valid JSON');
  });

  it('bounds what a validation problem echoes back', () => {
    const issues = Array.from({ length: 500 }, (_, index) => ({ path: `f${index}`, message: 'x'.repeat(10_000) }));
    const problem = toProblem(new ValidationError(issues));
    expect(problem.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(problem.errors?.[0]?.message.length).toBe(MAX_ISSUE_MESSAGE_LENGTH + 1);
    expect(problem.detail).toBe('500 fields are not valid; see errors.');
  });

  it.each([
    ['an Error', new Error('ConditionalCheckFailed on table credit-prod, key FAC#123')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'principalFen')")],
    ['a string', 'boom'],
    ['null', null],
    ['an object', { message: 'secret' }],
  ])('turns %s into a 500 that says nothing about it', (_, thrown) => {
    const problem = toProblem(thrown, '/v1/facilities/FAC-1');
    expect(problem).toEqual({
      type: 'https://errors.credit.example/internal-error',
      title: 'Internal error',
      status: 500,
      detail: INTERNAL_ERROR_DETAIL,
      code: 'internal-error',
      instance: '/v1/facilities/FAC-1',
    });
  });

  it('turns a DomainError whose code is unknown at run time into a 500', () => {
    const forged = new DomainError('validation-failed', 'x');
    Object.defineProperty(forged, 'code', { value: 'not-a-code' });
    expect(toProblem(forged).status).toBe(500);
  });

  it('turns middy’s early timeout into a retryable 503', () => {
    const timeout = new Error('[AbortError]: The operation was aborted.');
    timeout.name = 'TimeoutError';
    expect(toProblem(timeout)).toMatchObject({ status: 503, code: 'service-unavailable' });
  });
});

describe('problem documents', () => {
  it('match the Problem schema the OpenAPI document publishes', () => {
    const problems = [
      toProblem(new ValidationError([{ path: 'amount', message: 'is required' }]), '/v1/x'),
      toProblem(new DomainError('facility-frozen', 'The facility is frozen.')),
      toProblem(new Error('boom')),
    ];
    for (const problem of problems) expect(z.parse(ProblemSchema, problem)).toEqual(problem);
  });

  it('derive the title from the code', () => {
    expect(problemTitle('idempotency-key-missing')).toBe('Idempotency key missing');
    expect(problemTitle('forbidden')).toBe('Forbidden');
  });

  it('are sent as application/problem+json and never cached', () => {
    const result = problemResult(toProblem(new DomainError('not-found', 'The facility was not found.')), { 'retry-after': '1' });
    expect(result.statusCode).toBe(404);
    expect(result.headers).toEqual({ 'retry-after': '1', 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
    expect(JSON.parse(result.body)).toMatchObject({ code: 'not-found', status: 404 });
  });
});
