/** POST /v1/ops/facilities/{facilityId}/unfreeze: drawdowns allowed again. */
import { routeOf } from '../routes.ts';
import { freezeHandler } from '../freeze.ts';

export const handler = freezeHandler(routeOf('ops-unfreeze'), 'Unfreeze');
