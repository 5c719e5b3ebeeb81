/** GET /v1/ops/lpr?limit=: the fixings published, most recent first (what the console lists before publishing one). */
import { listLpr } from '#app/lpr.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(routeOf('ops-list-lpr'), async ({ deps, query }) => ({ status: 200, body: { items: await listLpr(deps.lpr, query.limit) } }), { deps: appDeps });
