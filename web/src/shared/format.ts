/**
 * Display formatting. The API sends money as yuan strings ("1000000.00") and rates as percent
 * strings ("3.4500"); they are shown by rearranging their digits, never through a float.
 */
import type { Lang } from './i18n.ts';

/** "1000000.00" → "¥1,000,000.00"; "-5.10" → "-¥5.10". */
export function yuan(amount: string | undefined): string {
  if (amount === undefined) return '—';
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (match === null) return amount;
  const [, sign, whole = '0', fraction] = match;
  return `${sign}¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
}

/** "3.4500" → "3.45%" (at least two decimals, trailing zeros beyond them dropped). */
export function percent(rate: string | undefined): string {
  if (rate === undefined) return '—';
  const match = /^(-?\d+)\.(\d+)$/.exec(rate);
  if (match === null) return `${rate}%`;
  const fraction = (match[2] ?? '').replace(/0+$/, '').padEnd(2, '0');
  return `${match[1]}.${fraction}%`;
}

/** "2027-01-02" → "2027年1月2日" (zh-CN) or "2 Jan 2027" (en), without any time zone arithmetic. */
export function date(value: string | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return value;
  const [, y, m = '1', d = '1'] = match;
  if (lang === 'zh-CN') return `${y}年${Number(m)}月${Number(d)}日`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(d)} ${months[Number(m) - 1]} ${y}`;
}

/** Calendar arithmetic on YYYY-MM-DD strings, in UTC so no local time zone shifts a day. */
export function addDays(value: string, days: number): string {
  const t = Date.parse(`${value}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The monthly settlement day (the 20th, the product default) on or after `value`. */
export function nextSettlementDate(value: string): string {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  if (d <= 20) return `${y}-${String(m).padStart(2, '0')}-20`;
  const next = m === 12 ? { y: y + 1, m: 1 } : { y, m: m + 1 };
  return `${next.y}-${String(next.m).padStart(2, '0')}-20`;
}

/** Seconds since the epoch of a YYYY-MM-DD date at midnight UTC (the chart's x axis). */
export function epochSeconds(value: string): number {
  return Date.parse(`${value}T00:00:00Z`) / 1000;
}

/** A yuan string as a number: for drawing a chart only, never for arithmetic on money. */
export function yuanForChart(amount: string): number {
  return Number(amount);
}
