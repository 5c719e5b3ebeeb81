/** POST /v1/me/facilities/{facilityId}/renewals: apply to renew without repaying principal (无还本续贷). */
import { applyForRenewal } from '#app/renewals.ts';
import { parseYuan } from '#domain/money.ts';
import { httpHandler } from '#http/middleware.ts';
import { myRenewalRoute } from '../routes/sme.ts';
import { commandContext, ownerScope } from '../context.ts';
import { appDeps } from '../wiring.ts';

const METRIC = { APPROVED: 'RenewalsApproved', REFERRED: 'RenewalsReferred', REJECTED: 'RenewalsRejected' } as const;

export const handler = httpHandler(
  myRenewalRoute,
  async (ctx) => {
    const reply = await applyForRenewal(ctx.deps, ctx.path.facilityId, commandContext(ctx), ownerScope(ctx.principal));
    if (!reply.replayed) {
      ctx.metrics.add(METRIC[reply.body.status]);
      // Approved: the principal outstanding now, which the contract carries over at the old maturity.
      if (reply.body.status === 'APPROVED') ctx.metrics.add('PrincipalRenewedFen', parseYuan(reply.body.facility.principalOutstanding));
    }
    return reply;
  },
  { deps: appDeps },
);
