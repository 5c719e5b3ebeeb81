/** GET /v1/ops/portfolio?date=: the portfolio report end of day kept for the date (404 when none ran). */
import { loadEodReport } from '#app/eod.ts';
import { eodReportView } from '#app/views.ts';
import { appDeps } from '#app/wiring.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('ops-portfolio'), async ({ query }) => ({ status: 200, body: eodReportView(await loadEodReport(appDeps(), query.date)) }));
