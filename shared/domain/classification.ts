/**
 * Days past due and the five-tier classification of 《商业银行金融资产风险分类办法》 (2023), with the
 * product's thresholds (defaults): any principal or interest overdue → at least SPECIAL_MENTION;
 * DPD > 90 → at least SUBSTANDARD; > 270 → at least DOUBTFUL; > 360 → LOSS.
 *
 * No instant cure: a non-performing facility (SUBSTANDARD, DOUBTFUL, LOSS) keeps its class after its
 * arrears are paid, through an observation period of normal service (the longer of two settlement
 * periods and six months); new arrears during it restart it. SPECIAL_MENTION returns to NORMAL as soon
 * as the arrears are paid: our policy choice, as the rule only sets the floors.
 */
import { addDays, addMonths, fromDay, toDay, type BusinessDate } from './calendar.ts';
import { updateNonAccrual } from './non-accrual.ts';
import type { Classification, DomainEvent, DpdEpisode, FacilityState } from './state.ts';
import { DEFAULT_TERMS, type ProductTerms } from './terms.ts';

/** The first DPD of each tier under the product's thresholds. */
export function dpdThresholds(terms: ProductTerms): { SPECIAL_MENTION: number; SUBSTANDARD: number; DOUBTFUL: number; LOSS: number } {
  return { SPECIAL_MENTION: 1, SUBSTANDARD: terms.substandardAfterDpd + 1, DOUBTFUL: terms.doubtfulAfterDpd + 1, LOSS: terms.lossAfterDpd + 1 };
}
/** DPD episodes kept in the state (two years of monthly episodes is far more than renewal needs). */
const MAX_DPD_EPISODES = 24;

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

/** The class the DPD alone calls for (a floor: a non-performing facility may stand worse). */
/** The debtor-level class (债务人维度, 2023 rule): the worst class among a borrower's facilities. */
export function debtorClassification(classes: Iterable<Classification>): Classification {
  let worst: Classification = 'NORMAL';
  for (const c of classes) worst = worseClassification(worst, c);
  return worst;
}

/**
 * Records on a draft the debtor-level class end of day worked out for its borrower (null: the rule does
 * not apply, e.g. a non-enterprise borrower). It is kept only where it is worse than the facility's own
 * class; a change is a BorrowerClassificationChanged event with reason `borrower class`.
 */
export function recordBorrowerClassification(state: FacilityState, borrowerClass: Classification | null, events: DomainEvent[], eventDate: BusinessDate): void {
  const kept = borrowerClass !== null && worseClassification(borrowerClass, state.classification) !== state.classification ? borrowerClass : null;
  if (kept === state.borrowerClassification) return;
  const from = reportedClassification(state);
  state.borrowerClassification = kept;
  events.push({
    type: 'BorrowerClassificationChanged',
    date: eventDate,
    data: { from, to: reportedClassification(state), classification: state.classification, borrowerClassification: borrowerClass, reason: 'borrower class' },
    postings: [],
  });
}

export function classify(dpd: number, terms: ProductTerms = DEFAULT_TERMS): Classification {
  const t = dpdThresholds(terms);
  if (dpd >= t.LOSS) return 'LOSS';
  if (dpd >= t.DOUBTFUL) return 'DOUBTFUL';
  if (dpd >= t.SUBSTANDARD) return 'SUBSTANDARD';
  if (dpd >= t.SPECIAL_MENTION) return 'SPECIAL_MENTION';
  return 'NORMAL';
}

/** SUBSTANDARD, DOUBTFUL and LOSS are non-performing (不良). */
export function isNonPerforming(classification: Classification): boolean {
  return classification === 'SUBSTANDARD' || classification === 'DOUBTFUL' || classification === 'LOSS';
}

/**
 * The day a cure observation started on `startDay` ends: the longer of `cureMinMonths` months and
 * `cureSettlementPeriods` settlement periods (a month, a quarter, or for 利随本清 the product's
 * maximum drawdown term).
 */
export function observationEndDay(terms: ProductTerms, startDay: number): number {
  const start = fromDay(startDay);
  const byMonths = toDay(addMonths(start, terms.cureMinMonths));
  const periods = terms.cureSettlementPeriods;
  const byPeriods =
    terms.settlementCycle === 'MONTHLY'
      ? toDay(addMonths(start, periods))
      : terms.settlementCycle === 'QUARTERLY'
        ? toDay(addMonths(start, 3 * periods))
        : toDay(addDays(start, periods * terms.maxDrawdownTermDays));
  return Math.max(byMonths, byPeriods, startDay + 1);
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
 * Brings the DPD history, the cure observation, the classification and non-accrual up to `day` (mutates the draft
 * state) and records what changed as events dated `eventDate`. An open episode's peak is not
 * rewritten every day (it is the current DPD until a payment lowers it, see `notePeakDpd`), so
 * advancing day by day and in one jump leave identical states.
 */
export function updateDelinquency(state: FacilityState, day: number, events: DomainEvent[], eventDate: BusinessDate): void {
  const dpd = daysPastDue(state, day);
  const open = openEpisode(state);
  if (dpd > 0 && open === null) {
    state.dpdHistory.push({ from: fromDay(day - dpd + 1), to: null, maxDpd: dpd });
    if (state.dpdHistory.length > MAX_DPD_EPISODES) state.dpdHistory.shift();
  } else if (dpd === 0 && open !== null) {
    open.to = fromDay(day);
  }
  const current = state.classification;
  const byDpd = classify(dpd, state.terms);
  let next = byDpd;
  let reason = dpd > 0 ? `DPD ${dpd}` : 'arrears paid';
  if (isNonPerforming(current)) {
    next = worseClassification(current, byDpd);
    const observation = state.cureObservation;
    if (dpd > 0 && observation !== null) {
      // New arrears during observation: it starts again once they are paid.
      state.cureObservation = null;
      events.push({ type: 'CureObservationInterrupted', date: eventDate, data: { startedOn: observation.startedOn, daysPastDue: dpd }, postings: [] });
    } else if (dpd === 0 && observation === null) {
      state.cureObservation = { startedOn: fromDay(day), endsOn: fromDay(observationEndDay(state.terms, day)) };
      events.push({ type: 'CureObservationStarted', date: eventDate, data: { ...state.cureObservation, classification: current }, postings: [] });
    } else if (dpd === 0 && observation !== null && day >= toDay(observation.endsOn)) {
      state.cureObservation = null;
      next = byDpd;
      reason = 'observation ended';
    }
  }
  if (next !== current) {
    state.classification = next;
    events.push({ type: 'ClassificationChanged', date: eventDate, data: { from: current, to: next, reason }, postings: [] });
  }
  // Non-accrual follows the same DPD and the same cure (non-accrual.ts).
  updateNonAccrual(state, day, dpd, !isNonPerforming(next), reason, events, eventDate);
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
