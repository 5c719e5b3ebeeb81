/**
 * Bad input to EVERY route over real HTTP (the test strategy in docs/architecture.md): arbitrary and mutated bodies, headers,
 * path and query parameters, wrong methods and oversized bodies. The answer is always a 4xx
 * RFC 9457 problem document (code, title, status, detail), never a 5xx, and nothing is written:
 * the journal of the facility under test keeps its length after every request, and the whole
 * table (journal, LPR fixings, profiles, review queue) is unchanged after every property.
 *
 * Every generated request is invalid in exactly the part under test, while everything else is
 * a valid request that WOULD write (a drawdown, a profile, an LPR fixing, a freeze, an end of
 * day that settles): a check that let the bad part through would show up as a write.
 *
 * Runs are bounded (NUM_RUNS per route and property) so the file stays within a few seconds.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRoute } from '#http/route.ts';
import { routes, type Operation, type RegisteredRoute } from '../../functions/routes.ts';
import { BASE_PROFILE, CHANNEL, OPS, startE2e, uniqueId, type ApiResponse, type E2e } from './support.ts';
import { assertInContract } from './contract.ts';

/** E2E_FUZZ_SCALE=10 multiplies every run count (a longer, deeper search than the default few seconds). */
const SCALE = Math.max(1, Number(process.env['E2E_FUZZ_SCALE'] ?? '1') || 1);
const NUM_RUNS = { body: 40 * SCALE, header: 10 * SCALE, path: 10 * SCALE, query: 20 * SCALE } as const;
const MAX_BODY_BYTES = 16 * 1024;

let e2e: E2e;
let initial: string;
/** The facility under test: opened, 100 000.00 drawn; every facility route targets it. */
const facility = uniqueId('F');
const borrower = uniqueId('B');
/** Never opened: bad requests to open it must leave it unopened. */
const unopened = uniqueId('NEW');
/** Setup wrote this many events to it; no bad request may add one. */
let facilitySeq = 0;

beforeAll(async () => {
  e2e = await startE2e('bad');
  await e2e.publishLpr('2025-05-20', '3.00', '3.50');
  await e2e.putProfile(borrower);
  await e2e.openFacility(facility, OPEN_BODY, '2026-01-05');
  expect((await e2e.asChannel('2026-01-05').post(`/v1/facilities/${facility}/drawdowns`, { amount: '100000.00' })).status).toBe(201);
  facilitySeq = await e2e.lastSeq(facility);
  // The report the portfolio route reads: end of day for the day before the line opened changes no line.
  expect((await e2e.asOps().post('/v1/ops/eod/2026-01-04')).status).toBe(200);
  initial = await e2e.snapshot();
});

afterAll(async () => {
  await e2e?.close();
});

const OPEN_BODY = { borrowerId: borrower, limit: '1000000.00', effectiveDate: '2026-01-05', maturityDate: '2027-01-05', pricing: { spreadBp: 45 } };
const DAY = '2026-03-20';

// ---------------------------------------------------------------------------------------
// Oracles: what the contract accepts, written independently of the service's parsers.

const ID = /^(?!\.+$)[A-Za-z0-9._-]{1,64}$/;
const APPLICATION_ID = /^[A-Za-z0-9._-]{1,80}$/;
const YUAN = /^(0|[1-9][0-9]{0,10})(\.[0-9]{1,2})?$/;
const PERCENT = /^(0|[1-9][0-9]{0,2})(\.[0-9]{1,4})?$/;
const MAX_FEN = 1_000_000_000_000; // 10 000 000 000.00 yuan

function fenOf(text: string): number {
  const [whole = '0', fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
const isMoney = (minFen: number) => (value: unknown) => typeof value === 'string' && YUAN.test(value) && fenOf(value) >= minFen && fenOf(value) <= MAX_FEN;
/** LPR fixings: a percent string, positive, at most 100%, in steps of 5 bp (500 ppm). */
function isLpr(value: unknown): boolean {
  if (typeof value !== 'string' || !PERCENT.test(value)) return false;
  const [whole = '0', fraction = ''] = value.split('.');
  const ppm = Number(whole) * 10_000 + Number(fraction.padEnd(4, '0'));
  return ppm > 0 && ppm <= 1_000_000 && ppm % 500 === 0;
}
function isDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const time = Date.UTC(year, Number(value.slice(5, 7)) - 1, Number(value.slice(8, 10)));
  return year >= 1970 && year <= 2199 && new Date(time).toISOString().slice(0, 10) === value;
}
const isId = (value: unknown) => typeof value === 'string' && ID.test(value);

// ---------------------------------------------------------------------------------------
// Invalid values by kind.

type Kind =
  | { readonly kind: 'money'; readonly minFen: number }
  | { readonly kind: 'lpr' }
  | { readonly kind: 'date' }
  | { readonly kind: 'id' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'text'; readonly min: number; readonly max: number }
  | { readonly kind: 'object' };

const money = (minFen: number): Kind => ({ kind: 'money', minFen });
const date: Kind = { kind: 'date' };
const id: Kind = { kind: 'id' };
const enumOf = (...values: string[]): Kind => ({ kind: 'enum', values });
const int = (min: number, max: number): Kind => ({ kind: 'int', min, max });
const text = (min: number, max: number): Kind => ({ kind: 'text', min, max });
const object: Kind = { kind: 'object' };

/** Strings of every alphabet: ASCII, any code point (half surrogates included), graphemes, digits of other scripts. */
const anyString = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.stringMatching(/^[-+]?[0-9０-９٠-٩.,eE_ ]{0,16}$/),
);
/** Values that are not strings: numbers (money as a number, floats, huge, negative), booleans, null, nested junk. */
const notAString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(50000, 50000.5, -1, 0, 1e21, 2 ** 53 + 1, 1e308, -1e308, 0.1 + 0.2),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
);
const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), anyString, fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }));

const BAD_MONEY = ['-1.00', '1e5', '1E2', '1.005', '1.000', '100000000000.00', '10000000000.01', '99999999999.99', '01.00', '+1.00', ' 1.00', '1.00 ', '1,000.00', '１００.００', '١٠٠', '', '.5', '5.', '0x10', 'NaN', 'Infinity', '1_000', '¥100', '100元', '1.5e-3', '0.001'];
const BAD_LPR = ['3.45001', '-3.45', '3,45', '3.41', '3.4501', '0', '0.00', '100.0001', '1000', '3.45 ', '', '三', '3.45%', '1e1', '0.0499'];
const BAD_DATES = ['2026-02-30', '2026-02-29', '2026-13-01', '2026-00-10', '2026-01-32', '26-01-01', '2026/01/01', '2026-1-1', '1969-12-31', '2200-01-01', '', '2026-01-01T00:00:00Z', '２０２６-01-01', ' 2026-01-01', '20260101', 'today'];
const BAD_IDS = ['', 'a b', 'é', 'x'.repeat(65), '...', 'a/b', 'a#b', 'a?b', '<script>', '👍', 'a\u0000b', 'a%2Fb', '名字'];

function badString(kind: Kind): fc.Arbitrary<string> {
  switch (kind.kind) {
    case 'money':
      return fc.oneof(fc.constantFrom(...BAD_MONEY, ...(kind.minFen > 0 ? ['0', '0.00', '0.0'] : [])), anyString).filter((s) => !isMoney(kind.minFen)(s));
    case 'lpr':
      return fc.oneof(fc.constantFrom(...BAD_LPR), anyString).filter((s) => !isLpr(s));
    case 'date':
      return fc.oneof(fc.constantFrom(...BAD_DATES), fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/), anyString).filter((s) => !isDate(s));
    case 'id':
      return fc.oneof(fc.constantFrom(...BAD_IDS), fc.stringMatching(/^[A-Za-z0-9._-]{65,80}$/), anyString).filter((s) => !isId(s));
    case 'enum':
      return fc.oneof(fc.constantFrom(...kind.values.map((v) => v.toLowerCase()), ...kind.values.map((v) => ` ${v}`), ''), anyString).filter((s) => !kind.values.includes(s));
    case 'text':
      return fc.constantFrom(...(kind.min > 0 ? [''] : []), 'x'.repeat(kind.max + 1), '中'.repeat(kind.max + 1));
    case 'int':
    case 'object':
      return anyString;
  }
}

function invalidValue(kind: Kind): fc.Arbitrary<unknown> {
  switch (kind.kind) {
    case 'int':
      return fc.oneof(
        fc.constantFrom(kind.min - 1, kind.max + 1, 1.5, kind.min + 0.5, 1e21, -1e21, 2 ** 53),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
        fc.integer().filter((n) => n < kind.min || n > kind.max),
        fc.constantFrom(String(kind.min), 'one'),
        fc.boolean(),
        fc.constant(null),
        notAnObject.filter((v) => typeof v !== 'number'),
      );
    case 'object':
      return notAnObject;
    default:
      return fc.oneof({ arbitrary: badString(kind), weight: 3 }, { arbitrary: notAString, weight: 1 });
  }
}

// ---------------------------------------------------------------------------------------
// A valid request for each route (from an allowed caller), and the kinds of its inputs.

interface Field {
  readonly path: readonly string[];
  readonly kind: Kind;
  readonly required: boolean;
}
type QueryKind = 'date' | 'limit' | 'cursor' | 'queue-status' | 'month' | 'year';

interface Base {
  readonly caller: string;
  readonly params: Readonly<Record<string, string>>;
  readonly paramKinds: Readonly<Record<string, 'id' | 'date' | 'application'>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly queryKinds?: Readonly<Record<string, { readonly kind: QueryKind; readonly required: boolean }>>;
  readonly body?: Readonly<Record<string, unknown>>;
  readonly fields?: readonly Field[];
}

const field = (path: string, kind: Kind, required = true): Field => ({ path: path.split('.'), kind, required });
const onFacility = { params: { facilityId: facility }, paramKinds: { facilityId: 'id' } } as const;
const sme = `sme:${borrower}`;
const asOfQuery = { query: { asOf: DAY }, queryKinds: { asOf: { kind: 'date', required: false } } } as const;
const statementQuery = {
  query: { from: '2026-01-05', to: DAY },
  queryKinds: { from: { kind: 'date', required: true }, to: { kind: 'date', required: true } },
} as const;

const bases: Record<Operation, Base> = {
  // A new id: a body (or header) that slipped through would open a line, which the checks see.
  'open-facility': {
    caller: CHANNEL,
    params: { facilityId: unopened },
    paramKinds: { facilityId: 'id' },
    body: OPEN_BODY,
    fields: [
      field('borrowerId', id),
      field('limit', money(1)),
      field('effectiveDate', date),
      field('maturityDate', date),
      field('pricing', object, false),
      field('pricing.spreadBp', int(-5000, 5000), false),
      field('pricing.rateType', enumOf('FIXED', 'FLOATING'), false),
      field('pricing.repricing', enumOf('JANUARY_FIRST', 'ANNIVERSARY'), false),
    ],
  },
  'get-facility': { caller: CHANNEL, ...onFacility, ...asOfQuery },
  drawdown: { caller: CHANNEL, ...onFacility, body: { amount: '100.00', termDays: 30 }, fields: [field('amount', money(1)), field('termDays', int(1, 1096), false)] },
  repayment: { caller: CHANNEL, ...onFacility, body: { amount: '100.00' }, fields: [field('amount', money(1))] },
  'facility-events': {
    caller: OPS,
    ...onFacility,
    query: { limit: '10' },
    queryKinds: { limit: { kind: 'limit', required: false }, cursor: { kind: 'cursor', required: false } },
  },
  'facility-statement': { caller: CHANNEL, ...onFacility, ...statementQuery },
  'renewal-check': { caller: CHANNEL, ...onFacility },
  'pricing-quote': { caller: CHANNEL, params: {}, paramKinds: {}, body: { borrowerId: borrower, asOf: DAY }, fields: [field('borrowerId', id), field('asOf', date, false)] },
  'my-facilities': { caller: sme, params: {}, paramKinds: {}, ...asOfQuery },
  'my-facility': { caller: sme, ...onFacility, ...asOfQuery },
  'my-statement': { caller: sme, ...onFacility, ...statementQuery },
  'my-events': {
    caller: sme,
    ...onFacility,
    query: { limit: '10' },
    queryKinds: { limit: { kind: 'limit', required: false }, cursor: { kind: 'cursor', required: false } },
  },
  'my-renewal-check': { caller: sme, ...onFacility },
  'my-renewal': { caller: sme, ...onFacility },
  'ops-list-lpr': { caller: OPS, params: {}, paramKinds: {}, query: { limit: '10' }, queryKinds: { limit: { kind: 'limit', required: false } } },
  'ops-put-lpr': {
    caller: OPS,
    params: { date: '2025-06-20' },
    paramKinds: { date: 'date' },
    body: { oneYear: '3.00', fiveYear: '3.50' },
    fields: [field('oneYear', { kind: 'lpr' }), field('fiveYear', { kind: 'lpr' })],
  },
  'ops-put-profile': {
    caller: OPS,
    params: { borrowerId: borrower },
    paramKinds: { borrowerId: 'id' },
    body: { ...BASE_PROFILE, borrowerType: 'OWNER', profileDate: DAY },
    fields: [
      field('borrowerType', enumOf('ENTERPRISE', 'INDIVIDUAL_BUSINESS', 'OWNER', 'FARMER'), false),
      // Optional for an OWNER (the base body); required for an ENTERPRISE (test/e2e/renewal-scenarios.test.ts).
      field('enterpriseSize', enumOf('MICRO', 'SMALL', 'MEDIUM', 'LARGE'), false),
      field('registrationStatus', enumOf('ACTIVE', 'SUSPENDED', 'REVOKED')),
      field('taxRating', enumOf('A', 'B', 'M', 'C', 'D')),
      field('riskGrade', int(1, 10)),
      field('collateral', enumOf('NONE', 'GUARANTEE', 'PROPERTY')),
      field('relationship', object),
      field('relationship.depositBalance', money(0)),
      field('relationship.settlementVolume', money(0)),
      field('profileDate', date),
    ],
  },
  'ops-get-profile': { caller: OPS, params: { borrowerId: borrower }, paramKinds: { borrowerId: 'id' } },
  'ops-freeze': { caller: OPS, ...onFacility, body: { reason: 'fuzz' }, fields: [field('reason', text(1, 200), false)] },
  'ops-unfreeze': { caller: OPS, ...onFacility, body: { reason: 'fuzz' }, fields: [field('reason', text(1, 200), false)] },
  'ops-limit': { caller: OPS, ...onFacility, body: { limit: '2000000.00' }, fields: [field('limit', money(1))] },
  'ops-close': { caller: OPS, ...onFacility },
  'ops-renewals': {
    caller: OPS,
    params: {},
    paramKinds: {},
    query: { status: 'REFERRED', limit: '10' },
    queryKinds: { status: { kind: 'queue-status', required: true }, limit: { kind: 'limit', required: false }, cursor: { kind: 'cursor', required: false } },
  },
  'ops-renewal-decision': {
    caller: OPS,
    params: { facilityId: facility, applicationId: `${facility}-A3` },
    paramKinds: { facilityId: 'id', applicationId: 'application' },
    body: { decision: 'APPROVE', note: 'fuzz' },
    fields: [field('decision', enumOf('APPROVE', 'DECLINE')), field('note', text(1, 500))],
  },
  // 2026-03-20 is a settlement day after the drawdown: a run that slipped through would write.
  'ops-eod': { caller: OPS, params: { date: DAY }, paramKinds: { date: 'date' } },
  'ops-portfolio': { caller: OPS, params: {}, paramKinds: {}, query: { date: '2026-01-04' }, queryKinds: { date: { kind: 'date', required: true } } },
  'ops-policy-report': { caller: OPS, params: {}, paramKinds: {}, query: { month: '2026-01' }, queryKinds: { month: { kind: 'month', required: false }, year: { kind: 'year', required: false } } },
  'ops-trial-balance': { caller: OPS, params: {}, paramKinds: {}, query: { date: '2026-01-04' }, queryKinds: { date: { kind: 'date', required: true } } },
  'ops-postings': {
    caller: OPS,
    params: {},
    paramKinds: {},
    query: { date: '2026-01-04', limit: '10' },
    queryKinds: { date: { kind: 'date', required: true }, limit: { kind: 'limit', required: false }, cursor: { kind: 'cursor', required: false } },
  },
  openapi: { caller: CHANNEL, params: {}, paramKinds: {} },
};

// ---------------------------------------------------------------------------------------
// Sending and checking.

interface Attempt {
  readonly route: RegisteredRoute;
  readonly params?: Readonly<Record<string, string>>;
  /** Already encoded path segments, for malformed escapes. */
  readonly rawParams?: Readonly<Record<string, string>>;
  readonly query?: readonly (readonly [string, string])[];
  /** The body as sent; `undefined` sends the base body (when the route has one). */
  readonly body?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly omitHeaders?: readonly string[];
}

function pathOf(route: RegisteredRoute, params: Readonly<Record<string, string>>, raw: Readonly<Record<string, string>> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_match, name: string) => raw[name] ?? encodeURIComponent(params[name] ?? ''));
}

async function send(attempt: Attempt): Promise<ApiResponse> {
  const { route } = attempt;
  const base = bases[route.operation];
  const headers: Record<string, string> = {
    'x-dev-principal': base.caller,
    'x-dev-business-date': DAY,
    ...(route.requiresIdempotencyKey ? { 'idempotency-key': uniqueId('fuzz') } : {}),
    ...(base.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...attempt.headers,
  };
  for (const name of attempt.omitHeaders ?? []) delete headers[name];
  const query = attempt.query ?? Object.entries(base.query ?? {});
  const url = new URL(pathOf(route, attempt.params ?? base.params, attempt.rawParams), e2e.url);
  for (const [name, value] of query) url.searchParams.append(name, value);
  const body = attempt.body ?? (base.body === undefined ? undefined : JSON.stringify(base.body));
  const response = await fetch(url, { method: route.method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  // Bad input too gets only what the document says (test/e2e/contract.ts).
  assertInContract({ method: route.method, path: url.pathname, status: response.status, contentType: response.headers.get('content-type'), text });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, contentType: response.headers.get('content-type'), text, body: parsed };
}

/** A 4xx problem document (of `status`/`code` when given), and the facility's journal unchanged. */
async function expectRefused(response: ApiResponse, expected?: { status: number; code?: string }): Promise<void> {
  expect(response.status, response.text).toBeGreaterThanOrEqual(400);
  expect(response.status, response.text).toBeLessThan(500);
  if (expected !== undefined) expect(response.status, response.text).toBe(expected.status);
  expect(response.contentType).toBe('application/problem+json');
  const problem = response.body as Record<string, unknown>;
  expect(problem).toMatchObject({ code: expect.any(String), title: expect.any(String), detail: expect.any(String), status: response.status });
  if (expected?.code !== undefined) expect(problem['code'], response.text).toBe(expected.code);
  expect(await e2e.lastSeq(facility)).toBe(facilitySeq);
}

async function expectTableUnchanged(): Promise<void> {
  expect(await e2e.snapshot(), 'the table changed').toBe(initial);
}

// ---------------------------------------------------------------------------------------
// Generators of bad requests.

function withField(body: Readonly<Record<string, unknown>>, path: readonly string[], value: unknown | typeof REMOVE): Record<string, unknown> {
  const copy = structuredClone(body) as Record<string, unknown>;
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null) return copy;
    target = next as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === REMOVE) delete target[last];
  else target[last] = value;
  return copy;
}
const REMOVE = Symbol('remove');

/** Object containers of the body (top level and nested objects), for extra-field mutations. */
function containers(base: Base): (readonly string[])[] {
  return [[], ...(base.fields ?? []).filter((f) => f.kind.kind === 'object').map((f) => f.path)];
}

function badBodies(base: Base): fc.Arbitrary<{ label: string; body: string | Uint8Array }> {
  const body = base.body!;
  const fields = base.fields!;
  const known = new Set(fields.map((f) => f.path.join('.')));
  const json = (label: string) => (value: unknown) => ({ label, body: JSON.stringify(value) });
  const wrongField = fc
    .constantFrom(...fields)
    .chain((f) => invalidValue(f.kind).map((value) => ({ f, value })))
    .map(({ f, value }) => ({ label: `${f.path.join('.')} = ${JSON.stringify(value)}`, body: JSON.stringify(withField(body, f.path, value)) }));
  const required = fields.filter((f) => f.required);
  const missingField = () => fc.constantFrom(...required).map((f) => ({ label: `without ${f.path.join('.')}`, body: JSON.stringify(withField(body, f.path, REMOVE)) }));
  const extraField = fc
    .record({ where: fc.constantFrom(...containers(base)), name: fc.string({ maxLength: 12 }), value: fc.jsonValue({ maxDepth: 3 }) })
    // '__proto__' would set the prototype instead of adding a field.
    .filter(({ where, name }) => !known.has([...where, name].join('.')) && name !== '__proto__')
    .map(({ where, name, value }) => ({ label: `extra ${[...where, name].join('.')}`, body: JSON.stringify(withField(body, [...where, name], value)) }));
  // Not an object at all, or an object of nothing but unknown keys (and never a body that is all-optional and empty).
  const notAnObjectBody = fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map(json('not an object'));
  const junkObject = fc
    .dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 4 })
    .filter((o) => Object.keys(o).some((k) => !known.has(k)))
    .map(json('junk object'));
  const notJson = fc
    .oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{', '{"amount":', "{'amount':'1.00'}", 'amount=1.00', '{"amount":"1.00",}', 'NaN', '\u0000', '\ufeff{}'))
    .filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    })
    .map((s) => ({ label: `not JSON ${JSON.stringify(s)}`, body: s }));
  return fc.oneof(
    { arbitrary: wrongField, weight: 6 },
    ...(required.length > 0 ? [{ arbitrary: missingField(), weight: 2 }] : []),
    { arbitrary: extraField, weight: 2 },
    { arbitrary: notAnObjectBody, weight: 1 },
    { arbitrary: junkObject, weight: 1 },
    { arbitrary: notJson, weight: 1 },
  );
}

const printable = fc.stringMatching(/^[\x21-\x7e]{1,20}$/);
/** Header values fetch can send (Latin-1, no CR/LF/NUL), trimmed as fetch trims them. */
const headerText = fc.string({ maxLength: 30 }).filter((s) => !/[\r\n\0]/.test(s)).map((s) => s.trim());

interface HeaderCase {
  readonly label: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly omit?: readonly string[];
  readonly expected: { readonly status: number; readonly code: string };
}

function badHeaders(route: RegisteredRoute): fc.Arbitrary<HeaderCase> {
  const invalid = { status: 400, code: 'validation-failed' };
  const principal = fc
    .oneof(
      fc.constantFrom('root:x', 'channel:', 'channel:a b', 'sme', ':x', 'ops:' + 'x'.repeat(65), 'SME:B', 'channel:é', 'anonymous:x'),
      headerText.filter((s) => s !== '' && !/^(channel|ops|sme):[A-Za-z0-9._-]{1,64}$/.test(s)),
    )
    .map((value) => ({ label: `x-dev-principal ${JSON.stringify(value)}`, headers: { 'x-dev-principal': value }, expected: invalid }));
  const businessDate = fc
    .oneof(fc.constantFrom(...BAD_DATES.filter((d) => d.trim() === d && d !== '' && /^[\x20-\xff]+$/.test(d))), headerText.filter((s) => s !== '' && !isDate(s)))
    .map((value) => ({ label: `x-dev-business-date ${JSON.stringify(value)}`, headers: { 'x-dev-business-date': value }, expected: invalid }));
  const options: fc.Arbitrary<HeaderCase>[] = [principal, businessDate];
  if (route.requiresIdempotencyKey) {
    options.push(
      fc.constant({ label: 'no Idempotency-Key', omit: ['idempotency-key'], expected: { status: 400, code: 'idempotency-key-missing' } }),
      fc.constant({ label: 'empty Idempotency-Key', headers: { 'idempotency-key': '' }, expected: { status: 400, code: 'idempotency-key-missing' } }),
      fc
        .oneof(
          fc.stringMatching(/^[\x21-\x7e]{129,200}$/),
          fc.tuple(printable, printable).map(([a, b]) => `${a} ${b}`),
          fc.tuple(printable, fc.constantFrom('é', 'ÿ', '\t', '\u00a0')).map(([a, b]) => `${a}${b}${a}`),
        )
        .map((value) => ({ label: `Idempotency-Key ${JSON.stringify(value)}`, headers: { 'idempotency-key': value }, expected: invalid })),
    );
  }
  if (bases[route.operation].body !== undefined) {
    options.push(
      fc
        .constantFrom('text/plain', 'application/xml', 'application/json; charset=latin1', 'application/jsonp', 'multipart/form-data', 'application/x-www-form-urlencoded', 'json', 'application/problem+json')
        .map((value) => ({ label: `content-type ${value}`, headers: { 'content-type': value }, expected: { status: 415, code: 'unsupported-media-type' } })),
      fc.constant({ label: 'no content-type', omit: ['content-type'], expected: { status: 415, code: 'unsupported-media-type' } }),
    );
  }
  return fc.oneof(...options);
}

function badParam(kind: 'id' | 'date' | 'application'): fc.Arbitrary<string> {
  const valid = kind === 'id' ? isId : kind === 'date' ? isDate : (s: string) => APPLICATION_ID.test(s);
  const candidates =
    kind === 'date'
      ? fc.oneof(fc.constantFrom(...BAD_DATES), fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/), fc.string({ unit: 'grapheme', maxLength: 12 }))
      : fc.oneof(fc.constantFrom(...BAD_IDS, 'x'.repeat(81)), fc.stringMatching(/^[A-Za-z0-9._-]{81,90}$/), fc.stringMatching(/^[A-Za-z0-9._-]{65,70}$/), fc.string({ unit: 'grapheme', maxLength: 12 }));
  // '' is no segment at all and '.'/'..' are dot segments the URL resolves away: other routes, tested apart.
  return candidates.filter((s) => s !== '' && s !== '.' && s !== '..' && !valid(s));
}

function badQueryValue(kind: QueryKind): fc.Arbitrary<string> {
  switch (kind) {
    case 'date':
      return badString(date);
    case 'limit':
      return fc.oneof(fc.constantFrom('0', '101', '999', '1000', 'abc', '1.5', '-1', '01', '', '1e2', ' 5', '5 ', '１０'), fc.string({ maxLength: 6 })).filter((s) => !/^[1-9][0-9]{0,2}$/.test(s) || Number(s) > 100);
    case 'cursor':
      return fc
        .oneof(
          fc.constantFrom('', '!!', 'AAAA', 'x'.repeat(513), Buffer.from('ev:0').toString('base64url'), Buffer.from('ev:abc').toString('base64url'), Buffer.from('ref:x').toString('base64url'), Buffer.from('ev:1').toString('base64'), 'ZXY6Mg=='),
          fc.string({ maxLength: 20 }),
        )
        .filter((s) => !/^(ev|ref):/.test(Buffer.from(s, 'base64url').toString('utf8')) || !/^[A-Za-z0-9_-]+$/.test(s));
    case 'queue-status': {
      // The queue lists REFERRED, APPROVED, DECLINED and EXPIRED; an application's REJECTED is not a queue.
      const allowed = ['REFERRED', 'APPROVED', 'DECLINED', 'EXPIRED'];
      return fc.oneof(fc.constantFrom('referred', 'REJECTED', 'PENDING', '', ' REFERRED', 'APPROVED '), fc.string({ maxLength: 10 })).filter((s) => !allowed.includes(s));
    }
    case 'month':
      // Always beside the base's month=: a second period, or a malformed one, is a 400 either way.
      return fc.oneof(fc.constantFrom('2026-13', '2026-00', '2026-1', '26-01', '2026-01-01', '', '1969-12', '２０２６-01'), fc.string({ maxLength: 8 }));
    case 'year':
      return fc.oneof(fc.constantFrom('26', '20261', '', 'abcd', '1969', ' 2026', '2026'), fc.string({ maxLength: 5 }));
  }
}

function badQueries(base: Base): fc.Arbitrary<{ label: string; query: [string, string][] }> {
  const kinds = base.queryKinds!;
  const names = Object.keys(kinds);
  const valid = Object.entries(base.query ?? {}) as [string, string][];
  const without = (name: string) => valid.filter(([n]) => n !== name);
  const invalidValue = fc
    .constantFrom(...names)
    .chain((name) => badQueryValue(kinds[name]!.kind).map((value) => ({ label: `${name}=${JSON.stringify(value)}`, query: [...without(name), [name, value]] as [string, string][] })));
  const repeated = fc.constantFrom(...valid).map(([name, value]) => ({ label: `${name} twice`, query: [...valid, [name, value]] as [string, string][] }));
  const unknown = fc
    .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
    // Object.prototype's names (constructor, valueOf, …) are a known local-server bug, tested apart below.
    .filter(([name]) => !names.includes(name) && !(name in Object.prototype))
    .map(([name, value]) => ({ label: `unknown ${JSON.stringify(name)}`, query: [...valid, [name, value]] as [string, string][] }));
  const required = names.filter((name) => kinds[name]!.required);
  const options = [invalidValue, repeated, unknown];
  if (required.length > 0) options.push(fc.constantFrom(...required).map((name) => ({ label: `without ${name}`, query: without(name) })));
  if (kinds['from'] !== undefined) {
    // Valid dates in a range the statement refuses: backwards, or longer than 366 days.
    const day = fc.integer({ min: 20_000, max: 80_000 }).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
    const plus = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);
    options.push(
      fc.tuple(day, fc.integer({ min: 1, max: 400 })).map(([from, back]) => ({ label: `to ${back} days before from`, query: [['from', from], ['to', plus(from, -back)]] as [string, string][] })),
      fc.tuple(day, fc.integer({ min: 366, max: 5000 })).map(([from, span]) => ({ label: `${span + 1}-day statement`, query: [['from', from], ['to', plus(from, span)]] as [string, string][] })),
    );
  }
  return fc.oneof(...options);
}

// ---------------------------------------------------------------------------------------

const bodyRoutes = routes.filter((route) => bases[route.operation].body !== undefined);
const pathRoutes = routes.filter((route) => route.pathParameters.length > 0);
const queryRoutes = routes.filter((route) => bases[route.operation].queryKinds !== undefined);

describe('bad input to every route', () => {
  it('knows every route, and every route gets at least one kind of bad input', () => {
    expect(Object.keys(bases).sort()).toEqual(routes.map((route) => route.operation).sort());
    for (const route of routes) {
      const base = bases[route.operation];
      const request = (route as AnyRoute).request;
      // Schemas and fixtures agree: a route with a body schema has a body to mutate, one with a query schema has query kinds.
      expect(base.body !== undefined, `${route.operation} body`).toBe(request?.body !== undefined);
      expect(base.queryKinds !== undefined, `${route.operation} query`).toBe(request?.query !== undefined);
      expect(Object.keys(base.paramKinds).sort(), route.operation).toEqual([...route.pathParameters].sort());
    }
    // Besides these, the header property reaches every route (x-dev-principal and x-dev-business-date apply to all).
    expect([bodyRoutes.length, pathRoutes.length, queryRoutes.length].every((n) => n > 0)).toBe(true);
  });

  it('the valid base requests are valid (a 2xx, or a business 4xx that writes nothing), so each property varies only its own part', async () => {
    // Only reads and no-side-effect routes are sent as they are; commands would write.
    for (const route of routes.filter((r) => r.method === 'GET' || r.operation === 'renewal-check' || r.operation === 'my-renewal-check' || r.operation === 'pricing-quote')) {
      const response = await send({ route });
      expect(response.status, `${route.operation}: ${response.text}`).toBeLessThan(300);
    }
    await expectTableUnchanged();
  });

  describe.each(bodyRoutes.map((route) => [route.operation, route] as const))('%s: arbitrary and mutated bodies', (_op, route) => {
    it('→ 400 validation-failed, nothing written', async () => {
      await fc.assert(
        fc.asyncProperty(badBodies(bases[route.operation]), async ({ body }) => {
          await expectRefused(await send({ route, body }), { status: 400, code: 'validation-failed' });
        }),
        { numRuns: NUM_RUNS.body },
      );
      await expectRefused(await send({ route, body: '' }), { status: 400, code: 'validation-failed' });
      await expectTableUnchanged();
    });

    it(`→ 413 payload-too-large over ${MAX_BODY_BYTES} bytes`, async () => {
      const padded = (bytes: number, unit = 'x') => {
        const skeleton = JSON.stringify({ ...bases[route.operation].body, pad: '' });
        const room = bytes - Buffer.byteLength(skeleton);
        return JSON.stringify({ ...bases[route.operation].body, pad: unit.repeat(Math.floor(room / Buffer.byteLength(unit))) });
      };
      const atLimit = padded(MAX_BODY_BYTES);
      expect(Buffer.byteLength(atLimit)).toBe(MAX_BODY_BYTES);
      // At the limit the size is fine and the unknown `pad` field is what is wrong.
      await expectRefused(await send({ route, body: atLimit }), { status: 400, code: 'validation-failed' });
      await expectRefused(await send({ route, body: `${atLimit} ` }), { status: 413, code: 'payload-too-large' });
      // 6 000 characters, 18 000 bytes: the limit is in bytes.
      const wide = padded(18_000, '中');
      expect(wide.length).toBeLessThan(MAX_BODY_BYTES);
      await expectRefused(await send({ route, body: wide }), { status: 413, code: 'payload-too-large' });
      await expectRefused(await send({ route, body: JSON.stringify({ pad: 'x'.repeat(1_000_000) }) }), { status: 413, code: 'payload-too-large' });
      await expectTableUnchanged();
    });
  });

  describe.each(routes.map((route) => [route.operation, route] as const))('%s: bad headers', (_op, route) => {
    it('→ 400 (principal, business date, Idempotency-Key) or 415 (content type), nothing written', async () => {
      await fc.assert(
        fc.asyncProperty(badHeaders(route), async ({ headers, omit, expected }) => {
          await expectRefused(await send({ route, ...(headers === undefined ? {} : { headers }), ...(omit === undefined ? {} : { omitHeaders: omit }) }), expected);
        }),
        { numRuns: NUM_RUNS.header },
      );
      await expectTableUnchanged();
    });
  });

  describe.each(pathRoutes.map((route) => [route.operation, route] as const))('%s: bad path parameters', (_op, route) => {
    it('→ 400 validation-failed, nothing written', async () => {
      const base = bases[route.operation];
      const bad = fc.constantFrom(...route.pathParameters).chain((name) => badParam(base.paramKinds[name]!).map((value) => ({ name, value })));
      await fc.assert(
        fc.asyncProperty(bad, async ({ name, value }) => {
          await expectRefused(await send({ route, params: { ...base.params, [name]: value } }), { status: 400, code: 'validation-failed' });
        }),
        { numRuns: NUM_RUNS.path },
      );
      // Malformed escapes reach the handler undecoded, and are not ids or dates either.
      for (const raw of ['%ZZ', '%E0%A4%A', '%', '%C0%AF']) {
        await expectRefused(await send({ route, rawParams: { [route.pathParameters[0]!]: raw } }), { status: 400, code: 'validation-failed' });
      }
      await expectTableUnchanged();
    });
  });

  describe.each(queryRoutes.map((route) => [route.operation, route] as const))('%s: bad query parameters', (_op, route) => {
    it('→ 400 validation-failed, nothing written', async () => {
      await fc.assert(
        fc.asyncProperty(badQueries(bases[route.operation]), async ({ query }) => {
          await expectRefused(await send({ route, query }), { status: 400, code: 'validation-failed' });
        }),
        { numRuns: NUM_RUNS.query },
      );
      await expectTableUnchanged();
    });
  });

  it('every route answers other methods with 405 method-not-allowed and an Allow header, writing nothing', async () => {
    for (const route of routes) {
      const allowed = routes.filter((other) => other.path === route.path).map((other) => other.method);
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !allowed.includes(m as never))) {
        const base = bases[route.operation];
        const response = await fetch(new URL(pathOf(route, base.params), e2e.url), {
          method,
          headers: { 'x-dev-principal': base.caller, 'content-type': 'application/json', 'idempotency-key': uniqueId('m') },
          ...(method === 'GET' ? {} : { body: JSON.stringify(base.body ?? {}) }),
        });
        const text = await response.text();
        assertInContract({ method, path: new URL(pathOf(route, base.params), e2e.url).pathname, status: response.status, contentType: response.headers.get('content-type'), text });
        const problem = JSON.parse(text) as Record<string, unknown>;
        expect(response.status, `${method} ${route.path}`).toBe(405);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(problem).toMatchObject({ code: 'method-not-allowed', status: 405, title: expect.any(String), detail: expect.any(String) });
        expect(response.headers.get('allow')?.split(', ').sort()).toEqual([...allowed].sort());
      }
    }
    await expectTableUnchanged();
  });

  it('an empty path segment or an unknown path is a 404 problem, writing nothing', async () => {
    for (const path of [`/v1/facilities//drawdowns`, '/v1/ops/lpr/', `/v1/facilities/${facility}/nothing`, '/v2/facilities', '/']) {
      const response = await e2e.asChannel(DAY).post(path, { amount: '100.00' });
      await expectRefused(response, { status: 404, code: 'not-found' });
    }
    await expectTableUnchanged();
  });

  it('no bad request made the local server itself fail', () => {
    expect(e2e.serverErrors).toEqual([]);
  });

  // toProxyEvent once collected headers and query parameters in plain objects, so a name that
  // is an Object.prototype member found the inherited function and the local server answered 500.
  it('a query parameter or header named like an Object.prototype member is not a 5xx', async () => {
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const query = await send({ route: routes.find((r) => r.operation === 'my-facilities')!, query: [[name, 'x']] });
      expect(query.status, `query ${name}`).toBeLessThan(500);
      const header = await send({ route: routes.find((r) => r.operation === 'openapi')!, headers: { [name]: 'x' } });
      expect(header.status, `header ${name}`).toBeLessThan(500);
    }
  });

  it('left the LPR fixings, the borrower profile and the journal exactly as setup wrote them', async () => {
    expect(await e2e.store.listRecentLpr(100)).toEqual([{ date: '2025-05-20', oneYearPpm: 30_000, fiveYearPpm: 35_000 }]);
    const profile = await e2e.asOps().get(`/v1/ops/borrowers/${borrower}/profile`);
    expect(profile.body).toMatchObject({ version: 1, profileDate: BASE_PROFILE.profileDate, borrowerType: 'ENTERPRISE' });
    expect((await e2e.events(facility)).map((event) => event.type)).toEqual(['FacilityOpened', 'DrawdownMade']);
    expect(await e2e.lastSeq(unopened)).toBe(0);
    await expectTableUnchanged();
  });
});
