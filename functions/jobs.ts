/**
 * The functions no HTTP request reaches: the Step Functions tasks of the nightly end of day
 * (DESIGN §10). Each lives in functions/<name>/handler.ts like a route's, but has no method on
 * the API and no entry in the route registry; infra/ builds them beside the API's functions.
 * test/http/routes.test.ts checks that every folder under functions/ is a route or a job here.
 */
import { EodShardResult } from '#api/eod.ts';
import { BusinessDate, Timestamp } from '#api/primitives.ts';
import * as z from '#api/z.ts';
import { defineJob } from '#http/job.ts';
import { EOD_METRIC_DIMENSIONS } from '#http/observability.ts';
import { EOD_SHARD_COUNT } from '#ledger/schema.ts';

const Shard = z.int().check(z.gte(0), z.lt(EOD_SHARD_COUNT));

/** One shard of a run, for a date (a re-run) or for the scheduler's time (the nightly run: yesterday in Shanghai). */
export const EodShardInput = z.strictObject({ shard: Shard, date: z.optional(BusinessDate), scheduledTime: z.optional(Timestamp) });

/** Every shard's answer, the run's date, and when the run started (for EodDurationMs). */
export const EodReportInput = z.strictObject({
  date: BusinessDate,
  startedAt: Timestamp,
  shards: z.array(EodShardResult).check(z.maxLength(EOD_SHARD_COUNT)),
});

export const jobs = [
  defineJob({
    name: 'eod-shard',
    summary: 'End of day for one shard of a date: persists what advance produces and values the shard (idempotent)',
    input: EodShardInput,
  }),
  defineJob({
    name: 'eod-report',
    summary: "Combines the shards' results into the date's portfolio report, keeps it and emits the end-of-day metrics",
    input: EodReportInput,
    metricDimensions: EOD_METRIC_DIMENSIONS,
  }),
] as const;

export type Job = (typeof jobs)[number];
export type JobName = Job['name'];

export function jobOf<N extends JobName>(name: N): Extract<Job, { readonly name: N }> {
  const job = jobs.find((candidate) => candidate.name === name);
  if (job === undefined) throw new Error(`no job named ${name}`);
  return job as Extract<Job, { readonly name: N }>;
}
