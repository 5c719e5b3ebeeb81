/**
 * The renewal commands (无还本续贷, docs/renewal.md) on the facility state
 * machine: an application (approved, referred to operations, or rejected), its side-effect-free
 * preview, and operations' decision on a referred one. An approval records the renewal contract;
 * nothing about the running loans changes before the old maturity, when the date engine executes
 * it (renewal-execution.ts). The checks themselves are in renewal-checks.ts.
 */
import { begin, finish, type DatedCommand } from './command-base.ts';
import { toDay, type BusinessDate } from './calendar.ts';
import { DomainError } from './errors.ts';
import type { RenewalConfig } from './product.ts';
import type { BorrowerProfile } from './profile.ts';
import { assertRatePpm, assertSpreadBp } from './rates.ts';
import { assessRenewal, proposalFor, type RenewalAssessment, type RenewalDecision } from './renewal.ts';
import { contractFor, executeRenewalContract } from './renewal-execution.ts';
import type { DomainEvent, FacilityState, PendingRenewal, RenewalCheck, RenewalProposal, Transition } from './state.ts';
import { payableOnDraft, sumAmounts } from './valuation.ts';

/** An SME's renewal application; the caller supplies the data the checks read, so replay is deterministic. */
export interface ApplyRenewalCommand extends DatedCommand {
  type: 'ApplyRenewal';
  applicationId: string;
  profile: BorrowerProfile | null;
  config: RenewalConfig;
  lprPpm: number;
  /** The spread the pricing model quotes today. */
  spreadBp: number;
}
/** Operations' decision on a referred application; approval re-runs the checks and may not override a REJECT. */
export interface DecideRenewalCommand extends DatedCommand {
  type: 'DecideRenewal';
  applicationId: string;
  decision: 'APPROVE' | 'DECLINE';
  note: string;
  decidedBy: string;
  profile: BorrowerProfile | null;
  config: RenewalConfig;
  lprPpm: number;
  spreadBp: number;
}

/** Who took a step of an application: the automatic checks, an officer, or the date engine. */
export const BY_CHECKS = 'checks';

export interface ApplicationStep {
  status: 'REFERRED' | 'APPROVED' | 'REJECTED' | 'DECLINED' | 'EXPIRED';
  date: BusinessDate;
  by: string;
  note: string | null;
}

export interface RenewalResult extends RenewalAssessment {
  applicationId: string;
  /** The application's status after this command: APPROVED, REFERRED, REJECTED or, after review, DECLINED. */
  status: RenewalDecision | 'DECLINED';
  /** The application's steps so far, the first decision first. */
  history: ApplicationStep[];
  /** The decision's date and note (the application date and null for an application). */
  decidedOn: BusinessDate;
  note: string | null;
}

function assess(draft: FacilityState, date: BusinessDate, command: ApplyRenewalCommand | DecideRenewalCommand): RenewalAssessment {
  assertRatePpm(command.lprPpm, 'lprPpm');
  assertSpreadBp(command.spreadBp, 'spreadBp');
  const owed = sumAmounts(payableOnDraft(draft, date));
  const proposal = proposalFor(draft, command.config, command.lprPpm, command.spreadBp);
  return assessRenewal(draft, owed, date, command.profile, command.config, proposal);
}

/** The renewal checks an application made now would meet, without changing anything. */
export function previewRenewal(state: FacilityState, command: ApplyRenewalCommand): RenewalAssessment {
  const { draft, date } = begin(state, command);
  return assess(draft, date, command);
}

/** A second application while one is under review or approved and not yet executed is refused. */
function assertNoOpenApplication(draft: FacilityState): void {
  if (draft.pendingRenewal !== null) {
    throw new DomainError('renewal-pending', `application ${draft.pendingRenewal.applicationId} is already under review`, {
      applicationId: draft.pendingRenewal.applicationId,
    });
  }
  const contract = draft.renewalContract ?? null;
  if (contract !== null) {
    throw new DomainError('renewal-approved', `application ${contract.applicationId} is approved; the renewal takes effect on ${contract.oldMaturityDate}`, {
      applicationId: contract.applicationId,
      executesOn: contract.oldMaturityDate,
    });
  }
}

/**
 * Records the approved renewal's contract; on the old maturity date itself (whose opening has
 * passed) it is executed at once, exactly as the date engine would have at that opening.
 */
function approve(
  draft: FacilityState,
  date: BusinessDate,
  events: DomainEvent[],
  input: { applicationId: string; appliedOn: BusinessDate; approvedBy: string; note: string | null; checks: RenewalCheck[]; referredChecks: RenewalCheck[]; proposal: RenewalProposal; history: ApplicationStep[] },
): void {
  const { proposal } = input;
  const contract = contractFor(draft, {
    applicationId: input.applicationId,
    approvedOn: date,
    approvedBy: input.approvedBy,
    newMaturityDate: proposal.newMaturityDate,
    spreadBp: proposal.spreadBp,
    ratePpm: proposal.ratePpm,
    lprPpm: proposal.lprPpm ?? 0,
    checks: input.checks,
  });
  draft.renewalContract = contract;
  events.push({
    type: 'RenewalApproved',
    date,
    data: {
      applicationId: input.applicationId,
      appliedOn: input.appliedOn,
      renewalNumber: contract.number,
      oldMaturityDate: contract.oldMaturityDate,
      executesOn: contract.oldMaturityDate,
      proposal,
      checks: input.checks,
      referredChecks: input.referredChecks,
      approvedBy: input.approvedBy,
      note: input.note,
      history: input.history,
    },
    postings: [],
  });
  if (toDay(date) >= toDay(contract.oldMaturityDate)) executeRenewalContract(draft, date, events);
}

export function applyRenewal(state: FacilityState, command: ApplyRenewalCommand): Transition<RenewalResult> {
  const { draft, events, date } = begin(state, command);
  assertNoOpenApplication(draft);
  const assessment = assess(draft, date, command);
  const { applicationId } = command;
  const history: ApplicationStep[] = [{ status: assessment.decision, date, by: BY_CHECKS, note: null }];
  if (assessment.decision === 'APPROVED') {
    approve(draft, date, events, { applicationId, appliedOn: date, approvedBy: BY_CHECKS, note: null, checks: assessment.checks, referredChecks: [], proposal: assessment.proposal, history });
  } else if (assessment.decision === 'REFERRED') {
    const pending: PendingRenewal = { applicationId, appliedOn: date, checks: assessment.checks, proposal: assessment.proposal };
    draft.pendingRenewal = pending;
    events.push({
      type: 'RenewalReferred',
      date,
      data: { applicationId, oldMaturityDate: draft.maturityDate, checks: assessment.checks, proposal: assessment.proposal, history },
      postings: [],
    });
  } else {
    events.push({ type: 'RenewalRejected', date, data: { applicationId, checks: assessment.checks, history }, postings: [] });
  }
  return finish(draft, events, { applicationId, status: assessment.decision, ...assessment, history, decidedOn: date, note: null });
}

export function decideRenewal(state: FacilityState, command: DecideRenewalCommand): Transition<RenewalResult> {
  const { draft, events, date } = begin(state, command);
  const pending = draft.pendingRenewal;
  const { applicationId, note, decidedBy } = command;
  if (pending === null || pending.applicationId !== applicationId) {
    // End of day, or this command's own catch-up, expired it: the maturity date ended undecided.
    const expired = draft.expiredRenewal ?? null;
    if (expired !== null && expired.applicationId === applicationId) {
      throw new DomainError('renewal-expired', `application ${applicationId} expired undecided at the end of the maturity date ${expired.expiredOn}`, {
        applicationId,
        expiredOn: expired.expiredOn,
      });
    }
    throw new DomainError('not-found', `no renewal application ${applicationId} awaits a decision on this facility`);
  }
  draft.pendingRenewal = null;
  const referred: ApplicationStep = { status: 'REFERRED', date: pending.appliedOn, by: BY_CHECKS, note: null };
  if (command.decision === 'DECLINE') {
    const history: ApplicationStep[] = [referred, { status: 'DECLINED', date, by: decidedBy, note }];
    events.push({
      type: 'RenewalDeclined',
      date,
      data: { applicationId, appliedOn: pending.appliedOn, oldMaturityDate: draft.maturityDate, proposal: pending.proposal, referredChecks: pending.checks, decidedBy, note, history },
      postings: [],
    });
    return finish(draft, events, { applicationId, status: 'DECLINED', decision: 'REFERRED', checks: pending.checks, proposal: pending.proposal, history, decidedOn: date, note });
  }
  const assessment = assess(draft, date, command);
  const hardFailures = assessment.checks.filter((c) => c.outcome === 'REJECT');
  if (hardFailures.length > 0) {
    throw new DomainError('renewal-not-eligible', `cannot approve: ${hardFailures.map((c) => `${c.code} (${c.detail})`).join('; ')}`, {
      checks: assessment.checks,
    });
  }
  const history: ApplicationStep[] = [referred, { status: 'APPROVED', date, by: decidedBy, note }];
  approve(draft, date, events, {
    applicationId,
    appliedOn: pending.appliedOn,
    approvedBy: decidedBy,
    note,
    checks: assessment.checks,
    referredChecks: pending.checks,
    proposal: assessment.proposal,
    history,
  });
  return finish(draft, events, { applicationId, status: 'APPROVED', decision: 'APPROVED', checks: assessment.checks, proposal: assessment.proposal, history, decidedOn: date, note });
}
