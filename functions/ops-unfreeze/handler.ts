/** POST /v1/ops/facilities/{facilityId}/unfreeze. */
import { appDeps } from '#app/wiring.ts';
import { administer } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { commandContext } from '../context.ts';

export const handler = httpHandler(routeOf('ops-unfreeze'), async (ctx) => {
  const reply = await administer(appDeps(), ctx.path.facilityId, commandContext(ctx), { type: 'Unfreeze', ...(ctx.body.reason === undefined ? {} : { reason: ctx.body.reason }) });
  return { status: 200, body: reply.body, replayed: reply.replayed, retries: reply.retries };
});
