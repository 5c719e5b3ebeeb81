/** GET /v1/ops/renewals?status=REFERRED: the review queue. */
import { listReferrals } from '#app/renewals.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  routeOf('ops-renewals'),
  async ({ deps, query }) => {
    const page = await listReferrals(deps, { ...(query.cursor === undefined ? {} : { cursor: query.cursor }), ...(query.limit === undefined ? {} : { limit: query.limit }) });
    return { status: 200, body: { items: [...page.items], ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor }) } };
  },
  { deps: appDeps },
);
