/** GET /v1/facilities/{facilityId}?asOf=: the facility valued as of a date, without writing. */
import { appDeps } from '#app/wiring.ts';
import { getFacility } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('get-facility'), async ({ path, query, businessDate }) => ({
  status: 200,
  body: await getFacility(appDeps(), path.facilityId, query.asOf ?? businessDate),
}));
