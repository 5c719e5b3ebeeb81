/** POST /v1/ops/facilities/{facilityId}/freeze: no drawdowns until unfrozen. */
import { routeOf } from '../routes.ts';
import { freezeHandler } from '../freeze.ts';

export const handler = freezeHandler(routeOf('ops-freeze'), 'Freeze');
