/**
 * The one handler of reading a credit line as of a date, for a channel or ops
 * (get-facility) and for its SME (my-facility: another borrower's line is 404).
 */
import { getFacility, readDate } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import type { getFacilityRoute } from './routes/channel.ts';
import type { myFacilityRoute } from './routes/sme.ts';
import { ownerScope } from './context.ts';
import { appDeps } from './wiring.ts';

export function facilityReadHandler(route: typeof getFacilityRoute | typeof myFacilityRoute) {
  return httpHandler(
    route,
    async ({ deps, path, query, businessDate, principal }) => ({ status: 200, body: await getFacility(deps, path.facilityId, readDate(query.asOf, businessDate), ownerScope(principal)) }),
    { deps: appDeps },
  );
}
