/** PUT /v1/ops/facilities/{facilityId}/limit: change the limit, never below the outstanding. */
import { changeLimit } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsLimitRoute } from '../routes/ops.ts';
import { commandContext } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  opsLimitRoute,
  async (ctx) => changeLimit(ctx.deps, ctx.path.facilityId, commandContext(ctx), ctx.body.limit),
  { deps: appDeps },
);
