/** GET /v1/ops/lpr?limit=: the fixings published, most recent first (what the console lists before publishing one). */
import { listLpr } from '#app/lpr.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsListLprRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(opsListLprRoute, async ({ deps, query }) => ({ status: 200, body: { items: await listLpr(deps.lpr, query.limit) } }), { deps: appDeps });
