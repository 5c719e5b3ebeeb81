/** PUT /v1/ops/borrowers/{borrowerId}/profile: the borrower's non-credit data. */
import { appDeps } from '#app/wiring.ts';
import { putProfile } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { routeOf } from '../routes.ts';

export const handler = httpHandler(routeOf('ops-put-profile'), async ({ path, body }) => {
  const { relationship, borrowerType, ...rest } = body;
  const reply = await putProfile(appDeps(), {
    ...rest,
    borrowerId: path.borrowerId,
    borrowerType: borrowerType ?? 'ENTERPRISE',
    riskGrade: rest.riskGrade as 1,
    relationship: { depositBalanceFen: relationship.depositBalance, settlementVolumeFen: relationship.settlementVolume },
  });
  return reply.status === 201 ? { status: 201, body: reply.body } : { status: 200, body: reply.body };
});
