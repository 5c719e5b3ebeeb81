/** PUT /v1/facilities/{facilityId}: open a credit line, idempotent by its id. */
import { openFacility } from '#app/facilities.ts';
import { priceBorrower } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { openFacilityRoute } from '../routes/channel.ts';
import { actorOf } from '../context.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  openFacilityRoute,
  async ({ deps, path, body, businessDate, principal }) => {
    const spreadBp = body.pricing?.spreadBp ?? (await priceBorrower(deps, body.borrowerId, businessDate)).quote.spreadBp;
    return openFacility(deps, { date: businessDate, actor: actorOf(principal) }, {
      facilityId: path.facilityId,
      borrowerId: body.borrowerId,
      limitFen: body.limit,
      effectiveDate: body.effectiveDate,
      maturityDate: body.maturityDate,
      spreadBp,
      spreadFromModel: body.pricing?.spreadBp === undefined,
      ...(body.pricing?.rateType === undefined ? {} : { rate: { rateType: body.pricing.rateType, ...(body.pricing.repricing === undefined ? {} : { repricing: body.pricing.repricing }) } }),
      ...(body.terms === undefined ? {} : { terms: body.terms }),
    });
  },
  { deps: appDeps },
);
