/** PUT /v1/ops/lpr/{date}: publish or correct an LPR fixing (multiples of 5 bp). */
import { formatPercent } from '#domain/rates.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsPutLprRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  opsPutLprRoute,
  async ({ deps, path, body }) => {
    await deps.lpr.publish({ date: path.date, oneYearPpm: body.oneYear, fiveYearPpm: body.fiveYear });
    return { status: 200, body: { date: path.date, oneYear: formatPercent(body.oneYear), fiveYear: formatPercent(body.fiveYear) } };
  },
  { deps: appDeps },
);
