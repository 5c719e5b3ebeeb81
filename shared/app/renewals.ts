/**
 * Self-service renewal without repaying principal (无还本续贷): a side-effect-free check, the
 * application (approved and executed in the same append, referred to operations, or
 * rejected with reasons) and operations' decision on referred applications.
 */
import { previewRenewal, type ApplyRenewalCommand, type RenewalResult } from '#domain/renewal-commands.ts';
import { formatPercent } from '#domain/rates.ts';
import { quote } from '#domain/pricing.ts';
import type { BorrowerProfile } from '#domain/profile.ts';
import type { FacilityState, RenewalProposal } from '#domain/state.ts';
import type { Page, PageRequest, ReferredRenewal } from '#ledger/journal.ts';
import type { AppDeps, CommandContext } from './deps.ts';
import { assertOwner, loadFacility, runCommand, viewAsOf, type Reply } from './facilities.ts';
import type { output } from 'zod/v4/core';
import type { RenewalCheckView as RenewalCheckViewSchema, RenewalView } from '#api/ops.ts';

export type ProposalView = RenewalCheckView['proposal'];
export type RenewalCheckView = output<typeof RenewalCheckViewSchema>;
export type RenewalReply = output<typeof RenewalView>;

function proposalView(p: RenewalProposal): ProposalView {
  return { newMaturityDate: p.newMaturityDate, spreadBp: p.spreadBp, ratePercent: formatPercent(p.ratePpm) };
}

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

function renewalResponse<S extends number>(status: S) {
  return (state: FacilityState, r: RenewalResult, date: string) => ({
    status,
    body: { applicationId: r.applicationId, status: r.status, decision: r.decision, checks: r.checks, proposal: proposalView(r.proposal), facility: viewAsOf(state, date) },
  });
}

export async function applyForRenewal(deps: AppDeps, facilityId: string, ctx: CommandContext, caller?: { borrowerId?: string }): Promise<Reply<RenewalReply, 201>> {
  const state = await loadFacility(deps, facilityId);
  assertOwner(state, caller);
  const checkInputs = await inputs(deps, state, ctx.date);
  const reply = (await runCommand<RenewalResult>(
    deps,
    facilityId,
    ctx,
    { op: 'renewal', facilityId },
    (latest) => ({ type: 'ApplyRenewal', date: ctx.date, applicationId: `${facilityId}-A${latest.seq + 1}`, ...checkInputs }),
    renewalResponse(201),
  )) as Reply<RenewalReply, 201>;
  // Derived and repairable: the journal holds the referral; the queue is how ops find it. A replay
  // puts it again (repairing a lost put) only while the application still awaits a decision: a
  // retry after the decision must not bring a decided application back to the queue.
  const pending = async () => (await loadFacility(deps, facilityId)).pendingRenewal?.applicationId === reply.body.applicationId;
  if (reply.body.status === 'REFERRED' && (!reply.replayed || (await pending()))) {
    await deps.store.putReferral({ facilityId, applicationId: reply.body.applicationId, borrowerId: state.borrowerId, appliedOn: reply.event.businessDate });
  }
  return reply;
}

export async function decideRenewal(
  deps: AppDeps,
  facilityId: string,
  applicationId: string,
  ctx: CommandContext,
  input: { decision: 'APPROVE' | 'DECLINE'; note: string },
): Promise<Reply<RenewalReply, 200>> {
  const state = await loadFacility(deps, facilityId);
  const checkInputs = await inputs(deps, state, ctx.date);
  const reply = (await runCommand<RenewalResult>(
    deps,
    facilityId,
    ctx,
    { op: 'renewal-decision', facilityId, applicationId, ...input },
    () => ({ type: 'DecideRenewal', date: ctx.date, applicationId, decision: input.decision, note: input.note, decidedBy: ctx.actor, ...checkInputs }),
    renewalResponse(200),
  )) as Reply<RenewalReply, 200>;
  await deps.store.removeReferral(facilityId, applicationId);
  return reply;
}

export async function listReferrals(deps: AppDeps, page: PageRequest): Promise<Page<ReferredRenewal>> {
  return deps.store.listReferrals(page);
}

