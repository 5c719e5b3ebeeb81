/** POST /v1/pricing/quotes: a risk-differentiated price with every component. */
import { priceBorrower } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { pricingQuoteRoute } from '../routes/channel.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  pricingQuoteRoute,
  async ({ deps, body, businessDate }) => ({ status: 200, body: (await priceBorrower(deps, body.borrowerId, body.asOf ?? businessDate)).view }),
  { deps: appDeps },
);
