/** PUT /v1/facilities/{facilityId}: open a credit line, idempotent by its id. */
import { appDeps } from '#app/wiring.ts';
import { openFacility } from '#app/facilities.ts';
import { priceBorrower } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';
import { actorOf } from '../context.ts';

export const handler = httpHandler(routeOf('open-facility'), async ({ path, body, businessDate, principal }) => {
  const deps = appDeps();
  const spreadBp = body.pricing?.spreadBp ?? (await priceBorrower(deps, body.borrowerId, businessDate)).quote.spreadBp;
  const reply = await openFacility(deps, { date: businessDate, actor: actorOf(principal) }, {
    facilityId: path.facilityId,
    borrowerId: body.borrowerId,
    limitFen: body.limit,
    effectiveDate: body.effectiveDate,
    maturityDate: body.maturityDate,
    spreadBp,
    spreadFromModel: body.pricing?.spreadBp === undefined,
    ...(body.pricing?.rateType === undefined ? {} : { rate: { rateType: body.pricing.rateType, ...(body.pricing.repricing === undefined ? {} : { repricing: body.pricing.repricing }) } }),
  });
  return reply.status === 201 ? { status: 201, body: reply.body } : { status: 200, body: reply.body };
});
