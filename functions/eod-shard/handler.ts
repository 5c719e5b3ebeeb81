/** Step Functions task { date | scheduledTime, shard }: end of day for one shard; answers its counts and totals. */
import { eodDateOf, runEodShard } from '#app/eod.ts';
import { jobHandler } from '#http/job.ts';
import { jobOf } from '../jobs.ts';
import { appDeps } from '../wiring.ts';

export const handler = jobHandler(jobOf('eod-shard'), async (input, { deps }) => runEodShard(deps, eodDateOf(input), input.shard), { deps: appDeps });
