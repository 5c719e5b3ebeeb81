/** PUT /v1/ops/facilities/{facilityId}/limit: change the limit, never below the outstanding. */
import { administer } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsLimitRoute } from '../routes/ops.ts';
import { commandContext } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  opsLimitRoute,
  async (ctx) => administer(ctx.deps, ctx.path.facilityId, commandContext(ctx), { type: 'ChangeLimit', limitFen: ctx.body.limit }),
  { deps: appDeps },
);
