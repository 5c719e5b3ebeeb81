/** GET /v1/facilities/{facilityId}/statement?from&to: daily balances and accrual. */
import { appDeps } from '#app/wiring.ts';
import { statement } from '#app/history.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('facility-statement'), async ({ path, query }) => ({
  status: 200,
  body: await statement(appDeps(), path.facilityId, query.from, query.to),
}));
