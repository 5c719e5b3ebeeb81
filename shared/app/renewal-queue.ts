/**
 * The renewal queue operations work from (GET /v1/ops/renewals?status=…): one entry per
 * application under its current status, derived from the journal after each append (by any
 * command or end of day, since a catch-up may expire a referral) and therefore repairable by
 * replaying the journal. REFERRED entries leave the queue when decided or expired.
 */
import type { output } from 'zod/v4/core';
import type { RenewalsPage } from '#api/ops.ts';
import { formatYuan } from '#domain/money.ts';
import { formatPercent } from '#domain/rates.ts';
import type { ApplicationStep } from '#domain/renewal-commands.ts';
import type { FacilityState, RenewalCheck, RenewalProposal } from '#domain/state.ts';
import { principalOutstanding } from '#domain/valuation.ts';
import type { JournalEvent, Page, PageRequest, RenewalQueueEntry, RenewalQueueStatus } from '#ledger/journal.ts';
import type { AppDeps } from './deps.ts';

/** The queue's page item and the proposal as the API shows them: the types come from the contract (shared/api/ops.ts). */
export type RenewalQueueItem = output<typeof RenewalsPage>['items'][number];
export type ProposalView = RenewalQueueItem['proposal'];

export function proposalView(p: RenewalProposal): ProposalView {
  return { newMaturityDate: p.newMaturityDate, spreadBp: p.spreadBp, ratePercent: formatPercent(p.ratePpm) };
}

interface Summary {
  referredBy: RenewalCheck[];
  principalOutstandingFen: number;
  oldMaturityDate: string;
  proposal: RenewalProposal;
  decidedOn: string | null;
  history: ApplicationStep[];
}

interface DomainEventData {
  type: string;
  date: string;
  data: Record<string, unknown>;
}

const RENEWAL_EVENT_TYPES = new Set(['RenewalReferred', 'RenewalApproved', 'RenewalDeclined', 'RenewalExpired']);

/** The domain events of a journal event (a command's own and its catch-up's). */
function domainEvents(event: JournalEvent<FacilityState>): DomainEventData[] {
  const events = (event.data as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? (events as DomainEventData[]) : [];
}

/** True when the journal event moved an application in the queue. */
function touchesRenewalQueue(event: JournalEvent<FacilityState>): boolean {
  return domainEvents(event).some((e) => RENEWAL_EVENT_TYPES.has(e.type));
}

/**
 * Brings the queue in line with what one journal event recorded. Idempotent (puts and removes of
 * the same entries), so a replay or a retry after a lost write repairs it. `stillPending`: a
 * REFERRED entry is put again only while the application still awaits a decision, so a late
 * retry never brings a decided application back.
 */
async function syncRenewalQueue(deps: AppDeps, event: JournalEvent<FacilityState>, options: { replayed?: boolean } = {}): Promise<void> {
  const events = domainEvents(event).filter((e) => RENEWAL_EVENT_TYPES.has(e.type));
  if (events.length === 0) return;
  const { facilityId } = event;
  const state = event.state;
  for (const e of events) {
    const applicationId = String(e.data['applicationId']);
    const base = { facilityId, applicationId, borrowerId: state.borrowerId };
    if (e.type === 'RenewalReferred') {
      if (options.replayed === true) {
        const latest = await deps.store.loadLatest<FacilityState>(facilityId);
        if (latest?.state.pendingRenewal?.applicationId !== applicationId) continue;
      }
      const summary: Summary = {
        referredBy: notPassed(e.data['checks']),
        principalOutstandingFen: principalOutstanding(state),
        oldMaturityDate: String(e.data['oldMaturityDate'] ?? state.maturityDate),
        proposal: e.data['proposal'] as RenewalProposal,
        decidedOn: null,
        history: e.data['history'] as ApplicationStep[],
      };
      await deps.store.putRenewalEntry({ ...base, appliedOn: e.date, status: 'REFERRED', summary: { ...summary } });
      continue;
    }
    const status = e.type === 'RenewalApproved' ? 'APPROVED' : e.type === 'RenewalDeclined' ? 'DECLINED' : 'EXPIRED';
    const summary: Summary = {
      referredBy: notPassed(e.data['referredChecks'] ?? e.data['checks']),
      principalOutstandingFen: principalOutstanding(state),
      oldMaturityDate: String(e.data['oldMaturityDate']),
      proposal: e.data['proposal'] as RenewalProposal,
      decidedOn: e.date,
      history: e.data['history'] as ApplicationStep[],
    };
    await deps.store.putRenewalEntry({ ...base, appliedOn: String(e.data['appliedOn']), status, summary: { ...summary } });
    await deps.store.removeReferral(facilityId, applicationId);
  }
}

/**
 * After an append: brings the queue in line with every event it wrote. A command or end of day after
 * a long gap appends its catch-up as chunks before its own event (a referral may expire in one), so
 * the events after `seenSeq` (the latest the writer first saw) up to its own are read too; as other
 * writers' events may be among them, a REFERRED entry is only put again while it is still pending.
 */
export async function syncRenewalQueueAfterAppend(
  deps: AppDeps,
  facilityId: string,
  seenSeq: number | null,
  appended: { event: JournalEvent<FacilityState>; replayed: boolean },
): Promise<void> {
  if (!appended.replayed && seenSeq !== null) {
    for (let seq = seenSeq + 1; seq < appended.event.seq; seq++) {
      const event = await deps.store.loadEvent<FacilityState>(facilityId, seq);
      if (event !== null && touchesRenewalQueue(event)) await syncRenewalQueue(deps, event, { replayed: true });
    }
  }
  if (touchesRenewalQueue(appended.event)) await syncRenewalQueue(deps, appended.event, { replayed: appended.replayed });
}

function notPassed(checks: unknown): RenewalCheck[] {
  return Array.isArray(checks) ? (checks as RenewalCheck[]).filter((c) => c.outcome !== 'PASS') : [];
}

function itemView(entry: RenewalQueueEntry): RenewalQueueItem {
  const s = entry.summary as unknown as Summary;
  return {
    applicationId: entry.applicationId,
    facilityId: entry.facilityId,
    borrowerId: entry.borrowerId,
    status: entry.status,
    appliedOn: entry.appliedOn,
    referredBy: s.referredBy ?? [],
    principalOutstanding: formatYuan(s.principalOutstandingFen ?? 0),
    oldMaturityDate: s.oldMaturityDate,
    proposal: proposalView(s.proposal),
    decidedOn: s.decidedOn ?? null,
    history: s.history ?? [],
  };
}

/**
 * One page of the queue under a status. REFERRED lists only what can still be decided: an entry
 * whose old maturity is before `today` has expired (end of day or the next command records it
 * and moves the entry to EXPIRED), so it is left out even before that happens.
 */
export async function listRenewals(deps: AppDeps, status: RenewalQueueStatus, today: string, page: PageRequest): Promise<Page<RenewalQueueItem>> {
  const result = await deps.store.listRenewalEntries(status, page);
  const items = result.items.map(itemView).filter((item) => status !== 'REFERRED' || item.oldMaturityDate >= today);
  return { items, nextCursor: result.nextCursor };
}
