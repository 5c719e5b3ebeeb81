/** GET /v1/ops/renewals?status=REFERRED|APPROVED|DECLINED|EXPIRED: renewal applications by status. */
import { listRenewals } from '#app/renewal-queue.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsRenewalsRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  opsRenewalsRoute,
  async ({ deps, query, businessDate }) => {
    const page = await listRenewals(deps, query.status, businessDate, {
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
    });
    return { status: 200, body: { items: [...page.items], ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor }) } };
  },
  { deps: appDeps },
);
