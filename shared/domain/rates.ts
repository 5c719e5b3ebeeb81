/**
 * Rates are integers in ppm per annum (3.45% = 34 500 ppm); spreads are integer basis points
 * (1 bp = 100 ppm, may be negative). The API shows rates as percent strings with 4 decimals.
 */
import { ValidationError } from './errors.ts';

export const PPM_PER_BP = 100;
/** 100% p.a.: a sanity ceiling on every annual rate, penalty rates included. */
export const MAX_RATE_PPM = 1_000_000;
/** ±50% in bp: a spread outside this is a typing error, not a price. */
export const MAX_ABS_SPREAD_BP = 5_000;

const PERCENT_PATTERN = /^(0|[1-9][0-9]{0,2})(?:\.([0-9]{1,4}))?$/;

export function assertRatePpm(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_RATE_PPM) {
    throw ValidationError.of(path, `must be an integer rate in ppm between 0 and ${MAX_RATE_PPM}`);
  }
  return value;
}

export function assertSpreadBp(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || Math.abs(value) > MAX_ABS_SPREAD_BP) {
    throw ValidationError.of(path, `must be an integer number of basis points between -${MAX_ABS_SPREAD_BP} and ${MAX_ABS_SPREAD_BP}`);
  }
  return value;
}

/** "3.45" or "3.4500" (percent per annum) → 34 500 ppm. At most 4 decimals: 0.0001% = 1 ppm. */
export function parsePercent(text: unknown, path = 'rate'): number {
  if (typeof text !== 'string') throw ValidationError.of(path, 'must be a percent string with at most 4 decimals, e.g. "3.4500"');
  const match = PERCENT_PATTERN.exec(text);
  if (match === null) throw ValidationError.of(path, `"${text.slice(0, 32)}" is not a percent with at most 4 decimals, e.g. "3.4500"`);
  const ppm = Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'));
  return assertRatePpm(ppm, path);
}

/** 34 500 ppm → "3.4500". */
export function formatPercent(ppm: number): string {
  if (!Number.isSafeInteger(ppm) || ppm < 0) throw new RangeError(`not a rate in ppm: ${ppm}`);
  const fraction = ppm % 10_000;
  return `${(ppm - fraction) / 10_000}.${String(fraction).padStart(4, '0')}`;
}

/** The contract rate: LPR + spread, never below the floor (利率下限). */
export function contractRatePpm(lprPpm: number, spreadBp: number, floorPpm: number): number {
  return Math.min(MAX_RATE_PPM, Math.max(floorPpm, lprPpm + spreadBp * PPM_PER_BP));
}

/** Penalty interest rate (罚息利率) = contract rate × (1 + uplift), uplift in whole percent (30–50), rounded half-up to 1 ppm. */
export function penaltyRatePpm(ratePpm: number, upliftPct: number): number {
  return Math.min(MAX_RATE_PPM, Math.floor((ratePpm * (100 + upliftPct) + 50) / 100));
}
