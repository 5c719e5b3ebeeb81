/** Channel routes (bank systems, SigV4): credit lines, drawdowns, repayments, history, pricing. */
import type { Role } from '#http/principal.ts';
import { defineRoute } from '#http/route.ts';
import {
  AsOfQuery,
  DrawdownRequest,
  DrawdownResponse,
  EventsPage,
  EventsQuery,
  FacilityPath,
  FacilityView,
  OpenFacilityRequest,
  RepaymentRequest,
  RepaymentResponse,
  StatementQuery,
  StatementResponse,
} from '#api/facilities.ts';
import { QuoteRequest, QuoteView, RenewalCheckView } from '#api/ops.ts';

/**
 * Reading a credit line as of a date: the same contract for a channel or ops (get-facility) and
 * for its SME (my-facility, where another borrower's line is 404); functions/facility-read.ts
 * handles both.
 */
/* @__NO_SIDE_EFFECTS__ */
export function facilityReadRoute<const S extends { operation: string; path: string; auth: 'iam' | 'cognito'; roles: readonly Role[]; summary: string }>(spec: S) {
  return defineRoute({
    ...spec,
    method: 'GET',
    description:
      'Valued through the date without writing anything: interest accrued to the end of asOf (default: today), ' +
      'arrears, penalty and compound interest, and the payoff amount. asOf may go back a few events ' +
      "before the facility's business date (e.g. yesterday after end of day); further back answers 422 date-before-last-event: use the statement.",
    request: { path: FacilityPath, query: AsOfQuery },
    responses: { 200: FacilityView },
    errors: ['date-before-last-event'],
  });
}

export const openFacilityRoute = /* @__PURE__ */ defineRoute({
  operation: 'open-facility',
  method: 'PUT',
  path: '/v1/facilities/{facilityId}',
  auth: 'iam',
  roles: ['channel'],
  summary: 'Open a credit line (idempotent by facility id)',
  description: 'The same body again answers 200 with the facility; a different body for an existing id answers 409 facility-exists. Without pricing.spreadBp the pricing model prices the borrower.',
  request: { path: FacilityPath, body: OpenFacilityRequest },
  responses: { 200: FacilityView, 201: FacilityView },
  errors: ['facility-exists', 'lpr-not-found', 'borrower-profile-missing'],
});

export const getFacilityRoute = /* @__PURE__ */ facilityReadRoute({
  operation: 'get-facility',
  path: '/v1/facilities/{facilityId}',
  auth: 'iam',
  roles: ['channel', 'ops'],
  summary: 'A credit line valued as of a date (accrued interest, arrears, payoff amount)',
});

export const drawdownRoute = /* @__PURE__ */ defineRoute({
  operation: 'drawdown',
  method: 'POST',
  path: '/v1/facilities/{facilityId}/drawdowns',
  auth: 'iam',
  roles: ['channel'],
  summary: 'Draw down on a credit line (借款)',
  description:
    'Borrows from the line on the request\'s business date at LPR (1-year fixing in force) + the facility\'s spread. Refused while the line is frozen, matured, in arrears, non-performing (不良, until cured) or non-accrual (表外), below the minimum drawdown, beyond the facility\'s maturity or the available limit. The Idempotency-Key makes a retry safe: the same key and body replay the stored 201.',
  request: { path: FacilityPath, body: DrawdownRequest },
  responses: { 201: DrawdownResponse },
  errors: [
    'insufficient-available-limit',
    'facility-frozen',
    'facility-not-active',
    'facility-in-arrears',
    'facility-non-performing',
    'below-minimum-drawdown',
    'outside-facility-term',
    'term-too-long',
    'too-many-open-drawdowns',
    'lpr-not-found',
  ],
});

export const repaymentRoute = /* @__PURE__ */ defineRoute({
  operation: 'repayment',
  method: 'POST',
  path: '/v1/facilities/{facilityId}/repayments',
  auth: 'iam',
  roles: ['channel'],
  summary: 'Repay any amount (还款); the response shows the allocation',
  description:
    'Repays any amount on any day. The amount pays, in the product\'s order, compound and penalty interest, overdue interest, overdue principal, interest due, then principal and accrued interest (allocation in the response). More than the payoff amount is refused (422 overpayment).',
  request: { path: FacilityPath, body: RepaymentRequest },
  responses: { 201: RepaymentResponse },
  errors: ['overpayment', 'facility-closed'],
});

export const facilityEventsRoute = /* @__PURE__ */ defineRoute({
  operation: 'facility-events',
  method: 'GET',
  path: '/v1/facilities/{facilityId}/events',
  auth: 'iam',
  roles: ['channel', 'ops'],
  summary: 'The journal of a credit line, paged',
  description:
    'The facility\'s journal in order, one event per command, with balanced postings. Amounts and rates in `data` are in the API\'s units (yuan and percent strings). Page with `limit` (1 to 100) and the `nextCursor` of the previous page.',
  request: { path: FacilityPath, query: EventsQuery },
  responses: { 200: EventsPage },
});

export const facilityStatementRoute = /* @__PURE__ */ defineRoute({
  operation: 'facility-statement',
  method: 'GET',
  path: '/v1/facilities/{facilityId}/statement',
  auth: 'iam',
  roles: ['channel', 'ops'],
  summary: 'Daily balances and interest accrual between two dates',
  description:
    'One row per day from `from` to `to` (at most 366 days): principal, the day\'s interest to 0.0001 yuan (rounded once, at settlement), running accrued, due, overdue and penalty interest, payoff amount and days past due.',
  request: { path: FacilityPath, query: StatementQuery },
  responses: { 200: StatementResponse },
});

export const renewalCheckRoute = /* @__PURE__ */ defineRoute({
  operation: 'renewal-check',
  method: 'POST',
  path: '/v1/facilities/{facilityId}/renewal-checks',
  auth: 'iam',
  roles: ['channel', 'ops'],
  summary: 'Renewal eligibility preview (无还本续贷), no side effects',
  description:
    'Runs the renewal checks (无还本续贷) for the request\'s business date without writing: the window before maturity, nothing overdue, the borrower\'s profile (size, registration, tax rating, risk grade) and the proposal (new maturity, spread, rate).',
  kind: 'query',
  request: { path: FacilityPath },
  responses: { 200: RenewalCheckView },
  errors: ['lpr-not-found'],
});

export const pricingQuoteRoute = /* @__PURE__ */ defineRoute({
  operation: 'pricing-quote',
  method: 'POST',
  path: '/v1/pricing/quotes',
  auth: 'iam',
  roles: ['channel', 'ops'],
  summary: 'A risk-differentiated price for a borrower, with every component (no side effects)',
  description:
    'Prices a borrower from its profile and the LPR in force on `asOf` (default today): funding, operating, risk, capital cost and target margin, less the relationship discount and the first-loan incentive, never below the rate floor. Writes nothing.',
  kind: 'query',
  request: { body: QuoteRequest },
  responses: { 200: QuoteView },
  errors: ['borrower-profile-missing', 'lpr-not-found'],
});

export const channelRoutes = [openFacilityRoute, getFacilityRoute, drawdownRoute, repaymentRoute, facilityEventsRoute, facilityStatementRoute, renewalCheckRoute, pricingQuoteRoute] as const;
