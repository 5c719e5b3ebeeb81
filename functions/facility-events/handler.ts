/** GET /v1/facilities/{facilityId}/events: the facility's journal, paged. */
import { appDeps } from '#app/wiring.ts';
import { listEvents } from '#app/history.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('facility-events'), async ({ path, query }) => {
  const page = await listEvents(appDeps(), path.facilityId, { ...query });
  return { status: 200, body: { items: page.items, ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor }) } };
});
