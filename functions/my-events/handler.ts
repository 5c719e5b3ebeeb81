/** GET /v1/me/facilities/{facilityId}/events: the SME's own line's journal, paged (another borrower's is 404). */
import { listEvents } from '#app/history.ts';
import { httpHandler } from '#http/middleware.ts';
import { myEventsRoute } from '../routes/sme.ts';
import { ownerScope } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  myEventsRoute,
  async ({ deps, path, query, principal }) => {
    const page = await listEvents(deps, path.facilityId, { ...query }, ownerScope(principal));
    return { status: 200, body: { items: page.items, ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor }) } };
  },
  { deps: appDeps },
);
