/** POST /v1/ops/facilities/{facilityId}/renewals/{applicationId}/decision: approve (records the renewal contract) or decline a referral. */
import { decideRenewal } from '#app/renewals.ts';
import { parseYuan } from '#domain/money.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsRenewalDecisionRoute } from '../routes/ops.ts';
import { commandContext } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  opsRenewalDecisionRoute,
  async (ctx) => {
    const reply = await decideRenewal(ctx.deps, ctx.path.facilityId, ctx.path.applicationId, commandContext(ctx), ctx.body);
    if (!reply.replayed) {
      ctx.metrics.add(reply.body.status === 'APPROVED' ? 'RenewalsApproved' : 'RenewalsDeclined');
      if (reply.body.status === 'APPROVED') ctx.metrics.add('PrincipalRenewedFen', parseYuan(reply.body.facility.principalOutstanding));
    }
    return reply;
  },
  { deps: appDeps },
);
