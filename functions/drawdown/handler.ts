/** POST /v1/facilities/{facilityId}/drawdowns: borrow from the line (借款). */
import { drawdown } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { drawdownRoute } from '../routes/channel.ts';
import { commandContext } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  drawdownRoute,
  async (ctx) => {
    const reply = await drawdown(ctx.deps, ctx.path.facilityId, commandContext(ctx), { amountFen: ctx.body.amount, ...(ctx.body.termDays === undefined ? {} : { termDays: ctx.body.termDays }) });
    if (!reply.replayed) {
      ctx.metrics.add('Drawdowns');
      ctx.metrics.add('DrawdownAmountFen', ctx.body.amount);
      if (reply.body.firstLoan) ctx.metrics.add('FirstLoanBorrowers');
    }
    return reply;
  },
  { deps: appDeps },
);
