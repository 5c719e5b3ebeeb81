/** GET /v1/me/facilities/{facilityId}: one of the SME's own credit lines (another's is 404). */
import { routeOf } from '../routes.ts';
import { facilityReadHandler } from '../facility-read.ts';

export const handler = facilityReadHandler(routeOf('my-facility'));
