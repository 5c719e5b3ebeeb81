/** SME self-service routes (Cognito JWT with a borrower_id claim): own facilities and renewal. */
import { defineRoute } from '#http/route.ts';
import { AsOfQuery, EventsPage, EventsQuery, FacilityList, FacilityPath, StatementQuery, StatementResponse } from '#api/facilities.ts';
import { facilityReadRoute } from './channel.ts';
import { RenewalCheckView, RenewalView } from '#api/ops.ts';

export const myFacilitiesRoute = /* @__PURE__ */ defineRoute({
  operation: 'my-facilities',
  method: 'GET',
  path: '/v1/me/facilities',
  auth: 'cognito',
  roles: ['sme'],
  summary: 'My credit lines, valued today',
  description:
    'The signed-in SME\'s credit lines (its borrower comes from the token\'s custom:borrower_id claim), each valued as of `asOf` (default today).',
  request: { query: AsOfQuery },
  responses: { 200: FacilityList },
});

export const myFacilityRoute = /* @__PURE__ */ facilityReadRoute({
  operation: 'my-facility',
  path: '/v1/me/facilities/{facilityId}',
  auth: 'cognito',
  roles: ['sme'],
  summary: 'One of my credit lines, valued as of a date',
});

export const myStatementRoute = /* @__PURE__ */ defineRoute({
  operation: 'my-statement',
  method: 'GET',
  path: '/v1/me/facilities/{facilityId}/statement',
  auth: 'cognito',
  roles: ['sme'],
  summary: 'Daily statement of one of my credit lines',
  description:
    'The daily statement of one of the SME\'s own lines; another borrower\'s line is 404, never 403.',
  request: { path: FacilityPath, query: StatementQuery },
  responses: { 200: StatementResponse },
});

export const myEventsRoute = /* @__PURE__ */ defineRoute({
  operation: 'my-events',
  method: 'GET',
  path: '/v1/me/facilities/{facilityId}/events',
  auth: 'cognito',
  roles: ['sme'],
  summary: 'What happened on one of my credit lines: drawdowns, repayments, settlements, charges and renewal decisions (paged journal)',
  description:
    "The journal of one of the SME's own lines in order, one event per command, amounts and rates in the API's units (yuan and percent strings); page with `limit` (1 to 100) and the `nextCursor` of the previous page. Another borrower's line is 404, never 403.",
  request: { path: FacilityPath, query: EventsQuery },
  responses: { 200: EventsPage },
});

export const myRenewalCheckRoute = /* @__PURE__ */ defineRoute({
  operation: 'my-renewal-check',
  method: 'POST',
  path: '/v1/me/facilities/{facilityId}/renewal-checks',
  auth: 'cognito',
  roles: ['sme'],
  summary: 'Can I renew without repaying principal? (preview, no side effects)',
  description:
    'The renewal checks for one of the SME\'s own lines, without writing: whether it can renew without repaying principal, and the proposal.',
  kind: 'query',
  request: { path: FacilityPath },
  responses: { 200: RenewalCheckView },
  errors: ['lpr-not-found'],
});

export const myRenewalRoute = /* @__PURE__ */ defineRoute({
  operation: 'my-renewal',
  method: 'POST',
  path: '/v1/me/facilities/{facilityId}/renewals',
  auth: 'cognito',
  roles: ['sme'],
  summary: 'Apply to renew without repaying principal (无还本续贷)',
  description:
    'APPROVED records the renewal contract (the facility view shows it as renewalContract): nothing about the running loans changes before the old maturity, when each outstanding drawdown is settled by a new one at the new rate, principal carried with no repayment. REFERRED goes to operations, who must decide before the old maturity ends; REJECTED lists the reasons. Each check has a stable reason code and says what the SME can do.',
  request: { path: FacilityPath },
  responses: { 201: RenewalView },
  errors: ['renewal-pending', 'renewal-approved', 'lpr-not-found'],
});

export const smeRoutes = [myFacilitiesRoute, myFacilityRoute, myStatementRoute, myEventsRoute, myRenewalCheckRoute, myRenewalRoute] as const;
