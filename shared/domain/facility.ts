/**
 * The facility state machine. Every command first rolls the facility to its business date
 * (`advance`, the inline catch-up of DESIGN §10), then applies its own effect. Each returns the
 * new state, the events in order (the catch-up's first) and balanced postings; a refused
 * command throws a typed DomainError and leaves the given state untouched.
 */
import { addDays, daysBetween, parseBusinessDate, toDay, type BusinessDate } from './calendar.ts';
import { notePeakDpd, daysPastDue, updateDelinquency } from './classification.ts';
import { DomainError, ValidationError, invariant } from './errors.ts';
import { assertFen, formatYuan } from './money.ts';
import { assertRatePpm, assertSpreadBp, contractRatePpm, penaltyRatePpm } from './rates.ts';
import { advanceDraft, cloneState, dropCleanDrawdowns } from './advance.ts';
import { accrueTo } from './drawdown-accrual.ts';
import { allocate, type Allocation } from './allocation.ts';
import { isBalanced, transfer } from './postings.ts';
import { MAX_FACILITY_TERM_DAYS, resolveTerms, type ProductTerms } from './terms.ts';
import { payableOnDraft, payoffOf, principalOutstanding, sumAmounts, type CategoryAmounts } from './valuation.ts';
import type { DomainEvent, Drawdown, FacilityState, Pricing, Transition } from './state.ts';
import type { BorrowerProfile } from './profile.ts';
import type { RenewalConfig } from './product.ts';
import type { LprSchedule } from './repricing.ts';
import { assessRenewal, executeRenewal, proposalFor, type RenewalAssessment, type RenewalDecision } from './renewal.ts';

export const FACILITY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

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
export interface DrawdownCommand {
  type: 'Drawdown';
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
  amountFen: number;
  /** Days to the drawdown's maturity; default: the product's maximum, capped at facility maturity. */
  termDays?: number;
  /** The 1-year LPR fixing on or before `date`, looked up by the caller. */
  lprPpm: number;
}
export interface RepaymentCommand {
  type: 'Repayment';
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
  amountFen: number;
}
export interface FreezeCommand {
  type: 'Freeze' | 'Unfreeze';
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
  reason?: string;
}
export interface ChangeLimitCommand {
  type: 'ChangeLimit';
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
  limitFen: number;
}
export interface CloseCommand {
  type: 'Close';
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
}
/** End of day `date`: the state then opens on the next day. Running it twice changes nothing. */
export interface EndOfDayCommand {
  type: 'EndOfDay';
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
}
/** An SME's renewal application; the caller supplies the data the checks read, so replay is deterministic. */
export interface ApplyRenewalCommand {
  type: 'ApplyRenewal';
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
  applicationId: string;
  profile: BorrowerProfile | null;
  config: RenewalConfig;
  lprPpm: number;
  /** The spread the pricing model quotes today. */
  spreadBp: number;
}
/** Operations' decision on a referred application; approval re-runs the checks and may not override a REJECT. */
export interface DecideRenewalCommand {
  type: 'DecideRenewal';
  date: BusinessDate;
  /** LPR fixings for the floating-rate repricing dates this command's catch-up crosses (see lprNeeded). */
  lpr?: LprSchedule;
  applicationId: string;
  decision: 'APPROVE' | 'DECLINE';
  note: string;
  decidedBy: string;
  profile: BorrowerProfile | null;
  config: RenewalConfig;
  lprPpm: number;
  spreadBp: number;
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

export interface RenewalResult extends RenewalAssessment {
  applicationId: string;
  /** The application's final status: APPROVED, REFERRED, REJECTED or, after review, DECLINED. */
  status: RenewalDecision | 'DECLINED';
}

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
    businessDate: date,
    accruedUntil: date,
    drawdowns: [],
    drawdownCount: 0,
    repaymentCount: 0,
    dpdHistory: [],
    pendingRenewal: null,
  };
  const event: DomainEvent = {
    type: 'FacilityOpened',
    date,
    data: { facilityId: state.facilityId, borrowerId: state.borrowerId, limitFen: state.limitFen, effectiveDate: state.effectiveDate, maturityDate: state.maturityDate, pricing: state.pricing },
    postings: [],
  };
  return { state, events: [event], result: undefined };
}

/** Clones the state and rolls it to the command's date; the catch-up events come first. */
function begin(state: FacilityState, command: { date: unknown; lpr?: LprSchedule }): { draft: FacilityState; events: DomainEvent[]; date: BusinessDate } {
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

function finish<R>(draft: FacilityState, events: DomainEvent[], result: R): Transition<R> {
  for (const event of events) invariant(isBalanced(event.postings), `${event.type} postings do not balance`);
  const outstanding = principalOutstanding(draft);
  invariant(outstanding >= 0 && outstanding <= draft.limitFen, 'principal outstanding must stay within [0, limit]');
  return { state: draft, events, result };
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
  draft.drawdownCount += 1;
  const ratePpm = contractRatePpm(lprPpm, draft.pricing.spreadBp, draft.pricing.floorPpm);
  const loan: Drawdown = {
    drawdownId: `${draft.facilityId}-D${String(draft.drawdownCount).padStart(4, '0')}`,
    ordinal: draft.drawdownCount,
    amountFen,
    principalFen: amountFen,
    drawnDate: date,
    maturityDate: addDays(date, termDays),
    ratePpm,
    penaltyRatePpm: penaltyRatePpm(ratePpm, terms.penaltyUpliftPct),
    status: 'ACTIVE',
    overdueSince: null,
    interestAcc: [],
    penaltyAcc: [],
    compoundAcc: [],
    interestItems: [],
    penaltyDueFen: 0,
    compoundDueFen: 0,
  };
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
  accrueTo(draft, day);
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
  const previous = updateDelinquency(draft, day);
  const repaymentId = `${draft.facilityId}-R${String(draft.repaymentCount).padStart(4, '0')}`;
  const result: RepaymentResult = { repaymentId, amountFen, allocation: allocation.totals, byDrawdown: allocation.byDrawdown };
  events.push({ type: 'RepaymentApplied', date, data: { ...result }, postings: allocation.postings });
  if (previous !== null) events.push({ type: 'ClassificationChanged', date, data: { from: previous, to: draft.classification }, postings: [] });
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
  accrueTo(draft, toDay(date));
  const payable = payoffOf(sumAmounts(payableOnDraft(draft, date)));
  if (payable > 0 || draft.drawdowns.length > 0) {
    throw new DomainError('outstanding-balance', `${formatYuan(payable)} yuan is still payable; repay it before closing`, { payable: formatYuan(payable) });
  }
  events.push({ type: 'FacilityClosed', date, data: { previousStatus: draft.status }, postings: [] });
  draft.status = 'CLOSED';
  return finish(draft, events, undefined);
}

/** Persists what `advance` produces for the end of `date`; a no-op when that end is already applied. */
export function endOfDay(state: FacilityState, command: EndOfDayCommand): Transition {
  const date = parseBusinessDate(command.date, 'date');
  const next = toDay(date) + 1;
  if (next <= toDay(state.businessDate)) return { state, events: [], result: undefined };
  const draft = cloneState(state);
  const events: DomainEvent[] = [];
  advanceDraft(draft, next, events, command.lpr);
  return finish(draft, events, undefined);
}

function assess(draft: FacilityState, date: BusinessDate, command: ApplyRenewalCommand | DecideRenewalCommand): RenewalAssessment {
  assertRatePpm(command.lprPpm, 'lprPpm');
  assertSpreadBp(command.spreadBp, 'spreadBp');
  accrueTo(draft, toDay(date));
  const owed = sumAmounts(payableOnDraft(draft, date));
  const proposal = proposalFor(draft, command.config, command.lprPpm, command.spreadBp);
  return assessRenewal(draft, owed, date, command.profile, command.config, proposal);
}

/** The renewal checks an application made now would meet, without changing anything. */
export function previewRenewal(state: FacilityState, command: ApplyRenewalCommand): RenewalAssessment {
  const { draft, date } = begin(state, command);
  return assess(draft, date, command);
}

export function applyRenewal(state: FacilityState, command: ApplyRenewalCommand): Transition<RenewalResult> {
  const { draft, events, date } = begin(state, command);
  if (draft.pendingRenewal !== null) {
    throw new DomainError('renewal-pending', `application ${draft.pendingRenewal.applicationId} is already under review`, {
      applicationId: draft.pendingRenewal.applicationId,
    });
  }
  const assessment = assess(draft, date, command);
  const { applicationId } = command;
  if (assessment.decision === 'APPROVED') {
    const renewal = executeRenewal(draft, date, assessment.proposal);
    events.push({ type: 'FacilityRenewed', date, data: { applicationId, ...renewal, checks: assessment.checks }, postings: [] });
  } else if (assessment.decision === 'REFERRED') {
    draft.pendingRenewal = { applicationId, appliedOn: date, checks: assessment.checks, proposal: assessment.proposal };
    events.push({ type: 'RenewalReferred', date, data: { applicationId, checks: assessment.checks, proposal: assessment.proposal }, postings: [] });
  } else {
    events.push({ type: 'RenewalRejected', date, data: { applicationId, checks: assessment.checks }, postings: [] });
  }
  return finish(draft, events, { applicationId, status: assessment.decision, ...assessment });
}

export function decideRenewal(state: FacilityState, command: DecideRenewalCommand): Transition<RenewalResult> {
  const { draft, events, date } = begin(state, command);
  const pending = draft.pendingRenewal;
  if (pending === null || pending.applicationId !== command.applicationId) {
    throw new DomainError('not-found', `no renewal application ${command.applicationId} awaits a decision on this facility`);
  }
  const { applicationId, note, decidedBy } = command;
  draft.pendingRenewal = null;
  if (command.decision === 'DECLINE') {
    events.push({ type: 'RenewalDeclined', date, data: { applicationId, note, decidedBy }, postings: [] });
    return finish(draft, events, { applicationId, status: 'DECLINED', decision: 'REFERRED', checks: pending.checks, proposal: pending.proposal });
  }
  const assessment = assess(draft, date, command);
  const hardFailures = assessment.checks.filter((c) => c.outcome === 'REJECT');
  if (hardFailures.length > 0) {
    throw new DomainError('renewal-not-eligible', `cannot approve: ${hardFailures.map((c) => `${c.code} (${c.detail})`).join('; ')}`, {
      checks: assessment.checks,
    });
  }
  const renewal = executeRenewal(draft, date, assessment.proposal);
  events.push({ type: 'FacilityRenewed', date, data: { applicationId, ...renewal, checks: assessment.checks, approvedBy: decidedBy, note }, postings: [] });
  return finish(draft, events, { applicationId, status: 'APPROVED', decision: 'APPROVED', checks: assessment.checks, proposal: assessment.proposal });
}

/** One entry point for the journal: replaying every stored command reproduces the state. */
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

