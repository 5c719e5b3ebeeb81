/** GET /v1/ops/ledger/trial-balance?date=: every account's balance after the end of the date, over the book. */
import { CSV_CONTENT_TYPE, trialBalance, trialBalanceCsv, wantsCsv } from '#app/reports.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsTrialBalanceRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(opsTrialBalanceRoute, async ({ deps, query, accept }) => {
  const view = await trialBalance(deps, query.date);
  return { status: 200, body: view, ...(wantsCsv(accept) ? { text: { contentType: CSV_CONTENT_TYPE, body: trialBalanceCsv(view) } } : {}) };
}, { deps: appDeps });
