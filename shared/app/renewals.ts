/**
 * Self-service renewal without repaying principal (无还本续贷): a side-effect-free check, the
 * application (approved: the renewal contract is recorded and executes at the old maturity;
 * referred to operations; or rejected with reasons) and operations' decision on a referred one.
 * The review queue follows the journal (renewal-queue.ts, after every append).
 */
import { applyRenewal, decideRenewal as decideRenewalRule, previewRenewal, type ApplyRenewalCommand, type DecideRenewalCommand } from '#domain/renewal-commands.ts';
import { quote } from '#domain/pricing.ts';
import type { BorrowerProfile } from '#domain/profile.ts';
import type { FacilityState } from '#domain/state.ts';
import type { AppDeps, CommandContext } from './deps.ts';
import { assertOwner, loadFacility, runCommand, viewAsOf, type Reply } from './facilities.ts';
import { proposalView } from './renewal-queue.ts';
import type { output } from 'zod/v4/core';
import type { DecisionView, RenewalCheckView as RenewalCheckViewSchema, RenewalView } from '#api/ops.ts';

export type RenewalCheckView = output<typeof RenewalCheckViewSchema>;
/** The SME's application: the assessment, and the facility (with the renewal contract when approved). */
export type RenewalReply = output<typeof RenewalView>;
/** Operations' decision: one shape for every outcome; the original REFERRED decision stays in `history`. */
export type DecisionReply = output<typeof DecisionView>;

/** What the checks read: the borrower's profile, today's LPR and the model's spread (the current one without a profile). */
async function inputs(deps: AppDeps, state: FacilityState, date: string) {
  const record = await deps.store.getBorrower<BorrowerProfile>(state.borrowerId);
  const profile = record?.profile ?? null;
  const lpr = await deps.lpr.onOrBefore(date);
  const spreadBp =
    profile === null ? state.pricing.spreadBp : quote(deps.product.pricing, { lprPpm: lpr.oneYearPpm, profile, firstLoan: record?.firstLoan === null }).spreadBp;
  return { profile, config: deps.product.renewal, lprPpm: lpr.oneYearPpm, spreadBp };
}

export async function checkRenewal(deps: AppDeps, facilityId: string, date: string, caller?: { borrowerId?: string }): Promise<RenewalCheckView> {
  const state = await loadFacility(deps, facilityId);
  assertOwner(state, caller);
  const command: ApplyRenewalCommand = { type: 'ApplyRenewal', date, applicationId: 'preview', ...(await inputs(deps, state, date)) };
  const assessment = previewRenewal(state, command);
  return { decision: assessment.decision, checks: assessment.checks, proposal: proposalView(assessment.proposal) };
}

export async function applyForRenewal(deps: AppDeps, facilityId: string, ctx: CommandContext, caller?: { borrowerId?: string }): Promise<Reply<RenewalReply, 201>> {
  const state = await loadFacility(deps, facilityId);
  assertOwner(state, caller);
  const checkInputs = await inputs(deps, state, ctx.date);
  return (await runCommand(
    deps,
    facilityId,
    ctx,
    { op: 'renewal', facilityId },
    (latest): ApplyRenewalCommand => ({ type: 'ApplyRenewal', date: ctx.date, applicationId: `${facilityId}-A${latest.seq + 1}`, ...checkInputs }),
    applyRenewal,
    (after, r, date) => ({
      status: 201,
      body: {
        applicationId: r.applicationId,
        // An application is never DECLINED: only a decision on a referral is.
        status: r.decision,
        decision: r.decision,
        checks: r.checks,
        proposal: proposalView(r.proposal),
        history: r.history,
        facility: viewAsOf(after, date),
      } satisfies RenewalReply,
    }),
  )) as Reply<RenewalReply, 201>;
}

export async function decideRenewal(
  deps: AppDeps,
  facilityId: string,
  applicationId: string,
  ctx: CommandContext,
  input: { decision: 'APPROVE' | 'DECLINE'; note: string },
): Promise<Reply<DecisionReply, 200>> {
  const state = await loadFacility(deps, facilityId);
  const checkInputs = await inputs(deps, state, ctx.date);
  return (await runCommand(
    deps,
    facilityId,
    ctx,
    { op: 'renewal-decision', facilityId, applicationId, ...input },
    (): DecideRenewalCommand => ({ type: 'DecideRenewal', date: ctx.date, applicationId, decision: input.decision, note: input.note, decidedBy: ctx.actor, ...checkInputs }),
    decideRenewalRule,
    (after, r, date) => ({
      status: 200,
      body: {
        applicationId: r.applicationId,
        status: r.status === 'DECLINED' ? 'DECLINED' : 'APPROVED',
        decidedOn: r.decidedOn,
        note: input.note,
        checks: r.checks,
        history: r.history,
        facility: viewAsOf(after, date),
      } satisfies DecisionReply,
    }),
  )) as Reply<DecisionReply, 200>;
}
