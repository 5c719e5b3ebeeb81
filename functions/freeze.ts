/** The one handler of freezing and unfreezing a credit line (ops-freeze, ops-unfreeze): the same command but for its type. */
import { freezeFacility } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import type { opsFreezeRoute, opsUnfreezeRoute } from './routes/ops.ts';
import { commandContext } from './context.ts';
import { appDeps } from './wiring.ts';

export function freezeHandler(route: typeof opsFreezeRoute | typeof opsUnfreezeRoute, type: 'Freeze' | 'Unfreeze') {
  return httpHandler(
    route,
    async (ctx) => freezeFacility(ctx.deps, ctx.path.facilityId, commandContext(ctx), { type, ...(ctx.body.reason === undefined ? {} : { reason: ctx.body.reason }) }),
    { deps: appDeps },
  );
}
