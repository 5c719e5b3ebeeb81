/**
 * Business dates are `YYYY-MM-DD` strings in Asia/Shanghai. Arithmetic runs on day numbers
 * (days since 1970-01-01), which are plain integers and cheap to compare.
 */
import { ValidationError } from './errors.ts';

export type BusinessDate = string;
export type DayCount = 'ACT_360' | 'ACT_365';
export type SettlementCycle = 'MONTHLY' | 'QUARTERLY' | 'WITH_PRINCIPAL';

const MS_PER_DAY = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Settlement (结息) falls on the 20th; the period runs from the 21st of the previous cycle. */
const SETTLEMENT_DAY_OF_MONTH = 20;
const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

/** An injected source of the current instant; logic never reads the wall clock itself. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(instant: string | Date): Clock {
  const at = new Date(instant);
  return { now: () => new Date(at) };
}

export function isBusinessDate(text: unknown): text is BusinessDate {
  if (typeof text !== 'string') return false;
  const match = DATE_PATTERN.exec(text);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // Arithmetic, not a round trip through Date: toDay runs this on every call (~20 per command).
  return year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function parseBusinessDate(text: unknown, path = 'date'): BusinessDate {
  if (!isBusinessDate(text)) {
    throw ValidationError.of(path, 'must be a calendar date YYYY-MM-DD between 1970 and 2199');
  }
  return text;
}

function toDayUnchecked(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / MS_PER_DAY;
}

/**
 * Day numbers and dates already converted. A facility's handful of dates (drawn, maturity, settlement,
 * business date) are converted dozens of times per command or end of day, and a book's dates are few,
 * so both conversions keep what they computed; each map is emptied when it reaches this many entries.
 */
export const MAX_CACHED_DAYS = 10_000;
const dayOfDate = new Map<string, number>();
const dateOfDay = new Map<number, BusinessDate>();

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= MAX_CACHED_DAYS) cache.clear();
  cache.set(key, value);
  return value;
}

/** Day number of a business date (1970-01-01 = 0). */
export function toDay(date: BusinessDate): number {
  const known = dayOfDate.get(date);
  if (known !== undefined) return known;
  if (!isBusinessDate(date)) throw new RangeError(`not a business date: ${String(date)}`);
  return remember(dayOfDate, date, toDayUnchecked(date));
}

export function fromDay(day: number): BusinessDate {
  return dateOfDay.get(day) ?? remember(dateOfDay, day, new Date(day * MS_PER_DAY).toISOString().slice(0, 10));
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromDay(toDay(date) + days);
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return toDay(to) - toDay(from);
}

/** Same day-of-month `months` later, clamped to the month's last day (2026-01-31 + 1 month = 2026-02-28). */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  const day = Number(date.slice(8, 10));
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

/** The business date (Asia/Shanghai) of an instant. */
export function businessDateAt(instant: Date): BusinessDate {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function today(clock: Clock): BusinessDate {
  return businessDateAt(clock.now());
}

/** Days in the year basis of a day count: ACT/360 divides the annual rate by 360. */
export function yearBasisDays(dayCount: DayCount): number {
  return dayCount === 'ACT_365' ? 365 : 360;
}

/** Whether the end of `day` is an interest settlement (结息日) for the cycle. */
export function isSettlementDay(day: number, cycle: SettlementCycle): boolean {
  if (cycle === 'WITH_PRINCIPAL') return false;
  const date = new Date(day * MS_PER_DAY);
  if (date.getUTCDate() !== SETTLEMENT_DAY_OF_MONTH) return false;
  return cycle === 'MONTHLY' || date.getUTCMonth() % 3 === 2;
}

/** The first settlement day on or after `day`, or null for settlement with principal (利随本清). */
export function nextSettlementDay(day: number, cycle: SettlementCycle): number | null {
  if (cycle === 'WITH_PRINCIPAL') return null;
  const date = new Date(day * MS_PER_DAY);
  let year = date.getUTCFullYear();
  let month = date.getUTCMonth();
  if (date.getUTCDate() > SETTLEMENT_DAY_OF_MONTH) month += 1;
  if (cycle === 'QUARTERLY') month += (2 - (month % 3) + 3) % 3;
  if (month > 11) {
    year += Math.floor(month / 12);
    month %= 12;
  }
  return Date.UTC(year, month, SETTLEMENT_DAY_OF_MONTH) / MS_PER_DAY;
}

/** The last day of the month `day` falls in (a day number). */
export function monthEndOf(day: number): number {
  const date = new Date(day * MS_PER_DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0) / MS_PER_DAY;
}

/** Whether `day` is the last day of its month: the end of it books the month's accrual (计提). */
export function isMonthEnd(day: number): boolean {
  return monthEndOf(day) === day;
}
