/** POST /v1/ops/facilities/{facilityId}/renewals/{applicationId}/decision: approve or decline a referral. */
import { appDeps } from '#app/wiring.ts';
import { decideRenewal } from '#app/renewals.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { commandContext } from '../context.ts';

export const handler = httpHandler(routeOf('ops-renewal-decision'), async (ctx) => {
  const reply = await decideRenewal(appDeps(), ctx.path.facilityId, ctx.path.applicationId, commandContext(ctx), ctx.body);
  if (!reply.replayed) ctx.metrics.add(reply.body.status === 'APPROVED' ? 'RenewalsApproved' : 'RenewalsDeclined');
  return { status: 200, body: reply.body, replayed: reply.replayed };
});
