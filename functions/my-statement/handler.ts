/** GET /v1/me/facilities/{facilityId}/statement: the SME's own daily statement. */
import { appDeps } from '#app/wiring.ts';
import { statement } from '#app/history.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { ownerScope } from '../context.ts';

export const handler = httpHandler(routeOf('my-statement'), async ({ path, query, principal }) => ({
  status: 200,
  body: await statement(appDeps(), path.facilityId, query.from, query.to, ownerScope(principal)),
}));
