/**
 * Days past due and the five-tier classification (simplified from the 2023 rules on risk
 * classification of financial assets): DPD 0 NORMAL, 1–90 SPECIAL_MENTION, 91–180
 * SUBSTANDARD, 181–360 DOUBTFUL, >360 LOSS.
 */
import { fromDay, toDay, type BusinessDate } from './calendar.ts';
import type { Classification, DpdEpisode, FacilityState } from './state.ts';

/** DPD at which each non-normal tier starts. */
export const DPD_THRESHOLDS = { SPECIAL_MENTION: 1, SUBSTANDARD: 91, DOUBTFUL: 181, LOSS: 361 } as const;
/** DPD episodes kept in the state (two years of monthly episodes is far more than renewal needs). */
export const MAX_DPD_EPISODES = 24;

/** The five tiers, best first: a higher index is a worse class. */
export const CLASSIFICATIONS: readonly Classification[] = ['NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS'];

/** The worse of two classes. */
export function worseClassification(a: Classification, b: Classification): Classification {
  return CLASSIFICATIONS.indexOf(a) >= CLASSIFICATIONS.indexOf(b) ? a : b;
}

/**
 * The class that reports and the renewal checks use: the debtor-level class for an ENTERPRISE borrower
 * (every facility of one borrower reports the worst class among them, 2023 rule), else the facility's
 * own. The recorded borrower class can lag the own class by a day (end of day records it), so the
 * worse of the two is reported.
 */
export function reportedClassification(state: Pick<FacilityState, 'classification' | 'borrowerClassification'>): Classification {
  return state.borrowerClassification === null ? state.classification : worseClassification(state.classification, state.borrowerClassification);
}

export function classify(dpd: number): Classification {
  if (dpd >= DPD_THRESHOLDS.LOSS) return 'LOSS';
  if (dpd >= DPD_THRESHOLDS.DOUBTFUL) return 'DOUBTFUL';
  if (dpd >= DPD_THRESHOLDS.SUBSTANDARD) return 'SUBSTANDARD';
  if (dpd >= DPD_THRESHOLDS.SPECIAL_MENTION) return 'SPECIAL_MENTION';
  return 'NORMAL';
}

/** First day of the oldest unpaid overdue item (principal or interest) on `day`, or null. */
export function oldestOverdueDay(state: FacilityState, day: number): number | null {
  let oldest: number | null = null;
  for (const d of state.drawdowns) {
    if (d.status === 'OVERDUE' && d.principalFen > 0 && d.overdueSince !== null) {
      const since = toDay(d.overdueSince);
      if (oldest === null || since < oldest) oldest = since;
    }
    for (const item of d.interestItems) {
      if (item.amountFen === 0) continue;
      const from = toDay(item.overdueFrom);
      if (from <= day && (oldest === null || from < oldest)) oldest = from;
    }
  }
  return oldest;
}

/** Days past due on `day`: 1 on the first day an item is overdue. */
export function daysPastDue(state: FacilityState, day: number): number {
  const oldest = oldestOverdueDay(state, day);
  return oldest === null || oldest > day ? 0 : day - oldest + 1;
}

/**
 * Brings classification and the DPD history up to `day` (mutates the draft state). An open
 * episode's peak is not rewritten every day (it is the current DPD until a payment lowers it,
 * see `notePeakDpd`), so advancing day by day and in one jump leave identical states.
 * Returns the previous classification when it changed.
 */
export function updateDelinquency(state: FacilityState, day: number): Classification | null {
  const dpd = daysPastDue(state, day);
  const open = openEpisode(state);
  if (dpd > 0 && open === null) {
    state.dpdHistory.push({ from: fromDay(day - dpd + 1), to: null, maxDpd: dpd });
    if (state.dpdHistory.length > MAX_DPD_EPISODES) state.dpdHistory.shift();
  } else if (dpd === 0 && open !== null) {
    open.to = fromDay(day);
  }
  const next = classify(dpd);
  if (next === state.classification) return null;
  const previous = state.classification;
  state.classification = next;
  return previous;
}

/** Records the DPD reached so far in the open episode; called before a payment may lower it. */
export function notePeakDpd(state: FacilityState, day: number): void {
  const open = openEpisode(state);
  if (open !== null) open.maxDpd = Math.max(open.maxDpd, daysPastDue(state, day));
}

function openEpisode(state: FacilityState): DpdEpisode | null {
  const last = state.dpdHistory[state.dpdHistory.length - 1];
  return last !== undefined && last.to === null ? last : null;
}

/** Highest DPD reached in episodes that touch the window [day − windowDays + 1, day]. */
export function maxDpdWithin(state: FacilityState, date: BusinessDate, windowDays: number): number {
  const day = toDay(date);
  const windowStart = day - windowDays + 1;
  let max = 0;
  for (const episode of state.dpdHistory) {
    const end = episode.to === null ? day : toDay(episode.to);
    if (end < windowStart) continue;
    const reached = episode.to === null ? Math.max(episode.maxDpd, daysPastDue(state, day)) : episode.maxDpd;
    max = Math.max(max, reached);
  }
  return max;
}
