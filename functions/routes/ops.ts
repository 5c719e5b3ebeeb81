/** Operations routes (SigV4, ops role): LPR, borrower data, facility controls, renewal review, end of day and its report. */
import { defineRoute } from '#http/route.ts';
import { FacilityPath, FacilityView, FreezeRequest, LimitRequest } from '#api/facilities.ts';
import {
  BorrowerPath,
  DecisionPath,
  DecisionRequest,
  EodPath,
  EodReportView,
  LprList,
  LprListQuery,
  LprPath,
  LprRequest,
  LprView,
  PortfolioQuery,
  ProfileRequest,
  ProfileView,
  DecisionView,
  RenewalsPage,
  RenewalsQuery,
} from '#api/ops.ts';
import { LedgerDateQuery, PolicyPeriodReport, PolicyReportQuery, PostingsPage, PostingsQuery, TrialBalanceView } from '#api/reports.ts';

/** Freezing and unfreezing: one command each way, the same contract (functions/freeze.ts handles both). */
/* @__NO_SIDE_EFFECTS__ */
function freezeRoute<const A extends 'freeze' | 'unfreeze'>(action: A, summary: string) {
  return defineRoute({
    operation: `ops-${action}`,
    method: 'POST',
    path: `/v1/ops/facilities/{facilityId}/${action}`,
    auth: 'iam',
    roles: ['ops'],
    summary,
    description: `Recorded in the journal with the optional reason. Only ${action === 'freeze' ? 'an ACTIVE facility can be frozen' : 'a FROZEN facility can be unfrozen'}; any other answers 422 invalid-state.`,
    request: { path: FacilityPath, body: FreezeRequest },
    responses: { 200: FacilityView },
    errors: ['invalid-state'],
  });
}

export const opsListLprRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-list-lpr',
  method: 'GET',
  path: '/v1/ops/lpr',
  auth: 'iam',
  roles: ['ops'],
  summary: 'The LPR fixings published, most recent first',
  description:
    'Every published 1-year and 5-year LPR fixing (percent with 4 decimals), newest first, at most `limit` of them (default and bounds in the query schema). What the console lists before publishing a new one with PUT /v1/ops/lpr/{date}.',
  request: { query: LprListQuery },
  responses: { 200: LprList },
});

export const opsPutLprRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-put-lpr',
  method: 'PUT',
  path: '/v1/ops/lpr/{date}',
  auth: 'iam',
  roles: ['ops'],
  summary: 'Publish (or correct) an LPR fixing',
  description:
    'Publishes the 1-year and 5-year LPR fixing of a date (multiples of 5 bp). Drawdowns on or after the date use it; floating-rate lines reprice on their repricing dates. Publishing the same date again corrects it.',
  request: { path: LprPath, body: LprRequest },
  responses: { 200: LprView },
});

export const opsPutProfileRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-put-profile',
  method: 'PUT',
  path: '/v1/ops/borrowers/{borrowerId}/profile',
  auth: 'iam',
  roles: ['ops'],
  summary: "Record a borrower's profile (non-credit data for renewal and pricing)",
  description:
    'Records (or replaces) a borrower\'s non-credit data, used by the renewal checks and the pricing model. 201 when it is the first profile, 200 when it replaces one; a racing update answers 409 concurrent-modification.',
  request: { path: BorrowerPath, body: ProfileRequest },
  responses: { 200: ProfileView, 201: ProfileView },
  errors: ['concurrent-modification'],
});

export const opsGetProfileRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-get-profile',
  method: 'GET',
  path: '/v1/ops/borrowers/{borrowerId}/profile',
  auth: 'iam',
  roles: ['ops'],
  summary: "A borrower's profile",
  description:
    'The borrower\'s current profile with its version and, once it has borrowed, its first loan (首贷户).',
  request: { path: BorrowerPath },
  responses: { 200: ProfileView },
});

export const opsFreezeRoute = /* @__PURE__ */ freezeRoute('freeze', 'Freeze a credit line: no drawdowns until unfrozen; repayments still accepted');

export const opsUnfreezeRoute = /* @__PURE__ */ freezeRoute('unfreeze', 'Unfreeze a credit line: drawdowns allowed again');

export const opsLimitRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-limit',
  method: 'PUT',
  path: '/v1/ops/facilities/{facilityId}/limit',
  auth: 'iam',
  roles: ['ops'],
  summary: 'Change the limit (never below the principal outstanding)',
  description:
    'Changes the credit limit; never below the principal outstanding (422 limit-below-outstanding). Requires an Idempotency-Key like the POST commands.',
  idempotencyKey: true,
  request: { path: FacilityPath, body: LimitRequest },
  responses: { 200: FacilityView },
  errors: ['limit-below-outstanding', 'facility-not-active'],
});

export const opsCloseRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-close',
  method: 'POST',
  path: '/v1/ops/facilities/{facilityId}/close',
  auth: 'iam',
  roles: ['ops'],
  summary: 'Close a credit line that owes nothing',
  description:
    'Closes a line that owes nothing (no principal, interest or penalty). Closed lines take no further commands.',
  request: { path: FacilityPath },
  responses: { 200: FacilityView },
  errors: ['outstanding-balance', 'facility-closed'],
});

export const opsRenewalsRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-renewals',
  method: 'GET',
  path: '/v1/ops/renewals',
  auth: 'iam',
  roles: ['ops'],
  summary: 'Renewal applications by status: REFERRED (awaiting a decision), APPROVED, DECLINED or EXPIRED',
  description:
    'REFERRED lists only applications that can still be decided (the old maturity date has not passed); one still undecided at the end of the maturity date expires and moves to EXPIRED when end of day (or the next command on the line) records it.',
  request: { query: RenewalsQuery },
  responses: { 200: RenewalsPage },
});

export const opsRenewalDecisionRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-renewal-decision',
  method: 'POST',
  path: '/v1/ops/facilities/{facilityId}/renewals/{applicationId}/decision',
  auth: 'iam',
  roles: ['ops'],
  summary: 'Approve or decline a referred renewal (approval re-checks the hard rules)',
  description:
    'Approval records the renewal contract (new maturity, spread and rate); it executes at the opening of the old maturity date, settling each outstanding drawdown by a new one. A referral not decided by the end of the maturity date expires: deciding it then is 422 renewal-expired.',
  request: { path: DecisionPath, body: DecisionRequest },
  responses: { 200: DecisionView },
  errors: ['renewal-not-eligible', 'renewal-expired'],
});

export const opsEodRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-eod',
  method: 'POST',
  path: '/v1/ops/eod/{date}',
  auth: 'iam',
  roles: ['ops'],
  summary: 'Run end of day for a date (idempotent: a second run changes nothing)',
  description:
    'Runs end of day for a date on every facility, shard by shard, within the request (small books: deployed, at most 1 000 facilities, else 422 eod-book-too-large before anything is written; on the local server any book; the nightly Step Functions run maps over the shards in AWS), and keeps the date\'s portfolio report. Idempotent by the date: a second run changes nothing.',
  idempotencyKey: false,
  request: { path: EodPath },
  responses: { 200: EodReportView },
  errors: ['eod-date-in-future', 'eod-book-too-large'],
});

export const opsPortfolioRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-portfolio',
  method: 'GET',
  path: '/v1/ops/portfolio',
  auth: 'iam',
  roles: ['ops'],
  summary: 'The portfolio report end of day kept for a date (the nightly run or a run by hand), with its policy figures',
  description:
    'The portfolio report end of day kept for the date: facilities processed and changed, failures, events by type, the portfolio totals in yuan and the policy figures (普惠小微, 首贷户, 信用贷款, new lending, 无还本续贷, five-tier balances by borrower, 不良率; docs/reporting.md). 404 when no end of day has run for the date.',
  request: { query: PortfolioQuery },
  responses: { 200: EodReportView },
  errors: ['not-found'],
});

export const opsPolicyReportRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-policy-report',
  method: 'GET',
  path: '/v1/ops/reports/policy',
  auth: 'iam',
  roles: ['ops'],
  summary: "The policy figures of a month (?month=YYYY-MM) or a year (?year=YYYY): period-end figures and the period's flows",
  description:
    "The figures of the period's last end-of-day report (its last day, or the latest report in it) and the period's flows: new lending and its weighted rate, 普惠小微 new lending, 首贷户, 无还本续贷 (docs/reporting.md). With `Accept: text/csv`: one row per figure, with Chinese and English labels. 404 for a period that has not begun or has no report.",
  request: { query: PolicyReportQuery },
  responses: { 200: PolicyPeriodReport },
  alsoAs: ['text/csv'],
  errors: ['not-found'],
});

export const opsTrialBalanceRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-trial-balance',
  method: 'GET',
  path: '/v1/ops/ledger/trial-balance',
  auth: 'iam',
  roles: ['ops'],
  summary: 'Balance of every account, on and off balance sheet, after the end of a date, summed over the book',
  description:
    "Every account of the chart, debit-positive net balance as kept by that date's end of day (the sum of every facility state after the end of the date), with debit and credit totals, for the bank's general ledger. Memo (表外) accounts are marked offBalanceSheet. With `Accept: text/csv`: one row per account. 404 when no end of day has run for the date.",
  request: { query: LedgerDateQuery },
  responses: { 200: TrialBalanceView },
  alsoAs: ['text/csv'],
  errors: ['not-found'],
});

export const opsPostingsRoute = /* @__PURE__ */ defineRoute({
  operation: 'ops-postings',
  method: 'GET',
  path: '/v1/ops/ledger/postings',
  auth: 'iam',
  roles: ['ops'],
  summary: "A date's postings over the book, a page of facilities at a time (for the bank's general ledger)",
  description: 'With `Accept: text/csv`: one row per posting; the next page is in the `Link` header (rel="next").',
  request: { query: PostingsQuery },
  responses: { 200: PostingsPage },
  alsoAs: ['text/csv'],
});

export const opsRoutes = [
  opsListLprRoute,
  opsPutLprRoute,
  opsPutProfileRoute,
  opsGetProfileRoute,
  opsFreezeRoute,
  opsUnfreezeRoute,
  opsLimitRoute,
  opsCloseRoute,
  opsRenewalsRoute,
  opsRenewalDecisionRoute,
  opsEodRoute,
  opsPortfolioRoute,
  opsPolicyReportRoute,
  opsTrialBalanceRoute,
  opsPostingsRoute,
] as const;
