/** POST /v1/ops/facilities/{facilityId}/close: close a line with nothing payable. */
import { appDeps } from '#app/wiring.ts';
import { administer } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { commandContext } from '../context.ts';

export const handler = httpHandler(routeOf('ops-close'), async (ctx) => {
  const reply = await administer(appDeps(), ctx.path.facilityId, commandContext(ctx), { type: 'Close' });
  return { status: 200, body: reply.body, replayed: reply.replayed, retries: reply.retries };
});
