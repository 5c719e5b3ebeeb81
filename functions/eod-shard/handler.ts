/** Step Functions task { date | scheduledTime, shard }: end of day for one shard; answers its counts and totals. */
import type { AppDeps } from '#app/deps.ts';
import { assertEodDateNotInFuture, eodDateOf, runEodShard } from '#app/eod.ts';
import { today } from '#domain/calendar.ts';
import { jobHandler, type JobHandlerOptions } from '#http/job.ts';
import { jobOf } from '../jobs.ts';
import { appDeps } from '../wiring.ts';

/** Tests build it with their own clock and deps; Lambda runs `handler`. */
export function createHandler(options: JobHandlerOptions<AppDeps> = {}) {
  return jobHandler(
    jobOf('eod-shard'),
    async (input, { deps, clock }) => {
      const date = eodDateOf(input);
      assertEodDateNotInFuture(date, today(clock));
      return runEodShard(deps, date, input.shard);
    },
    { deps: appDeps, ...options },
  );
}

export const handler = createHandler();
