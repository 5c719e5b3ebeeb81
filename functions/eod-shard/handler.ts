/**
 * Step Functions task { run, from, to, date | scheduledTime [, next, part] }: end of day for a
 * range of shards until it is done or this invocation's time runs low; answers the range's part so
 * far and, unless done, the cursor the next invocation goes on from (shared/app/eod.ts continueEod).
 */
import type { AppDeps } from '#app/deps.ts';
import { assertEodDateNotInFuture, continueEod, eodDateOf } from '#app/eod.ts';
import { today } from '#domain/calendar.ts';
import { jobHandler, type JobHandlerOptions } from '#http/job.ts';
import { jobOf } from '../jobs.ts';
import { appDeps } from '../wiring.ts';

/** Tests build it with their own clock and deps (to watch the store); Lambda runs `handler`. */
export function createHandler(options: JobHandlerOptions<AppDeps> = {}) {
  return jobHandler(
    jobOf('eod-shard'),
    async (input, { deps, clock, remainingMs }) => {
      assertEodDateNotInFuture(eodDateOf(input), today(clock));
      return continueEod(deps, input, { remainingMs });
    },
    { deps: appDeps, ...options },
  );
}

export const handler = createHandler();
