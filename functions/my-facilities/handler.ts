/** GET /v1/me/facilities: the signed-in SME's credit lines. */
import { listBorrowerFacilities, readDate } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { myFacilitiesRoute } from '../routes/sme.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  myFacilitiesRoute,
  async ({ deps, principal, query, businessDate }) => ({ status: 200, body: { items: await listBorrowerFacilities(deps, principal.borrowerId!, readDate(query.asOf, businessDate)) } }),
  { deps: appDeps },
);
