/** POST /v1/ops/facilities/{facilityId}/close: close a line with nothing payable. */
import { closeFacility } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsCloseRoute } from '../routes/ops.ts';
import { commandContext } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(opsCloseRoute, async (ctx) => closeFacility(ctx.deps, ctx.path.facilityId, commandContext(ctx)), { deps: appDeps });
