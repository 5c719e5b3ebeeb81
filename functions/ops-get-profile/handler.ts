/** GET /v1/ops/borrowers/{borrowerId}/profile. */
import { appDeps } from '#app/wiring.ts';
import { getProfile } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('ops-get-profile'), async ({ path }) => ({ status: 200, body: await getProfile(appDeps(), path.borrowerId) }));
