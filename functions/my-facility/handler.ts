/** GET /v1/me/facilities/{facilityId}: one of the SME's own credit lines (another's is 404). */
import { appDeps } from '#app/wiring.ts';
import { getFacility } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { ownerScope } from '../context.ts';

export const handler = httpHandler(routeOf('my-facility'), async ({ path, query, businessDate, principal }) => ({
  status: 200,
  body: await getFacility(appDeps(), path.facilityId, query.asOf ?? businessDate, ownerScope(principal)),
}));
