/**
 * The renewal commands (无还本续贷, DESIGN §8) on the facility state machine: an application
 * (approved and executed at once, referred to operations, or rejected), its side-effect-free
 * preview, and operations' decision on a referred one. The checks themselves are in renewal.ts.
 */
import { begin, finish, type DatedCommand } from './command-base.ts';
import type { BusinessDate } from './calendar.ts';
import { DomainError } from './errors.ts';
import type { RenewalConfig } from './product.ts';
import type { BorrowerProfile } from './profile.ts';
import { assertRatePpm, assertSpreadBp } from './rates.ts';
import { assessRenewal, executeRenewal, proposalFor, type RenewalAssessment, type RenewalDecision } from './renewal.ts';
import type { FacilityState, Transition } from './state.ts';
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
export interface RenewalResult extends RenewalAssessment {
  applicationId: string;
  /** The application's final status: APPROVED, REFERRED, REJECTED or, after review, DECLINED. */
  status: RenewalDecision | 'DECLINED';
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
