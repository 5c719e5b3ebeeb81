/**
 * A new drawdown (借据) on a facility: named and numbered in the order drawn, whether the SME drew
 * it or a renewal opened it to carry an old one's principal. The one place a Drawdown is built.
 */
import type { BusinessDate } from './calendar.ts';
import { penaltyRatePpm } from './rates.ts';
import type { Drawdown, DrawdownRenewal, FacilityState } from './state.ts';

export function newDrawdown(
  state: FacilityState,
  input: { amountFen: number; drawnDate: BusinessDate; maturityDate: BusinessDate; ratePpm: number; renewal?: DrawdownRenewal },
): Drawdown {
  state.drawdownCount += 1;
  return {
    drawdownId: `${state.facilityId}-D${String(state.drawdownCount).padStart(4, '0')}`,
    ordinal: state.drawdownCount,
    amountFen: input.amountFen,
    principalFen: input.amountFen,
    drawnDate: input.drawnDate,
    maturityDate: input.maturityDate,
    ratePpm: input.ratePpm,
    penaltyRatePpm: penaltyRatePpm(input.ratePpm, state.terms.penaltyUpliftPct),
    status: 'ACTIVE',
    overdueSince: null,
    interestAcc: [],
    penaltyAcc: [],
    compoundAcc: [],
    interestItems: [],
    penaltyDueFen: 0,
    compoundDueFen: 0,
    ...(input.renewal === undefined ? {} : { renewal: input.renewal }),
  };
}
