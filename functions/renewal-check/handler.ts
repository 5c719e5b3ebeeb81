/** POST /v1/facilities/{facilityId}/renewal-checks: a channel previews renewal eligibility. */
import { checkRenewal } from '#app/renewals.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  routeOf('renewal-check'),
  async ({ deps, path, businessDate }) => ({ status: 200, body: await checkRenewal(deps, path.facilityId, businessDate) }),
  { deps: appDeps },
);
