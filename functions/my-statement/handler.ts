/** GET /v1/me/facilities/{facilityId}/statement: the SME's own daily statement. */
import { readDate } from '#app/facilities.ts';
import { statement } from '#app/history.ts';
import { httpHandler } from '#http/middleware.ts';
import { myStatementRoute } from '../routes/sme.ts';
import { ownerScope } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  myStatementRoute,
  async ({ deps, path, query, principal, businessDate }) => ({ status: 200, body: await statement(deps, path.facilityId, query.from, readDate(query.to, businessDate, 'to'), ownerScope(principal)) }),
  { deps: appDeps },
);
