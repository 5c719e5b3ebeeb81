/** POST /v1/me/facilities/{facilityId}/renewal-checks: may I renew? No side effects. */
import { checkRenewal } from '#app/renewals.ts';
import { httpHandler } from '#http/middleware.ts';
import { myRenewalCheckRoute } from '../routes/sme.ts';
import { ownerScope } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  myRenewalCheckRoute,
  async ({ deps, path, businessDate, principal }) => ({ status: 200, body: await checkRenewal(deps, path.facilityId, businessDate, ownerScope(principal)) }),
  { deps: appDeps },
);
