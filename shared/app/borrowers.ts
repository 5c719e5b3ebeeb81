/**
 * Borrower profiles (non-credit data kept by operations) and the pricing quote built on them.
 */
import { DomainError } from '#domain/errors.ts';
import { formatYuan } from '#domain/money.ts';
import { formatPercent } from '#domain/rates.ts';
import { quote, type Quote } from '#domain/pricing.ts';
import type { BorrowerProfile } from '#domain/profile.ts';
import type { BorrowerRecord } from '#ledger/journal.ts';
import type { output } from 'zod/v4/core';
import type { ProfileView as ProfileViewSchema, QuoteView as QuoteViewSchema } from '#api/ops.ts';
import type { AppDeps } from './deps.ts';

export type ProfileView = output<typeof ProfileViewSchema>;
export type QuoteView = output<typeof QuoteViewSchema>;

function profileView(record: BorrowerRecord<BorrowerProfile>): ProfileView | null {
  const p = record.profile;
  if (p === null) return null;
  return {
    ...p,
    // Profiles stored before these fields existed read as the schema's defaults.
    enterpriseSize: p.enterpriseSize ?? null,
    fundsUseCompliant: p.fundsUseCompliant ?? 'unknown',
    priorBankLoan: p.priorBankLoan ?? 'unknown',
    relationship: {
      depositBalance: formatYuan(p.relationship.depositBalanceFen),
      settlementVolume: formatYuan(p.relationship.settlementVolumeFen),
    },
    version: record.version,
    firstLoan: record.firstLoan,
  };
}

/** Replaces the borrower's profile (optimistic on the stored version: a racing update gets 409). */
export async function putProfile(deps: AppDeps, profile: BorrowerProfile): Promise<{ status: 200 | 201; body: ProfileView }> {
  const existing = await deps.store.getBorrower<BorrowerProfile>(profile.borrowerId);
  const version = await deps.store.putBorrowerProfile(profile.borrowerId, profile, existing?.version ?? 0);
  const body = profileView({ borrowerId: profile.borrowerId, profile, version, firstLoan: existing?.firstLoan ?? null })!;
  return { status: existing?.profile ? 200 : 201, body };
}

export async function getProfile(deps: AppDeps, borrowerId: string): Promise<ProfileView> {
  const record = await deps.store.getBorrower<BorrowerProfile>(borrowerId);
  const view = record === null ? null : profileView(record);
  if (view === null) throw new DomainError('not-found', `no profile for borrower ${borrowerId}`);
  return view;
}

/** The borrower's record with a profile, or 422: the pricing model cannot run without one. */
async function requireProfile(deps: AppDeps, borrowerId: string): Promise<{ profile: BorrowerProfile; firstLoan: boolean }> {
  const record = await deps.store.getBorrower<BorrowerProfile>(borrowerId);
  if (record === null || record.profile === null) {
    throw new DomainError('borrower-profile-missing', `borrower ${borrowerId} has no profile: operations must record one before the pricing model can price it`);
  }
  return { profile: record.profile, firstLoan: record.firstLoan === null };
}

export async function priceBorrower(deps: AppDeps, borrowerId: string, asOf: string): Promise<{ quote: Quote; view: QuoteView }> {
  const { profile, firstLoan } = await requireProfile(deps, borrowerId);
  const lpr = await deps.lpr.onOrBefore(asOf);
  const q = quote(deps.product.pricing, { lprPpm: lpr.oneYearPpm, profile, firstLoan });
  return {
    quote: q,
    view: {
      borrowerId,
      asOf,
      lprPercent: formatPercent(q.lprPpm),
      spreadBp: q.spreadBp,
      ratePercent: formatPercent(q.ratePpm),
      floorApplied: q.floorApplied,
      components: q.components,
    },
  };
}
