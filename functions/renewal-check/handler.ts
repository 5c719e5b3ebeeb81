/** POST /v1/facilities/{facilityId}/renewal-checks: a channel previews renewal eligibility. */
import { appDeps } from '#app/wiring.ts';
import { checkRenewal } from '#app/renewals.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('renewal-check'), async ({ path, businessDate }) => ({
  status: 200,
  body: await checkRenewal(appDeps(), path.facilityId, businessDate),
}));
