/** PUT /v1/ops/facilities/{facilityId}/limit: change the limit, never below the outstanding. */
import { appDeps } from '#app/wiring.ts';
import { administer } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { commandContext } from '../context.ts';

export const handler = httpHandler(routeOf('ops-limit'), async (ctx) => {
  const reply = await administer(appDeps(), ctx.path.facilityId, commandContext(ctx), { type: 'ChangeLimit', limitFen: ctx.body.limit });
  return { status: 200, body: reply.body, replayed: reply.replayed, retries: reply.retries };
});
