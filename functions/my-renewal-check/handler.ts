/** POST /v1/me/facilities/{facilityId}/renewal-checks: may I renew? No side effects. */
import { appDeps } from '#app/wiring.ts';
import { checkRenewal } from '#app/renewals.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { ownerScope } from '../context.ts';

export const handler = httpHandler(routeOf('my-renewal-check'), async ({ path, businessDate, principal }) => ({
  status: 200,
  body: await checkRenewal(appDeps(), path.facilityId, businessDate, ownerScope(principal)),
}));
