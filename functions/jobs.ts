/**
 * The functions no HTTP request reaches: the Step Functions tasks of the nightly end of day
 * (docs/end-of-day.md). Each lives in functions/<name>/handler.ts like a route's, but has no method on
 * the API and no entry in the route registry; infra/ builds them beside the API's functions.
 * test/http/routes.test.ts checks that every folder under functions/ is a route or a job here.
 */
import { EodPart } from '#api/eod.ts';
import { BusinessDate, Timestamp } from '#api/primitives.ts';
import * as z from '#api/z.ts';
import { defineJob } from '#http/job.ts';
import { EOD_METRIC_DIMENSIONS } from '#http/observability.ts';
import { MAX_CURSOR_LENGTH } from '#ledger/cursor.ts';
import { EOD_SHARD_COUNT } from '#ledger/schema.ts';

const Shard = z.int().check(z.gte(0), z.lt(EOD_SHARD_COUNT));
const ShardEnd = z.int().check(z.gt(0), z.lte(EOD_SHARD_COUNT));
/** The run's id: Step Functions' execution name (letters, digits, '-', '_'; at most 80). */
const RunId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/));

/** Where the previous invocation stopped: the shard to page next and the page cursor inside it. */
const Position = z.strictObject({ shard: Shard, cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_CURSOR_LENGTH))) });

/**
 * One invocation over the shards [from, to) of a run, for a date (a re-run) or for the
 * scheduler's time (the nightly run: yesterday in Shanghai). From the second invocation of a
 * range on, it is the previous invocation's answer as it stands: with the date, `next` and `part`.
 */
export const EodShardInput = z.strictObject({
  run: RunId,
  from: Shard,
  to: ShardEnd,
  date: z.optional(BusinessDate),
  scheduledTime: z.optional(Timestamp),
  next: z.optional(Position),
  part: z.optional(EodPart),
});

/** The run whose parts make the date's report, and when it started (for EodDurationMs). */
export const EodReportInput = z.strictObject({ date: BusinessDate, startedAt: Timestamp, run: RunId });

export const jobs = [
  defineJob({
    name: 'eod-shard',
    summary: 'End of day for a range of shards, until done or its time runs low: persists what advance produces, values the range, hands back its cursor (idempotent)',
    input: EodShardInput,
  }),
  defineJob({
    name: 'eod-report',
    summary: "Combines the run's parts into the date's portfolio report, keeps it and emits the end-of-day metrics",
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
