/** GET /v1/ops/borrowers/{borrowerId}/profile. */
import { getProfile } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsGetProfileRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(opsGetProfileRoute, async ({ deps, path }) => ({ status: 200, body: await getProfile(deps, path.borrowerId) }), { deps: appDeps });
