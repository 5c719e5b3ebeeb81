/**
 * The facility state machine. Every command first rolls the facility to its business date
 * (`advance`, the inline catch-up of docs/end-of-day.md), then applies its own effect. Each returns the
 * new state, the events in order (the catch-up's first) and balanced postings; a refused
 * command throws a typed DomainError and leaves the given state untouched.
 */
import { advanceDraft, cloneState, dropCleanDrawdowns } from './advance.ts';
import { allocate, type Allocation } from './allocation.ts';
import { addDays, daysBetween, parseBusinessDate, toDay, type BusinessDate } from './calendar.ts';
import { CLASSIFICATIONS, isNonPerforming, notePeakDpd, daysPastDue, recordBorrowerClassification, reportedClassification, updateDelinquency } from './classification.ts';
import { begin, finish, type DatedCommand } from './command-base.ts';
import { accrueTo } from './drawdown-accrual.ts';
import { newDrawdown } from './drawdowns.ts';
import { isNonAccrual } from './non-accrual.ts';
import { DomainError, ValidationError } from './errors.ts';
import { assertFen, formatYuan } from './money.ts';
import { transfer, zeroLedger } from './postings.ts';
import { assertRatePpm, assertSpreadBp, contractRatePpm } from './rates.ts';
import { applyRenewal, decideRenewal, type ApplyRenewalCommand, type DecideRenewalCommand } from './renewal-commands.ts';
import type { Classification, DomainEvent, FacilityState, Pricing, Transition } from './state.ts';
import { initialCounters } from './policy.ts';
import { MAX_FACILITY_TERM_DAYS, resolveTerms, type ProductTerms } from './terms.ts';
import { payableOnDraft, payoffOf, principalOutstanding, sumAmounts, type CategoryAmounts } from './valuation.ts';

const FACILITY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface OpenFacilityCommand {
  type: 'OpenFacility';
  date: BusinessDate;
  facilityId: string;
  borrowerId: string;
  limitFen: number;
  effectiveDate: BusinessDate;
  maturityDate: BusinessDate;
  pricing: Pricing;
  terms?: Partial<ProductTerms>;
}
export interface DrawdownCommand extends DatedCommand {
  type: 'Drawdown';
  amountFen: number;
  /** Days to the drawdown's maturity; default: the product's maximum, capped at facility maturity. */
  termDays?: number;
  /** The 1-year LPR fixing on or before `date`, looked up by the caller. */
  lprPpm: number;
}
export interface RepaymentCommand extends DatedCommand {
  type: 'Repayment';
  amountFen: number;
}
export interface FreezeCommand extends DatedCommand {
  type: 'Freeze' | 'Unfreeze';
  reason?: string;
}
export interface ChangeLimitCommand extends DatedCommand {
  type: 'ChangeLimit';
  limitFen: number;
}
export interface CloseCommand extends DatedCommand {
  type: 'Close';
}
/** End of day `date`: the state then opens on the next day. Running it twice changes nothing. */
export interface EndOfDayCommand extends DatedCommand {
  type: 'EndOfDay';
  /**
   * The debtor-level class end of day worked out for the borrower (the worst among its facilities, for an
   * ENTERPRISE borrower), or null where the rule does not apply; absent leaves the recorded one alone.
   */
  borrowerClassification?: Classification | null;
}
export type Command =
  | OpenFacilityCommand
  | DrawdownCommand
  | RepaymentCommand
  | FreezeCommand
  | ChangeLimitCommand
  | CloseCommand
  | EndOfDayCommand
  | ApplyRenewalCommand
  | DecideRenewalCommand;

export interface DrawdownResult {
  drawdownId: string;
  amountFen: number;
  ratePpm: number;
  drawnDate: BusinessDate;
  maturityDate: BusinessDate;
}
export interface RepaymentResult {
  repaymentId: string;
  amountFen: number;
  allocation: CategoryAmounts;
  byDrawdown: Allocation['byDrawdown'];
}

export function openFacility(command: OpenFacilityCommand): Transition {
  const date = parseBusinessDate(command.date, 'date');
  const issues: { path: string; message: string }[] = [];
  const check = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof ValidationError) issues.push(...error.issues);
      else throw error;
    }
  };
  check(() => {
    if (typeof command.facilityId !== 'string' || !FACILITY_ID_PATTERN.test(command.facilityId)) {
      throw ValidationError.of('facilityId', 'must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"');
    }
  });
  check(() => {
    if (typeof command.borrowerId !== 'string' || !FACILITY_ID_PATTERN.test(command.borrowerId)) {
      throw ValidationError.of('borrowerId', 'must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"');
    }
  });
  check(() => assertFen(command.limitFen, 'limit', { positive: true }));
  check(() => parseBusinessDate(command.effectiveDate, 'effectiveDate'));
  check(() => parseBusinessDate(command.maturityDate, 'maturityDate'));
  check(() => assertSpreadBp(command.pricing?.spreadBp, 'pricing.spreadBp'));
  check(() => assertRatePpm(command.pricing?.floorPpm, 'pricing.floorPpm'));
  let terms: ProductTerms | undefined;
  check(() => (terms = resolveTerms(command.terms)));
  if (issues.length === 0) {
    const term = daysBetween(command.effectiveDate, command.maturityDate);
    if (term <= 0) issues.push({ path: 'maturityDate', message: 'must be after effectiveDate' });
    else if (term > MAX_FACILITY_TERM_DAYS) issues.push({ path: 'maturityDate', message: `must be at most ${MAX_FACILITY_TERM_DAYS} days after effectiveDate` });
    else if (command.maturityDate <= date) issues.push({ path: 'maturityDate', message: `must be after the business date ${date}` });
  }
  if (issues.length > 0) throw new ValidationError(issues);

  const state: FacilityState = {
    facilityId: command.facilityId,
    borrowerId: command.borrowerId,
    currency: 'CNY',
    limitFen: command.limitFen,
    effectiveDate: command.effectiveDate,
    maturityDate: command.maturityDate,
    status: 'ACTIVE',
    terms: terms!,
    pricing: { spreadBp: command.pricing.spreadBp, floorPpm: command.pricing.floorPpm },
    renewalCount: 0,
    classification: 'NORMAL',
    borrowerClassification: null,
    cureObservation: null,
    nonAccrualSince: null,
    businessDate: date,
    accruedUntil: date,
    drawdowns: [],
    drawdownCount: 0,
    repaymentCount: 0,
    dpdHistory: [],
    pendingRenewal: null,
    renewalContract: null,
    expiredRenewal: null,
    counters: initialCounters(),
    ledger: zeroLedger(),
  };
  const event: DomainEvent = {
    type: 'FacilityOpened',
    date,
    data: { facilityId: state.facilityId, borrowerId: state.borrowerId, limitFen: state.limitFen, effectiveDate: state.effectiveDate, maturityDate: state.maturityDate, pricing: state.pricing },
    postings: [],
  };
  return { state, events: [event], result: undefined };
}

export function drawdown(state: FacilityState, command: DrawdownCommand): Transition<DrawdownResult> {
  const amountFen = assertFen(command.amountFen, 'amount', { positive: true });
  const lprPpm = assertRatePpm(command.lprPpm, 'lprPpm');
  if (command.termDays !== undefined && (!Number.isSafeInteger(command.termDays) || command.termDays < 1)) {
    throw ValidationError.of('termDays', 'must be a whole number of days, at least 1');
  }
  const { draft, events, date } = begin(state, command);
  const terms = draft.terms;
  if (draft.status === 'FROZEN') throw new DomainError('facility-frozen', `facility ${draft.facilityId} is frozen`);
  if (draft.status !== 'ACTIVE') throw new DomainError('facility-not-active', `facility ${draft.facilityId} is ${draft.status}`);
  if (date < draft.effectiveDate || date >= draft.maturityDate) {
    throw new DomainError('outside-facility-term', `drawdowns are possible from ${draft.effectiveDate} until the day before maturity ${draft.maturityDate}`);
  }
  const dpd = daysPastDue(draft, toDay(date));
  if (dpd > 0) throw new DomainError('facility-in-arrears', `facility ${draft.facilityId} is ${dpd} days past due; repay the arrears first`, { daysPastDue: dpd });
  // A non-performing (不良) or non-accrual (表外) line lends nothing new until it is cured, arrears paid or not.
  const reported = reportedClassification(draft);
  if (isNonPerforming(reported) || isNonAccrual(draft)) {
    throw new DomainError(
      'facility-non-performing',
      `facility ${draft.facilityId} is ${reported}${isNonAccrual(draft) ? ` and non-accrual since ${draft.nonAccrualSince}` : ''}; no new drawdowns until it is cured`,
      { classification: reported, nonAccrualSince: draft.nonAccrualSince, cureObservationEndsOn: draft.cureObservation?.endsOn ?? null },
    );
  }
  if (amountFen < terms.minDrawdownFen) {
    throw new DomainError('below-minimum-drawdown', `the minimum drawdown is ${formatYuan(terms.minDrawdownFen)} yuan`, { minimum: formatYuan(terms.minDrawdownFen) });
  }
  const available = draft.limitFen - principalOutstanding(draft);
  if (amountFen > available) {
    throw new DomainError('insufficient-available-limit', `requested ${formatYuan(amountFen)} yuan but only ${formatYuan(available)} yuan is available`, {
      available: formatYuan(available),
    });
  }
  const open = draft.drawdowns.filter((d) => d.principalFen > 0).length;
  if (open >= terms.maxOpenDrawdowns) {
    throw new DomainError('too-many-open-drawdowns', `at most ${terms.maxOpenDrawdowns} drawdowns may be open at once`, { maximum: terms.maxOpenDrawdowns });
  }
  const toFacilityMaturity = daysBetween(date, draft.maturityDate);
  const termDays = command.termDays ?? Math.min(terms.maxDrawdownTermDays, toFacilityMaturity);
  if (termDays > terms.maxDrawdownTermDays) {
    throw new DomainError('term-too-long', `a drawdown's term is at most ${terms.maxDrawdownTermDays} days`, { maximum: terms.maxDrawdownTermDays });
  }
  if (termDays > toFacilityMaturity) {
    throw new DomainError('outside-facility-term', `the drawdown would mature after the facility's maturity ${draft.maturityDate}`);
  }

  accrueTo(draft, toDay(date));
  const ratePpm = contractRatePpm(lprPpm, draft.pricing.spreadBp, draft.pricing.floorPpm);
  const loan = newDrawdown(draft, { amountFen, drawnDate: date, maturityDate: addDays(date, termDays), ratePpm });
  draft.drawdowns.push(loan);
  const result: DrawdownResult = { drawdownId: loan.drawdownId, amountFen, ratePpm, drawnDate: date, maturityDate: loan.maturityDate };
  events.push({
    type: 'DrawdownMade',
    date,
    data: { ...result, lprPpm, spreadBp: draft.pricing.spreadBp, penaltyRatePpm: loan.penaltyRatePpm },
    postings: transfer('LOAN_PRINCIPAL', 'BORROWER_SETTLEMENT', amountFen),
  });
  return finish(draft, events, result);
}

export function repay(state: FacilityState, command: RepaymentCommand): Transition<RepaymentResult> {
  const amountFen = assertFen(command.amountFen, 'amount', { positive: true });
  const { draft, events, date } = begin(state, command);
  if (draft.status === 'CLOSED') throw new DomainError('facility-closed', `facility ${draft.facilityId} is closed`);
  const day = toDay(date);
  const due = payableOnDraft(draft, date);
  const payable = payoffOf(sumAmounts(due));
  if (amountFen > payable) {
    throw new DomainError('overpayment', `the payment of ${formatYuan(amountFen)} yuan exceeds the ${formatYuan(payable)} yuan payable on ${date}`, {
      payable: formatYuan(payable),
    });
  }
  notePeakDpd(draft, day);
  const allocation = allocate(draft, date, amountFen, due);
  dropCleanDrawdowns(draft);
  draft.repaymentCount += 1;
  const repaymentId = `${draft.facilityId}-R${String(draft.repaymentCount).padStart(4, '0')}`;
  const result: RepaymentResult = { repaymentId, amountFen, allocation: allocation.totals, byDrawdown: allocation.byDrawdown };
  events.push({ type: 'RepaymentApplied', date, data: { ...result }, postings: allocation.postings });
  updateDelinquency(draft, day, events, date);
  return finish(draft, events, result);
}

export function freeze(state: FacilityState, command: FreezeCommand): Transition {
  const { draft, events, date } = begin(state, command);
  const freezing = command.type === 'Freeze';
  const from = freezing ? 'ACTIVE' : 'FROZEN';
  if (draft.status !== from) {
    throw new DomainError('invalid-state', `facility ${draft.facilityId} is ${draft.status}; ${freezing ? 'only an ACTIVE facility can be frozen' : 'only a FROZEN facility can be unfrozen'}`);
  }
  draft.status = freezing ? 'FROZEN' : 'ACTIVE';
  events.push({ type: freezing ? 'FacilityFrozen' : 'FacilityUnfrozen', date, data: { reason: command.reason ?? null }, postings: [] });
  return finish(draft, events, undefined);
}

export function changeLimit(state: FacilityState, command: ChangeLimitCommand): Transition {
  const limitFen = assertFen(command.limitFen, 'limit', { positive: true });
  const { draft, events, date } = begin(state, command);
  if (draft.status === 'CLOSED' || draft.status === 'MATURED') throw new DomainError('facility-not-active', `facility ${draft.facilityId} is ${draft.status}`);
  const outstanding = principalOutstanding(draft);
  if (limitFen < outstanding) {
    throw new DomainError('limit-below-outstanding', `the limit cannot go below the ${formatYuan(outstanding)} yuan outstanding`, { outstanding: formatYuan(outstanding) });
  }
  events.push({ type: 'LimitChanged', date, data: { fromFen: draft.limitFen, toFen: limitFen }, postings: [] });
  draft.limitFen = limitFen;
  return finish(draft, events, undefined);
}

export function close(state: FacilityState, command: CloseCommand): Transition {
  const { draft, events, date } = begin(state, command);
  if (draft.status === 'CLOSED') throw new DomainError('facility-closed', `facility ${draft.facilityId} is already closed`);
  const payable = payoffOf(sumAmounts(payableOnDraft(draft, date)));
  if (payable > 0 || draft.drawdowns.length > 0) {
    throw new DomainError('outstanding-balance', `${formatYuan(payable)} yuan is still payable; repay it before closing`, { payable: formatYuan(payable) });
  }
  events.push({ type: 'FacilityClosed', date, data: { previousStatus: draft.status }, postings: [] });
  draft.status = 'CLOSED';
  return finish(draft, events, undefined);
}

/**
 * Persists what `advance` produces for the end of `date`, then records the borrower's class when the
 * command carries one; a no-op when that end is already applied and nothing is to be recorded.
 */
export function endOfDay(state: FacilityState, command: EndOfDayCommand): Transition {
  const date = parseBusinessDate(command.date, 'date');
  const borrowerClass = command.borrowerClassification;
  if (borrowerClass !== undefined && borrowerClass !== null && !CLASSIFICATIONS.includes(borrowerClass)) {
    throw ValidationError.of('borrowerClassification', `must be one of ${CLASSIFICATIONS.join(', ')}`);
  }
  const next = toDay(date) + 1;
  const opened = toDay(state.businessDate);
  // A state already past the next day has moved on: a later end of day records the class then.
  if (next < opened || (next === opened && borrowerClass === undefined)) return { state, events: [], result: undefined };
  const draft = cloneState(state);
  const events: DomainEvent[] = [];
  if (next > opened) advanceDraft(draft, next, events, command.lpr);
  if (borrowerClass !== undefined) recordBorrowerClassification(draft, borrowerClass, events, date);
  if (events.length === 0 && next === opened) return { state, events: [], result: undefined };
  return finish(draft, events, undefined);
}

/**
 * One entry point for the journal: replaying every stored command reproduces the state. A use-case
 * calls its own command's rule (and `endOfDay` for the catch-up) instead, so that a function
 * built for one command does not carry every command's rules.
 */
export function applyCommand(state: FacilityState | null, command: Command): Transition<unknown> {
  if (command.type === 'OpenFacility') {
    if (state !== null) throw new DomainError('facility-exists', `facility ${state.facilityId} already exists`);
    return openFacility(command);
  }
  if (state === null) throw new DomainError('not-found', 'facility not found');
  switch (command.type) {
    case 'Drawdown':
      return drawdown(state, command);
    case 'Repayment':
      return repay(state, command);
    case 'Freeze':
    case 'Unfreeze':
      return freeze(state, command);
    case 'ChangeLimit':
      return changeLimit(state, command);
    case 'Close':
      return close(state, command);
    case 'EndOfDay':
      return endOfDay(state, command);
    case 'ApplyRenewal':
      return applyRenewal(state, command);
    case 'DecideRenewal':
      return decideRenewal(state, command);
    default:
      // A journal replay or a caller outside the type system must not get `undefined` back.
      throw ValidationError.of('type', `unknown command type ${JSON.stringify((command as { type?: unknown }).type)}`);
  }
}

