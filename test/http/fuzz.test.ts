/**
 * Bad input of every shape through a real command handler: the answer is always a 2xx or a
 * 4xx problem document, never a 5xx, and the handler only ever sees valid, decoded values.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvariantViolation } from '#domain/errors.ts';
import { MAX_MONEY_FEN } from '#domain/money.ts';
import { isBusinessDate } from '#domain/calendar.ts';
import { httpHandler } from '#http/middleware.ts';
import { IAM_PRINCIPALS_JSON, callers, commandEvent, commandRoute, invoke, testOptions } from './support.ts';

beforeEach(() => {
  vi.stubEnv('LOCAL_DEV', '');
  vi.stubEnv('IAM_PRINCIPALS', IAM_PRINCIPALS_JSON);
});
afterEach(() => vi.unstubAllEnvs());

const ALLOWED = new Set([201, 400, 401, 403, 413, 415]);

/** A handler that fails loudly (500) if validation ever let something through. */
function strictHandler() {
  return httpHandler(
    commandRoute,
    async (ctx) => {
      const { amount, drawdownId, maturityDate } = ctx.body;
      if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_MONEY_FEN) throw new InvariantViolation('amount escaped validation');
      if (!isBusinessDate(maturityDate) || !/^[A-Za-z0-9._-]{1,64}$/.test(drawdownId)) throw new InvariantViolation('field escaped validation');
      if (!/^[\x21-\x7e]{1,128}$/.test(ctx.idempotencyKey)) throw new InvariantViolation('key escaped validation');
      return { status: 201, body: { drawdownId, amount: '0.00', businessDate: ctx.businessDate } };
    },
    testOptions(),
  );
}

/** Mostly valid, sometimes anything: so requests get through as well as fail in every way. */
function mostly<T>(valid: fc.Arbitrary<T>, anything: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: anything, weight: 1 });
}

const validDate = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const validAmount = fc.bigInt({ min: 0n, max: BigInt(MAX_MONEY_FEN) }).map((fen) => `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`);
const moneyLike = mostly(
  validAmount,
  fc.oneof(fc.stringMatching(/^-?[0-9０-９]{0,14}(\.[0-9]{0,4})?(e[0-9])?$/), fc.double(), fc.bigInt().map(String), fc.string()),
);
const dateLike = mostly(validDate, fc.oneof(fc.string(), fc.integer(), fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/)));
const idLike = mostly(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.oneof(fc.string(), fc.constant('..'), fc.stringMatching(/^[A-Za-z0-9._-]{60,70}$/)));
const bodyObject = fc.oneof(
  { arbitrary: fc.record({ drawdownId: idLike, amount: moneyLike, maturityDate: dateLike }, { requiredKeys: [] }), weight: 4 },
  { arbitrary: fc.dictionary(fc.string(), fc.jsonValue()), weight: 1 },
  { arbitrary: fc.jsonValue(), weight: 1 },
);
const rawBody = fc.oneof(
  { arbitrary: bodyObject.map((value) => JSON.stringify(value) ?? 'null'), weight: 6 },
  { arbitrary: fc.oneof(fc.string(), fc.constant('{"amount":'), fc.constant(JSON.stringify({ pad: 'x'.repeat(17_000) })), fc.constant(null)), weight: 1 },
);
const headerValue = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant('application/json'), fc.constant('k-1'));
const headers = fc.record(
  {
    'content-type': mostly(fc.constant('application/json'), headerValue),
    'Idempotency-Key': mostly(fc.stringMatching(/^[\x21-\x7e]{1,128}$/), fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 }))),
    'x-dev-principal': headerValue,
    'x-dev-business-date': headerValue,
  },
  { requiredKeys: ['content-type', 'Idempotency-Key'] },
);

describe('fuzzed requests', () => {
  it('always get a 2xx or a 4xx problem document, never a 5xx', async () => {
    const handler = strictHandler();
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        rawBody,
        headers,
        fc.boolean(),
        mostly(fc.constant('FAC-1'), fc.string()),
        fc.option(fc.dictionary(fc.string(), fc.string()), { nil: undefined }),
        async (body, headerSet, base64, facilityId, query) => {
          const event = commandEvent({
            body: base64 && body !== null ? Buffer.from(body).toString('base64') : body,
            isBase64Encoded: base64,
            headers: headerSet as Record<string, string | string[]>,
            pathParameters: { facilityId: facilityId as string },
            ...(query === undefined ? {} : { query }),
            ...callers.channel,
          });
          const result = await invoke(handler, event);
          seen.add(result.statusCode);
          expect(ALLOWED.has(result.statusCode), `${result.statusCode}: ${result.body}`).toBe(true);
          if (result.statusCode >= 400) {
            expect(result.headers?.['content-type']).toBe('application/problem+json');
            const problem = JSON.parse(result.body) as { status: number; code: string; type: string };
            expect(problem.status).toBe(result.statusCode);
            expect(problem.type).toBe(`https://errors.credit.example/${problem.code}`);
          }
        },
      ),
      { numRuns: 400 },
    );
    // The generators reach the handler as well as every kind of refusal.
    expect([...seen].sort()).toEqual([201, 400, 413, 415]);
  });
});
