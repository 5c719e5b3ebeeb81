/** GET /v1/facilities/{facilityId}?asOf=: a channel's (or ops') view of a facility as of a date, without writing. */
import { routeOf } from '../routes.ts';
import { facilityReadHandler } from '../facility-read.ts';

export const handler = facilityReadHandler(routeOf('get-facility'));
