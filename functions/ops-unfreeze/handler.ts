/** POST /v1/ops/facilities/{facilityId}/unfreeze: drawdowns allowed again. */
import { opsUnfreezeRoute } from '../routes/ops.ts';
import { freezeHandler } from '../freeze.ts';

export const handler = freezeHandler(opsUnfreezeRoute, 'Unfreeze');
