/** GET /v1/facilities/{facilityId}/events: the facility's journal, paged. */
import { listEvents } from '#app/history.ts';
import { httpHandler } from '#http/middleware.ts';
import { facilityEventsRoute } from '../routes/channel.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  facilityEventsRoute,
  async ({ deps, path, query }) => {
    const page = await listEvents(deps, path.facilityId, { ...query });
    return { status: 200, body: { items: page.items, ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor }) } };
  },
  { deps: appDeps },
);
