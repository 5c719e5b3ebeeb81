/**
 * What every facility command shares: it is dated, may carry LPR fixings for its catch-up, starts by
 * rolling a draft to its date (`begin`, the inline catch-up of docs/end-of-day.md) and ends by checking
 * the invariants every transition keeps (`finish`).
 */
import { advanceDraft, book, cloneState } from './advance.ts';
import { parseBusinessDate, toDay, type BusinessDate } from './calendar.ts';
import { DomainError, invariant } from './errors.ts';
import { isBalanced } from './postings.ts';
import type { LprSchedule } from './repricing.ts';
import type { DomainEvent, FacilityState, Transition } from './state.ts';
import { principalOutstanding } from './valuation.ts';

/** A command on an existing facility, dated with the business day it happens on. */
export interface DatedCommand {
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
}

/** Clones the state and rolls it to the command's date; the catch-up events come first. */
export function begin(state: FacilityState, command: DatedCommand): { draft: FacilityState; events: DomainEvent[]; date: BusinessDate } {
  const businessDate = parseBusinessDate(command.date, 'date');
  if (businessDate < state.businessDate) {
    throw new DomainError('date-before-last-event', `business date ${businessDate} is before the facility's current business date ${state.businessDate}`, {
      businessDate: state.businessDate,
    });
  }
  const draft = cloneState(state);
  const events: DomainEvent[] = [];
  advanceDraft(draft, toDay(businessDate), events, command.lpr);
  return { draft, events, date: businessDate };
}

export function finish<R>(draft: FacilityState, events: DomainEvent[], result: R): Transition<R> {
  for (const event of events) invariant(isBalanced(event.postings), `${event.type} postings do not balance`);
  const outstanding = principalOutstanding(draft);
  invariant(outstanding >= 0 && outstanding <= draft.limitFen, 'principal outstanding must stay within [0, limit]');
  book(draft, events);
  return { state: draft, events, result };
}
