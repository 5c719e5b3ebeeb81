/** GET /v1/me/facilities: the signed-in SME's credit lines. */
import { appDeps } from '#app/wiring.ts';
import { listBorrowerFacilities } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('my-facilities'), async ({ principal, query, businessDate }) => ({
  status: 200,
  body: { items: await listBorrowerFacilities(appDeps(), principal.borrowerId!, query.asOf ?? businessDate) },
}));
