/** Step Functions task { date | scheduledTime, shard }: end of day for one shard; answers its counts and totals. */
import { eodDateOf, runEodShard } from '#app/eod.ts';
import { appDeps } from '#app/wiring.ts';
import { jobHandler } from '#http/job.ts';
import { jobOf } from '../jobs.ts';

export const handler = jobHandler(jobOf('eod-shard'), async (input) => runEodShard(appDeps(), eodDateOf(input), input.shard));
