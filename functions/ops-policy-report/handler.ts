/** GET /v1/ops/reports/policy?month=YYYY-MM | ?year=YYYY: the period's policy figures (JSON, or CSV for Accept: text/csv). */
import { CSV_CONTENT_TYPE, figuresCsv, policyPeriodReport, wantsCsv } from '#app/reports.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsPolicyReportRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(opsPolicyReportRoute, async ({ deps, query, businessDate, accept }) => {
  const report = await policyPeriodReport(deps, query, businessDate);
  return { status: 200, body: report, ...(wantsCsv(accept) ? { text: { contentType: CSV_CONTENT_TYPE, body: figuresCsv(report) } } : {}) };
}, { deps: appDeps });
