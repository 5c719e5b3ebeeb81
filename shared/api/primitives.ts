/**
 * Wire primitives of the API contract. Money and rates are decimal strings on the wire and
 * integers inside (fen, ppm): these codecs decode with the domain's one parser
 * (#domain/money.ts, #domain/rates.ts) and document the string form in OpenAPI. A handler's
 * validated body therefore holds `amount` in fen; a response must hold the string again
 * (formatYuan / formatPercent), which the types enforce.
 */
import { ValidationError } from '#domain/errors.ts';
import { MAX_MONEY_FEN, formatYuan, parseYuan } from '#domain/money.ts';
import { MAX_ABS_SPREAD_BP, MAX_RATE_PPM, formatPercent, parsePercent } from '#domain/rates.ts';
import { isBusinessDate } from '#domain/calendar.ts';
import * as z from './z.ts';

/** Ids are the bank's own references (contract numbers etc.): short, URL-safe, never all dots. */
export const MAX_ID_LENGTH = 64;
const ID_PATTERN = /^(?!\.+$)[A-Za-z0-9._-]{1,64}$/;
const MAX_PAGE_LIMIT = 100;
/** Cursors are opaque base64url tokens minted by the service. */
const MAX_CURSOR_LENGTH = 512;
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,512}$/;

/**
 * Exactly the strings a parser with `decimals` and a maximum of `max` (a power of ten) accepts:
 * YUAN_PATTERN / PERCENT_PATTERN's shape, bounded by the maximum, so the document is as strict
 * as the server (test/http/primitives.test.ts compares them with the parsers).
 */
function boundedDecimalPattern(max: number, decimals: number): string {
  const digits = String(max);
  if (!/^10*$/.test(digits)) throw new Error(`${max} is not a power of ten`);
  return `^(?:(?:0|[1-9][0-9]{0,${digits.length - 2}})(?:\\.[0-9]{1,${decimals}})?|${digits}(?:\\.0{1,${decimals}})?)$`;
}

/** For documentation: the parsers (#domain/money.ts, #domain/rates.ts) decide. */
export const YUAN_DOC_PATTERN = boundedDecimalPattern(MAX_MONEY_FEN / 100, 2);
/** YUAN_DOC_PATTERN less zero ("0", "0.0", "0.00"). */
export const POSITIVE_YUAN_DOC_PATTERN = `^(?!0(?:\\.0{1,2})?$)${YUAN_DOC_PATTERN.slice(1)}`;
export const PERCENT_DOC_PATTERN = boundedDecimalPattern(MAX_RATE_PPM / 10_000, 4);

const MONEY_FORMAT = 'must be a string of yuan with at most 2 decimals, e.g. "50000.00"';
const PERCENT_FORMAT = 'must be a percent string with at most 4 decimals, e.g. "3.4500"';

/** A type-mismatch message that still lets a missing field say "is required". */
function unlessMissing(message: string) {
  return (issue: { readonly input?: unknown }) => (issue.input === undefined ? undefined : message);
}

/** Runs a domain parser inside zod, turning its ValidationError into issues at the field's path. */
function decodeWith<T>(parse: (text: string) => T) {
  return (text: string, payload: z.core.ParsePayload<string>): T => {
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const issue of error.issues) payload.issues.push({ code: 'custom', input: text, message: issue.message });
      return z.NEVER;
    }
  };
}

/** Money: yuan string on the wire ("50000.00"), integer fen once decoded. */
export const Money = /* @__PURE__ */ z.schema(() => z.codec(
  z.string({ error: unlessMissing(MONEY_FORMAT) }).check(
    z.meta({
      id: 'Money',
      description: `An amount in yuan (CNY) as a decimal string: no sign, no exponent, at most 2 decimals, at most ${formatYuan(MAX_MONEY_FEN)}.`,
      pattern: YUAN_DOC_PATTERN,
      examples: ['50000.00', '0.01'],
    }),
  ),
  z.int(),
  { decode: decodeWith((text) => parseYuan(text)), encode: (fen) => formatYuan(fen) },
));

/**
 * A request amount that must be more than zero (a drawdown, a repayment, a limit): the same
 * codec as Money, documented with a pattern that excludes "0", "0.0" and "0.00" (the domain
 * refuses zero with 400 validation-failed either way).
 */
export const PositiveMoney = /* @__PURE__ */ z.schema(() => z.codec(
  z.string({ error: unlessMissing(MONEY_FORMAT) }).check(
    z.meta({
      id: 'PositiveMoney',
      description: `An amount in yuan (CNY) greater than zero: no sign, no exponent, at most 2 decimals, at most ${formatYuan(MAX_MONEY_FEN)}.`,
      pattern: POSITIVE_YUAN_DOC_PATTERN,
      examples: ['50000.00', '0.01'],
    }),
  ),
  z.int(),
  { decode: decodeWith((text) => parseYuan(text)), encode: (fen) => formatYuan(fen) },
));

/** Annual rate: percent string on the wire ("3.4500"), integer ppm once decoded. */
export const RatePercent = /* @__PURE__ */ z.schema(() => z.codec(
  z.string({ error: unlessMissing(PERCENT_FORMAT) }).check(
    z.meta({
      id: 'RatePercent',
      description: `An annual rate in percent with at most 4 decimals, from 0 to ${formatPercent(MAX_RATE_PPM)}; responses always show 4 decimals.`,
      pattern: PERCENT_DOC_PATTERN,
      examples: ['3.4500'],
    }),
  ),
  z.int(),
  { decode: decodeWith((text) => parsePercent(text)), encode: (ppm) => formatPercent(ppm) },
));

/**
 * Money in a response: yuan with exactly 2 decimals, never negative (formatYuan's output). An
 * output-only shape: requests use Money, which also bounds the value.
 */
export const Yuan = /* @__PURE__ */ z.schema(() => z.string().check(
  z.regex(/^(0|[1-9][0-9]*)\.[0-9]{2}$/, 'must be yuan with 2 decimals'),
  z.meta({ id: 'Yuan', description: 'An amount in yuan (CNY), exactly 2 decimals, e.g. "1533.33"; "0.00" when nothing.', examples: ['1533.33'] }),
));

/** A rate (or ratio) in a response: percent per annum with exactly 4 decimals (formatPercent's output). */
export const Percent = /* @__PURE__ */ z.schema(() => z.string().check(
  z.regex(/^(0|[1-9][0-9]*)\.[0-9]{4}$/, 'must be a percent with 4 decimals'),
  z.meta({ id: 'Percent', description: 'A rate in percent per annum (or a ratio in percent), exactly 4 decimals, e.g. "3.4500".', examples: ['3.4500'] }),
));

/** A spread over LPR in whole basis points; may be negative. */
export const SpreadBp = /* @__PURE__ */ z.schema(() => z.int({ error: unlessMissing('must be a whole number of basis points') }).check(
  z.gte(-MAX_ABS_SPREAD_BP),
  z.lte(MAX_ABS_SPREAD_BP),
  z.meta({ id: 'SpreadBp', description: 'A spread in basis points (1 bp = 0.01%).', examples: [35, -20] }),
));

/** A business date in Asia/Shanghai, a real calendar day. */
export const BusinessDate = /* @__PURE__ */ z.schema(() => z.string({ error: unlessMissing('must be a date string YYYY-MM-DD') }).check(
  z.refine(isBusinessDate, 'must be a calendar date YYYY-MM-DD between 1970 and 2199'),
  z.meta({ id: 'BusinessDate', description: 'A business date (Asia/Shanghai), YYYY-MM-DD.', format: 'date', examples: ['2026-01-05'] }),
));

/** An instant, ISO-8601 in UTC (responses only). */
export const Timestamp = /* @__PURE__ */ z.schema(() => z.iso.datetime().check(z.meta({ id: 'Timestamp', examples: ['2026-01-05T02:30:00.000Z'] })));

function idOf(what: string, id: string, example: string) {
  return z.string().check(
    z.regex(ID_PATTERN, `must be 1 to ${MAX_ID_LENGTH} characters of A-Z, a-z, 0-9, ".", "_" or "-"`),
    z.meta({ id, description: `The ${what} id, as the bank assigns it.`, examples: [example] }),
  );
}

export const FacilityId = /* @__PURE__ */ z.schema(() => idOf('facility (credit line contract)', 'FacilityId', 'FAC-2026-000123'));
export const BorrowerId = /* @__PURE__ */ z.schema(() => idOf('borrower', 'BorrowerId', 'BOR-000042'));
export const DrawdownId = /* @__PURE__ */ z.schema(() => idOf('drawdown (loan note)', 'DrawdownId', 'DD-2026-000007'));

export const Cursor = /* @__PURE__ */ z.schema(() => z.string().check(
  z.regex(CURSOR_PATTERN, `must be a cursor returned by a previous page (at most ${MAX_CURSOR_LENGTH} characters)`),
  z.meta({ id: 'Cursor', description: 'Opaque position in a list; pass nextCursor back unchanged.' }),
));

/** Page size: a query-string integer from 1 to MAX_PAGE_LIMIT. */
export const PageLimit = /* @__PURE__ */ z.schema(() => z.codec(
  z.string().check(
    z.regex(/^[1-9][0-9]{0,2}$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`),
    // The document states the server's bound exactly, 1 to 100 (the codec refuses 101 to 999).
    z.meta({ description: `Page size, 1 to ${MAX_PAGE_LIMIT}.`, pattern: '^([1-9][0-9]?|100)$', examples: ['50'] }),
  ),
  z.int().check(z.lte(MAX_PAGE_LIMIT, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)),
  { decode: (text) => Number(text), encode: (limit) => String(limit) },
));

/** Query parameters of every paged list; extend it with z.extend for a list's own filters. */
export const PageQuery = /* @__PURE__ */ z.schema(() => z.strictObject({ cursor: z.optional(Cursor), limit: z.optional(PageLimit) }));

/** A page of `item`s; `nextCursor` is absent on the last page. */
export function page<T extends z.core.$ZodType>(item: T) {
  return z.strictObject({ items: z.array(item), nextCursor: z.optional(Cursor) });
}
