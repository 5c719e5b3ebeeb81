/**
 * Money is an integer number of fen (分, 0.01 CNY) in a JS number, always a safe integer.
 * The API speaks yuan strings with at most two fraction digits ("50000.00").
 */
import { ValidationError } from './errors.ts';

/** 10 000 000 000.00 yuan: far above any SME line, and it keeps balance × days below 2^53. */
export const MAX_MONEY_FEN = 1_000_000_000_000;

/** Up to 11 whole digits, so MAX_MONEY_FEN itself ("10000000000.00") parses; assertFen enforces the bound. */
const YUAN_PATTERN = /^(0|[1-9][0-9]{0,10})(?:\.([0-9]{1,2}))?$/;

export type RoundingMode = 'HALF_UP' | 'HALF_EVEN';

/** True when `value` is an integer amount of fen in [0, MAX_MONEY_FEN]. */
export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_MONEY_FEN;
}

/** Guard for amounts entering the domain: integer fen, 0 ≤ value ≤ MAX (and > 0 when `positive`). */
export function assertFen(value: unknown, path: string, options: { positive?: boolean } = {}): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw ValidationError.of(path, 'must be an integer number of fen');
  }
  if (value < 0) throw ValidationError.of(path, 'must not be negative');
  if (options.positive === true && value === 0) throw ValidationError.of(path, 'must be greater than zero');
  if (value > MAX_MONEY_FEN) throw ValidationError.of(path, `must not exceed ${formatYuan(MAX_MONEY_FEN)} yuan`);
  return value;
}

/** Parses a yuan decimal string ("1234.5", "0.01", "50000.00") into fen. Strict: no sign, exponent, spaces or separators. */
export function parseYuan(text: unknown, path = 'amount'): number {
  if (typeof text !== 'string') {
    throw ValidationError.of(path, 'must be a string of yuan with at most 2 decimals, e.g. "50000.00"');
  }
  const match = YUAN_PATTERN.exec(text);
  if (match === null) {
    throw ValidationError.of(path, `"${truncate(text)}" is not an amount of yuan with at most 2 decimals, e.g. "50000.00"`);
  }
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return assertFen(whole * 100 + fraction, path);
}

/** Formats fen as a yuan string with exactly two decimals: 153333 → "1533.33". */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return `${sign}${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}

/**
 * Integer division rounded to nearest, ties per `mode` (四舍五入 = HALF_UP; banker's = HALF_EVEN).
 * Exact for any non-negative BigInt numerator and positive denominator.
 */
export function divRound(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (numerator < 0n || denominator <= 0n) throw new RangeError('divRound takes a non-negative numerator and a positive denominator');
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator - quotient * denominator) * 2n;
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return mode === 'HALF_UP' || quotient % 2n === 1n ? quotient + 1n : quotient;
}

function truncate(text: string): string {
  return text.length > 32 ? `${text.slice(0, 32)}…` : text;
}
