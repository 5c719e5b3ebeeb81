/**
 * Floating rates (浮动利率): on each repricing date a drawdown's rate becomes the 1-year LPR in
 * force at the opening of that day + the facility's spread, floored: the latest fixing published
 * BEFORE the repricing date (`repricingLpr`). A fixing published on the repricing date itself (the
 * 20th, at 9:15) comes after end of day has already opened the day at the new rate, so counting it
 * would give two loans repriced on the same date different rates depending on whether end of day
 * reached them before the publication. The LPR comes in with the command (a schedule of fixings),
 * so replaying the journal reprices exactly as it did.
 */
import { addDays, addMonths, fromDay, parseBusinessDate, toDay, type BusinessDate } from './calendar.ts';
import { DomainError, ValidationError } from './errors.ts';
import { assertRatePpm } from './rates.ts';
import type { Drawdown, FacilityState } from './state.ts';

/** 1-year LPR fixings, ascending by date. */
export type LprSchedule = readonly { date: BusinessDate; oneYearPpm: number }[];

/** The first repricing day of the drawdown after `day`, or null for a fixed rate. */
export function nextRepricingDay(state: FacilityState, d: Drawdown, day: number): number | null {
  if (state.terms.rateType !== 'FLOATING') return null;
  if (state.terms.repricing === 'JANUARY_FIRST') {
    const year = Number(fromDay(day).slice(0, 4));
    return toDay(`${year + 1}-01-01`);
  }
  // The first anniversary after `day` (a 29 Feb drawdown's falls on 28 Feb). The one of
  // `day`'s previous year is always before it, so the search starts at `day`'s year.
  let years = Math.max(1, Number(fromDay(day).slice(0, 4)) - Number(d.drawnDate.slice(0, 4)));
  let anniversary = toDay(addMonths(d.drawnDate, 12 * years));
  while (anniversary <= day) anniversary = toDay(addMonths(d.drawnDate, 12 * ++years));
  return anniversary;
}

/** The latest fixing of an ascending schedule published before `repricingDate`: the one in force at that day's opening. */
function fixingBefore(schedule: LprSchedule, repricingDate: BusinessDate): LprSchedule[number] | undefined {
  const before = addDays(repricingDate, -1);
  let found: LprSchedule[number] | undefined;
  for (const fixing of schedule) {
    if (fixing.date > before) break;
    found = fixing;
  }
  return found;
}

/** The fixing a repricing on `repricingDate` uses: the latest published before that day (in force at its opening). */
export function repricingLpr(schedule: LprSchedule | undefined, repricingDate: BusinessDate): number {
  const found = fixingBefore(assertLprSchedule(schedule), repricingDate);
  if (found === undefined) throw new DomainError('lpr-not-found', `no LPR fixing published before ${repricingDate} to reprice the floating rate`);
  return found.oneYearPpm;
}

/**
 * The schedule arrives with a command: a rate from it becomes a drawdown's rate, so every fixing is
 * checked (valid date, integer ppm in range, strictly ascending) before any is used.
 */
function assertLprSchedule(schedule: unknown, path = 'lpr'): LprSchedule {
  if (schedule === undefined) return [];
  if (!Array.isArray(schedule)) throw ValidationError.of(path, 'must be a list of { date, oneYearPpm } fixings, ascending by date');
  let previous = '';
  schedule.forEach((fixing: unknown, i) => {
    if (typeof fixing !== 'object' || fixing === null) throw ValidationError.of(`${path}[${i}]`, 'must be a fixing { date, oneYearPpm }');
    const { date, oneYearPpm } = fixing as { date?: unknown; oneYearPpm?: unknown };
    const day = parseBusinessDate(date, `${path}[${i}].date`);
    assertRatePpm(oneYearPpm, `${path}[${i}].oneYearPpm`);
    if (day <= previous) throw ValidationError.of(`${path}[${i}].date`, 'fixings must be in strictly ascending date order');
    previous = day;
  });
  return schedule as LprSchedule;
}

/**
 * The fixings a command must carry to advance a floating facility to `toDate`: for each repricing
 * day on the way, the fixing in force that day. Empty for fixed-rate facilities.
 */
export function lprNeeded(state: FacilityState, toDate: BusinessDate, schedule: LprSchedule): { date: BusinessDate; oneYearPpm: number }[] {
  if (state.terms.rateType !== 'FLOATING') return [];
  const target = toDay(toDate);
  const needed = new Map<string, { date: BusinessDate; oneYearPpm: number }>();
  for (const d of state.drawdowns) {
    if (d.principalFen === 0 || d.status !== 'ACTIVE') continue;
    for (let day = toDay(state.businessDate); ; ) {
      const next = nextRepricingDay(state, d, day);
      if (next === null || next > target || next > toDay(d.maturityDate)) break;
      const fixing = fixingBefore(schedule, fromDay(next));
      if (fixing !== undefined) needed.set(fixing.date, fixing);
      day = next;
    }
  }
  return [...needed.values()].sort((a, b) => a.date.localeCompare(b.date));
}
