/** PUT /v1/ops/facilities/{facilityId}/limit: change the limit, never below the outstanding. */
import { administer } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { commandContext } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  routeOf('ops-limit'),
  async (ctx) => administer(ctx.deps, ctx.path.facilityId, commandContext(ctx), { type: 'ChangeLimit', limitFen: ctx.body.limit }),
  { deps: appDeps },
);
