/** POST /v1/ops/facilities/{facilityId}/freeze: no drawdowns until unfrozen. */
import { opsFreezeRoute } from '../routes/ops.ts';
import { freezeHandler } from '../freeze.ts';

export const handler = freezeHandler(opsFreezeRoute, 'Freeze');
