/** PUT /v1/ops/borrowers/{borrowerId}/profile: the borrower's non-credit data. */
import { putProfile } from '#app/borrowers.ts';
import { httpHandler } from '#http/middleware.ts';
import { opsPutProfileRoute } from '../routes/ops.ts';
import { appDeps } from '../wiring.ts';

export const handler = httpHandler(
  opsPutProfileRoute,
  async ({ deps, path, body }) => {
    const { relationship, borrowerType, enterpriseSize, fundsUseCompliant, ...rest } = body;
    return putProfile(deps, {
      ...rest,
      borrowerId: path.borrowerId,
      borrowerType: borrowerType ?? 'ENTERPRISE',
      enterpriseSize: enterpriseSize ?? null,
      fundsUseCompliant: fundsUseCompliant ?? 'unknown',
      riskGrade: rest.riskGrade as 1,
      relationship: { depositBalanceFen: relationship.depositBalance, settlementVolumeFen: relationship.settlementVolume },
    });
  },
  { deps: appDeps },
);
