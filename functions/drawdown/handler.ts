/** POST /v1/facilities/{facilityId}/drawdowns: borrow from the line (借款). */
import { appDeps } from '#app/wiring.ts';
import { drawdown } from '#app/facilities.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { commandContext } from '../context.ts';

export const handler = httpHandler(routeOf('drawdown'), async (ctx) => {
  const reply = await drawdown(appDeps(), ctx.path.facilityId, commandContext(ctx), { amountFen: ctx.body.amount, ...(ctx.body.termDays === undefined ? {} : { termDays: ctx.body.termDays }) });
  if (!reply.replayed) {
    ctx.metrics.add('Drawdowns');
    ctx.metrics.add('DrawdownAmountFen', ctx.body.amount);
    if (reply.body.firstLoan) ctx.metrics.add('FirstLoanBorrowers');
  }
  return { status: 201, body: reply.body, replayed: reply.replayed, retries: reply.retries };
});
