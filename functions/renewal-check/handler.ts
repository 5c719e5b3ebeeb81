/** POST /v1/facilities/{facilityId}/renewal-checks: a channel previews renewal eligibility. */
import { checkRenewal } from '#app/renewals.ts';
import { httpHandler } from '#http/middleware.ts';
import { renewalCheckRoute } from '../routes/channel.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  renewalCheckRoute,
  async ({ deps, path, businessDate }) => ({ status: 200, body: await checkRenewal(deps, path.facilityId, businessDate) }),
  { deps: appDeps },
);
