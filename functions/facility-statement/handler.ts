/** GET /v1/facilities/{facilityId}/statement?from&to: daily balances and accrual. */
import { readDate } from '#app/facilities.ts';
import { statement } from '#app/history.ts';
import { httpHandler } from '#http/middleware.ts';
import { facilityStatementRoute } from '../routes/channel.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  facilityStatementRoute,
  async ({ deps, path, query, businessDate }) => ({ status: 200, body: await statement(deps, path.facilityId, query.from, readDate(query.to, businessDate, 'to')) }),
  { deps: appDeps },
);
