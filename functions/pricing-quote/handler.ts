/** POST /v1/pricing/quotes: a risk-differentiated price with every component. */
import { appDeps } from '#app/wiring.ts';
import { priceBorrower } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('pricing-quote'), async ({ body, businessDate }) => ({
  status: 200,
  body: (await priceBorrower(appDeps(), body.borrowerId, body.asOf ?? businessDate)).view,
}));
