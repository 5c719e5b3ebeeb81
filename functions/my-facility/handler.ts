/** GET /v1/me/facilities/{facilityId}: one of the SME's own credit lines (another's is 404). */
import { myFacilityRoute } from '../routes/sme.ts';
import { facilityReadHandler } from '../facility-read.ts';

export const handler = facilityReadHandler(myFacilityRoute);
