/** GET /v1/facilities/{facilityId}?asOf=: a channel's (or ops') view of a facility as of a date, without writing. */
import { getFacilityRoute } from '../routes/channel.ts';
import { facilityReadHandler } from '../facility-read.ts';

export const handler = facilityReadHandler(getFacilityRoute);
