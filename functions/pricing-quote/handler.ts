/** POST /v1/pricing/quotes: a risk-differentiated price with every component. */
import { priceBorrower } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  routeOf('pricing-quote'),
  async ({ deps, body, businessDate }) => ({ status: 200, body: (await priceBorrower(deps, body.borrowerId, body.asOf ?? businessDate)).view }),
  { deps: appDeps },
);
