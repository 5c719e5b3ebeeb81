/** GET /v1/ops/portfolio?date=: the portfolio report end of day kept for the date (404 when none ran). */
import { loadPortfolio } from '#app/reports.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsPortfolioRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(opsPortfolioRoute, async ({ deps, query }) => ({ status: 200, body: await loadPortfolio(deps, query.date) }), { deps: appDeps });
