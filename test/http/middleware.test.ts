import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '#domain/errors.ts';
import { LedgerError } from '#ledger/errors.ts';
import { duplicateKeys, MAX_BODY_BYTES, MAX_DUPLICATE_KEYS_REPORTED, MAX_JSON_DEPTH } from '#http/body.ts';
import { INTERNAL_ERROR_DETAIL } from '#http/errors.ts';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '#http/idempotency.ts';
import { httpHandler } from '#http/middleware.ts';
import * as z from '#api/z.ts';
import {
  IAM_PRINCIPALS_JSON,
  SHANGHAI_DATE,
  apiEvent,
  callers,
  commandEvent,
  commandRoute,
  invoke,
  listRoute,
  problemOf,
  publicRoute,
  sampleHandlers,
  smeRoute,
  testOptions,
} from './support.ts';

beforeEach(() => {
  vi.stubEnv('LOCAL_DEV', '');
  vi.stubEnv('IAM_PRINCIPALS', IAM_PRINCIPALS_JSON);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const amount = { drawdownId: 'DD-1', amount: '50000.00', maturityDate: '2026-07-01' };

describe('a successful command', () => {
  it('reaches the handler decoded and answers JSON that is never cached', async () => {
    const result = await invoke(sampleHandlers().command, commandEvent());
    expect(result.statusCode).toBe(201);
    expect(result.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(JSON.parse(result.body)).toEqual({ drawdownId: 'DD-1', amount: '50000.00', businessDate: SHANGHAI_DATE });
  });

  it('gives the handler a typed context: principal, fen, path, key, date, request id', async () => {
    const seen = vi.fn();
    const handler = httpHandler(
      commandRoute,
      async (ctx) => {
        seen({ principal: ctx.principal, body: ctx.body, path: ctx.path, key: ctx.idempotencyKey, date: ctx.businessDate, requestId: ctx.requestId });
        return { status: 201, body: { drawdownId: ctx.body.drawdownId, amount: '1.00', businessDate: ctx.businessDate } };
      },
      testOptions(),
    );
    await invoke(handler, commandEvent({ requestId: 'apigw-42' }));
    expect(seen).toHaveBeenCalledWith({
      principal: { role: 'channel', id: 'mobile-bank' },
      body: { drawdownId: 'DD-1', amount: 5_000_000, maturityDate: '2026-07-01' },
      path: { facilityId: 'FAC-1' },
      key: 'key-1',
      date: SHANGHAI_DATE,
      requestId: 'apigw-42',
    });
  });

  it('marks a replayed response with Idempotent-Replayed: true and counts it', async () => {
    const options = testOptions();
    const addMetric = vi.spyOn(options.metrics!, 'addMetric');
    const handler = sampleHandlers(options).command;
    const result = await invoke(handler, commandEvent({ headers: { 'content-type': 'application/json', 'idempotency-key': 'replayed-key' } }));
    expect(result.statusCode).toBe(201);
    expect(result.headers?.['idempotent-replayed']).toBe('true');
    expect(addMetric).toHaveBeenCalledWith('IdempotentReplays', 'Count', 1);
  });

  it('logs one access line without the body, the path values or borrower ids', async () => {
    const options = testOptions();
    const info = vi.spyOn(options.logger!, 'info');
    await invoke(sampleHandlers(options).command, commandEvent());
    expect(info).toHaveBeenCalledTimes(1);
    const [message, attributes] = info.mock.calls[0] as [string, Record<string, unknown>];
    expect(message).toBe('request completed');
    expect(attributes).toMatchObject({ method: 'POST', resource: commandRoute.path, status: 201, role: 'channel', channel: 'mobile-bank' });
    expect(JSON.stringify(attributes)).not.toMatch(/50000|FAC-1|DD-1/);
  });
});

describe('JSON bodies', () => {
  it.each([
    ['no content type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['form data', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['another charset', { 'content-type': 'application/json; charset=latin1' }],
    ['JSON-ish', { 'content-type': 'application/jsonp' }],
  ])('refuses %s with 415', async (_, headers) => {
    const result = await invoke(sampleHandlers().command, commandEvent({ headers: { ...headers, 'Idempotency-Key': 'k' } }));
    expect(problemOf(result)).toMatchObject({ status: 415, code: 'unsupported-media-type' });
  });

  it.each(['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"'])(
    'accepts %s',
    async (contentType) => {
      const result = await invoke(sampleHandlers().command, commandEvent({ headers: { 'Content-Type': contentType, 'Idempotency-Key': 'k' } }));
      expect(result.statusCode).toBe(201);
    },
  );

  it(`refuses a body over ${MAX_BODY_BYTES} bytes with 413, counting bytes not characters`, async () => {
    const padded = (text: string) => JSON.stringify({ ...amount, pad: text });
    const overhead = Buffer.byteLength(padded(''));
    const atLimit = await invoke(sampleHandlers().command, commandEvent({ body: padded('x'.repeat(MAX_BODY_BYTES - overhead)) }));
    expect(problemOf(atLimit).code).toBe('validation-failed'); // within the limit: parsed, then `pad` is refused
    const over = await invoke(sampleHandlers().command, commandEvent({ body: padded('x'.repeat(MAX_BODY_BYTES - overhead + 1)) }));
    expect(problemOf(over)).toMatchObject({ status: 413, code: 'payload-too-large' });
    const multiByte = await invoke(sampleHandlers().command, commandEvent({ body: padded('元'.repeat(Math.ceil(MAX_BODY_BYTES / 3))) }));
    expect(problemOf(multiByte).status).toBe(413);
  });

  it('decodes a base64 body as API Gateway may send it', async () => {
    const body = Buffer.from(JSON.stringify(amount)).toString('base64');
    expect((await invoke(sampleHandlers().command, commandEvent({ body, isBase64Encoded: true }))).statusCode).toBe(201);
  });

  it.each(['{', '{"amount": }', "{'a':1}", 'undefined', '\u0000'])('refuses malformed JSON %j with 400', async (body) => {
    const problem = problemOf(await invoke(sampleHandlers().command, commandEvent({ body })));
    expect(problem).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ path: '', message: 'the request body is not valid JSON' }] });
  });

  it.each([
    ['at the top', '{"amount":"1000.00","amount":"2000.00"}', ['amount']],
    ['twice over', '{"amount":"1","amount":"2","amount":"3"}', ['amount', 'amount']],
    ['inside an object', '{"amount":"1000.00","pricing":{"spreadBp":45,"spreadBp":60}}', ['pricing.spreadBp']],
    ['inside an array', '{"amount":"1000.00","items":[{"a":1},{"a":1,"a":2}]}', ['items.1.a']],
    ['with escapes naming the same key', '{"amount":"1000.00","am\\u006funt":"2000.00"}', ['amount']],
  ])('refuses a key given twice %s with 400 naming it', async (_, body, paths) => {
    const problem = problemOf(await invoke(sampleHandlers().command, commandEvent({ body })));
    expect(problem).toMatchObject({ status: 400, code: 'validation-failed' });
    expect(problem.errors?.map((e) => e.path)).toEqual(paths);
    expect(problem.errors?.[0]?.message).toContain('more than once');
  });

  it('accepts the same key in different objects', async () => {
    const result = await invoke(sampleHandlers().command, commandEvent({ body: JSON.stringify(amount) }));
    expect(result.statusCode).toBe(201);
    expect(duplicateKeys('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":{"b":{"a":1}}}')).toEqual([]);
  });

  it('names at most a bounded number of duplicates, so a 16 KiB body of repeats yields a small answer', () => {
    const body = `{${Array.from({ length: 1000 }, () => '"k":1').join(',')}}`;
    expect(duplicateKeys(body)).toHaveLength(MAX_DUPLICATE_KEYS_REPORTED);
  });

  it.each([
    ['arrays', '['.repeat(8000) + ']'.repeat(8000)],
    ['objects', '{"a":'.repeat(2000) + '1' + '}'.repeat(2000)],
    ['inside a field', `{"amount":"1000.00","pad":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`],
  ])(`refuses %s nested deeper than ${MAX_JSON_DEPTH} levels with 400, not a 500 from a stack overflow`, async (_, body) => {
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const problem = problemOf(await invoke(sampleHandlers().command, commandEvent({ body })));
    expect(problem).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ path: '', message: `the request body nests deeper than ${MAX_JSON_DEPTH} levels` }] });
  });

  it(`accepts nesting of exactly ${MAX_JSON_DEPTH} levels (the body itself is the first)`, async () => {
    // {"amount":…,"pad":[[…]]}: the object is level 1, so MAX_JSON_DEPTH − 1 arrays inside it reach the limit.
    const body = `{"amount":"1000.00","pad":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    const problem = problemOf(await invoke(sampleHandlers().command, commandEvent({ body })));
    // Parsed and validated like any body: the schema, not the depth, refuses it.
    expect(problem.errors).toContainEqual({ path: '', message: 'Unrecognized key: "pad"' });
    expect(problem.errors?.map((e) => e.message)).not.toContain(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('requires a body', async () => {
    const problem = problemOf(await invoke(sampleHandlers().command, commandEvent({ body: null })));
    expect(problem.errors).toEqual([{ path: '', message: 'a JSON request body is required' }]);
  });
});

describe('validation', () => {
  it('lists every invalid field with a readable message, body fields unprefixed', async () => {
    const problem = problemOf(
      await invoke(
        sampleHandlers().command,
        commandEvent({
          path: '/v1/facilities/FAC%231/drawdowns',
          pathParameters: { facilityId: 'FAC#1' },
          bodyObject: { drawdownId: 'DD-1', amount: 50000, maturityDate: '2026-02-30', extra: true },
        }),
      ),
    );
    expect(problem).toMatchObject({ status: 400, code: 'validation-failed', detail: '4 fields are not valid; see errors.' });
    expect(problem.errors).toEqual([
      { path: 'amount', message: 'must be a string of yuan with at most 2 decimals, e.g. "50000.00"' },
      { path: 'maturityDate', message: 'must be a calendar date YYYY-MM-DD between 1970 and 2199' },
      { path: '', message: 'Unrecognized key: "extra"' },
      { path: 'path.facilityId', message: 'must be 1 to 64 characters of A-Z, a-z, 0-9, ".", "_" or "-"' },
    ]);
  });

  it('says which required fields are missing', async () => {
    const problem = problemOf(await invoke(sampleHandlers().command, commandEvent({ bodyObject: {} })));
    expect(problem.errors).toEqual([
      { path: 'drawdownId', message: 'is required' },
      { path: 'amount', message: 'is required' },
      { path: 'maturityDate', message: 'is required' },
    ]);
  });

  it('refuses a body that is not an object', async () => {
    const problem = problemOf(await invoke(sampleHandlers().command, commandEvent({ bodyObject: [amount] })));
    expect(problem.errors).toEqual([{ path: '', message: 'Invalid input: expected object, received array' }]);
  });

  it('validates and decodes query parameters, prefixed query.', async () => {
    const list = sampleHandlers().list;
    const get = (query: Record<string, string | string[]>) =>
      invoke(list, apiEvent({ path: listRoute.path, query, ...callers.ops }));
    expect(JSON.parse((await get({ limit: '20' })).body)).toEqual({ items: [{ facilityId: 'limit-20' }] });
    expect(problemOf(await get({ limit: '0' })).errors).toEqual([{ path: 'query.limit', message: 'must be a whole number from 1 to 100' }]);
    expect(problemOf(await get({ limit: ['5', '6'] })).errors).toEqual([
      { path: 'query.limit', message: 'Invalid input: expected string, received array' },
    ]);
    expect(problemOf(await get({ asOf: '2026-02-30', sort: 'x' })).errors?.map((issue) => issue.path)).toEqual(['query.asOf', 'query']);
  });
});

describe('Idempotency-Key', () => {
  const withKey = (...keys: string[]) =>
    commandEvent({ headers: { 'content-type': 'application/json', ...(keys.length > 0 ? { 'Idempotency-Key': keys } : {}) } });

  it('is required on commands: 400 idempotency-key-missing', async () => {
    for (const event of [withKey(), withKey('')]) {
      expect(problemOf(await invoke(sampleHandlers().command, event))).toMatchObject({ status: 400, code: 'idempotency-key-missing' });
    }
  });

  it(`is at most ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`, async () => {
    expect((await invoke(sampleHandlers().command, withKey('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH)))).statusCode).toBe(201);
    for (const key of ['k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1), 'has space', 'tab\tkey', 'ключ', 'key\u0000', '键']) {
      const problem = problemOf(await invoke(sampleHandlers().command, withKey(key)));
      expect(problem, key).toMatchObject({ status: 400, code: 'validation-failed' });
      expect(problem.errors?.[0]?.path).toBe('header.idempotency-key');
    }
  });

  it('is found whatever the header name’s case', async () => {
    for (const name of ['idempotency-key', 'IDEMPOTENCY-KEY', 'Idempotency-key']) {
      const event = commandEvent({ headers: { 'content-type': 'application/json', [name]: 'k-1' } });
      expect((await invoke(sampleHandlers().command, event)).statusCode, name).toBe(201);
    }
  });

  it('must not be sent twice with different values', async () => {
    expect((await invoke(sampleHandlers().command, withKey('a', 'a'))).statusCode).toBe(201);
    expect(problemOf(await invoke(sampleHandlers().command, withKey('a', 'b'))).errors).toEqual([
      { path: 'header.idempotency-key', message: 'must be sent once' },
    ]);
  });

  it('is not asked of reads', async () => {
    expect((await invoke(sampleHandlers().list, apiEvent({ path: listRoute.path, ...callers.ops }))).statusCode).toBe(200);
  });
});

describe('roles: every role × the sample routes', () => {
  const events = {
    command: (caller: object) => commandEvent({ userArn: undefined, ...caller }),
    list: (caller: object) => apiEvent({ path: listRoute.path, ...caller }),
    sme: (caller: object) => apiEvent({ path: '/v1/me/facilities/FAC-1', resource: smeRoute.path, pathParameters: { facilityId: 'FAC-1' }, ...caller }),
    public: (caller: object) => apiEvent({ path: publicRoute.path, ...caller }),
  } as const;
  const expected: Record<keyof typeof events, Record<keyof typeof callers, number>> = {
    command: { channel: 201, ops: 403, sme: 401, anonymous: 401 },
    list: { channel: 200, ops: 200, sme: 401, anonymous: 401 },
    sme: { channel: 401, ops: 401, sme: 200, anonymous: 401 },
    public: { channel: 200, ops: 200, sme: 200, anonymous: 200 },
  };
  for (const route of Object.keys(events) as (keyof typeof events)[]) {
    for (const role of Object.keys(callers) as (keyof typeof callers)[]) {
      const status = expected[route][role];
      it(`${route} × ${role} → ${status}`, async () => {
        const result = await invoke(sampleHandlers()[route], events[route](callers[role]));
        expect(result.statusCode).toBe(status);
        if (status === 401) expect(problemOf(result).code).toBe('unauthenticated');
        if (status === 403) expect(problemOf(result).code).toBe('forbidden');
      });
    }
  }

  it('checks roles before reading the body: an anonymous caller learns nothing about validation', async () => {
    const result = await invoke(sampleHandlers().command, commandEvent({ userArn: undefined, body: '{' }));
    expect(problemOf(result).status).toBe(401);
  });

  it('gives an SME its borrower id', async () => {
    const result = await invoke(sampleHandlers().sme, events.sme(callers.sme));
    expect(JSON.parse(result.body)).toEqual({ facilityId: 'FAC-1', borrowerId: 'BOR-1' });
  });
});

describe('dev headers', () => {
  const devCommand = (headers: Record<string, string>) =>
    commandEvent({ userArn: undefined, headers: { 'content-type': 'application/json', 'idempotency-key': 'k', ...headers } });

  it('are ignored by deployed functions', async () => {
    const handlers = sampleHandlers();
    expect((await invoke(handlers.command, devCommand({ 'x-dev-principal': 'channel:me' }))).statusCode).toBe(401);
    expect((await invoke(handlers.command, devCommand({ 'x-dev-principal': 'not valid' }))).statusCode).toBe(401);
    const dated = await invoke(handlers.command, commandEvent({ headers: { 'content-type': 'application/json', 'idempotency-key': 'k', 'x-dev-business-date': '2030-01-01' } }));
    expect(JSON.parse(dated.body).businessDate).toBe(SHANGHAI_DATE);
  });

  it('name the caller and the business date under LOCAL_DEV=1', async () => {
    vi.stubEnv('LOCAL_DEV', '1');
    const handlers = sampleHandlers();
    const result = await invoke(handlers.command, devCommand({ 'X-Dev-Principal': 'channel:counter', 'X-Dev-Business-Date': '2030-01-01' }));
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body).businessDate).toBe('2030-01-01');
    expect((await invoke(handlers.command, devCommand({ 'x-dev-principal': 'ops:alice' }))).statusCode).toBe(403);
  });

  it('are refused with 400 under LOCAL_DEV=1 when malformed', async () => {
    vi.stubEnv('LOCAL_DEV', '1');
    const handlers = sampleHandlers();
    expect(problemOf(await invoke(handlers.command, devCommand({ 'x-dev-principal': 'root' }))).errors?.[0]?.path).toBe('header.x-dev-principal');
    const badDate = await invoke(handlers.command, devCommand({ 'x-dev-principal': 'channel:c', 'x-dev-business-date': '2026-02-30' }));
    expect(problemOf(badDate).errors?.[0]?.path).toBe('header.x-dev-business-date');
  });
});

describe('failures', () => {
  it('answers an unexpected error with a 500 that leaks nothing, and logs the real error', async () => {
    const options = testOptions();
    const logged = vi.spyOn(options.logger!, 'error');
    const secret = new Error('ProvisionedThroughputExceeded on table credit-prod key FAC#FAC-1');
    const handler = httpHandler(publicRoute, async () => {
      throw secret;
    }, options);
    const result = await invoke(handler, apiEvent({ path: publicRoute.path }));
    expect(problemOf(result)).toEqual({
      type: 'https://errors.credit.example/internal-error',
      title: 'Internal error',
      status: 500,
      detail: INTERNAL_ERROR_DETAIL,
      code: 'internal-error',
      instance: '/v1/ping',
    });
    expect(result.body).not.toMatch(/credit-prod|Provisioned|FAC/);
    expect(logged).toHaveBeenCalledWith('request failed', { code: 'internal-error', error: secret });
  });

  it('passes a domain error through with its status, not logged as an error', async () => {
    const options = testOptions();
    const logged = vi.spyOn(options.logger!, 'error');
    const handler = httpHandler(commandRoute, async () => {
      throw new DomainError('insufficient-available-limit', 'The available limit is 100.00 yuan.');
    }, options);
    const problem = problemOf(await invoke(handler, commandEvent()));
    expect(problem).toMatchObject({ status: 422, code: 'insufficient-available-limit', detail: 'The available limit is 100.00 yuan.' });
    expect(logged).not.toHaveBeenCalled();
  });

  it('asks a throttled client to retry after a second', async () => {
    const handler = httpHandler(publicRoute, async () => {
      throw new LedgerError('service-unavailable', 'The store is throttling; retry shortly.');
    }, testOptions());
    const result = await invoke(handler, apiEvent({ path: publicRoute.path }));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
  });

  it('checks responses against the contract when asked (as under LOCAL_DEV=1)', async () => {
    const handler = httpHandler(
      publicRoute,
      // @ts-expect-error: the contract says boolean; this is what the check exists to catch at run time
      async () => ({ status: 200, body: { ok: 'yes' } }),
      testOptions({ checkResponses: true }),
    );
    expect(problemOf(await invoke(handler, apiEvent({ path: publicRoute.path }))).status).toBe(500);
  });

  it('survives an event with nothing in it', async () => {
    const handler = sampleHandlers().command;
    const result = await handler({} as never, {} as never);
    expect(problemOf(result).status).toBe(401);
  });
});

describe('handler typing', () => {
  it('only lets a handler answer a declared status with its schema (checked by tsc)', () => {
    const route = publicRoute;
    // @ts-expect-error: 201 is not a declared response of this route
    httpHandler(route, async () => ({ status: 201, body: { ok: true } }), testOptions());
    // @ts-expect-error: the body must match the 200 schema
    httpHandler(route, async () => ({ status: 200, body: { ok: 1 } }), testOptions());
    expect(z.safeParse(route.responses[200], { ok: true }).success).toBe(true);
  });
});
