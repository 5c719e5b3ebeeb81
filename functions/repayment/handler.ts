/** POST /v1/facilities/{facilityId}/repayments: repay any amount (还款); shows the allocation. */
import { repay } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { repaymentRoute } from '../routes/channel.ts';
import { commandContext } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  repaymentRoute,
  async (ctx) => {
    const reply = await repay(ctx.deps, ctx.path.facilityId, commandContext(ctx), { amountFen: ctx.body.amount });
    if (!reply.replayed) {
      ctx.metrics.add('Repayments');
      ctx.metrics.add('RepaymentAmountFen', ctx.body.amount);
    }
    return reply;
  },
  { deps: appDeps },
);
