/**
 * The middy stack of the functions no HTTP request reaches (Step Functions tasks, listed in
 * functions/jobs.ts): the same logger and metrics as the HTTP functions, the input checked
 * against the job's schema, and no HTTP anywhere:
 *
 *   export const handler = jobHandler(jobOf('eod-shard'), async (input, ctx) => runEodShard(…));
 *
 * A bad input throws ValidationError and a broken invariant InvariantViolation: the state
 * machine retries neither (the same input fails the same way); any other error it retries.
 */
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { $ZodType, output } from 'zod/v4/core';
import { systemClock, type Clock } from '#domain/calendar.ts';
import { invariant, ValidationError } from '#domain/errors.ts';
import * as z from '../api/z.ts';
import { businessMetrics, createLogger, createMetrics, type BusinessMetrics, type Logger, type Metrics } from './observability.ts';

/** Errors a retry cannot cure: the state machine fails at once on these (EodDateInFuture: shared/app/eod.ts). */
export const NON_RETRYABLE_ERRORS: readonly string[] = ['ValidationError', 'InvariantViolation', 'EodDateInFuture'];

export interface JobSpec {
  /** The function's folder: functions/<name>/handler.ts; also its `operation` tag and log key. */
  readonly name: string;
  readonly summary: string;
  /** What the state machine passes in. */
  readonly input: $ZodType;
  /** Dimensions of the metrics the job emits. @default { operation: name } */
  readonly metricDimensions?: Readonly<Record<string, string>>;
}

const JOB_NAME = /^[a-z][a-z0-9-]{1,40}$/;

/** Checks a job definition at init, like defineRoute does a route. */
export function defineJob<const S extends JobSpec>(spec: S): S {
  invariant(JOB_NAME.test(spec.name), `job name ${spec.name} must be lower-case words joined by '-'`);
  return spec;
}

export interface JobContext<D = undefined> {
  /** What options.deps provides (the use-cases' dependencies). */
  readonly deps: D;
  readonly clock: Clock;
  /** Time this invocation has left (Lambda's context.getRemainingTimeInMillis; tests inject theirs). */
  readonly remainingMs: () => number;
  readonly logger: Logger;
  readonly metrics: BusinessMetrics;
}

export interface JobHandlerOptions<D = undefined> {
  /** The use-cases' dependencies (functions/wiring.ts appDeps); called per run, so it must cache. */
  readonly deps?: () => D;
  /** Defaults to the system clock; tests pass a fixed one. */
  readonly clock?: Clock;
  /** middy's early-timeout margin; tests pass 0. */
  readonly timeoutEarlyInMillis?: number;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

export type JobHandler<O> = MiddyfiedHandler<unknown, O, Error, Context>;

/** Builds the Lambda handler of `job`. Call at module top level: configuration is read here, once. */
export function jobHandler<J extends JobSpec, O, D = undefined>(
  job: J,
  fn: (input: output<J['input']>, ctx: JobContext<D>) => Promise<O>,
  options: JobHandlerOptions<D> = {},
): JobHandler<O> {
  const logger = options.logger ?? createLogger(job.name);
  const metrics = options.metrics ?? createMetrics(job.name, job.metricDimensions);
  const base = { clock: options.clock ?? systemClock, logger, metrics: businessMetrics(metrics, logger) };

  const run = async (event: unknown, context: Context): Promise<O> => {
    const parsed = z.safeParse(job.input, event);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
    }
    return fn(parsed.data as output<J['input']>, { ...base, deps: options.deps?.() as D, remainingMs: () => context.getRemainingTimeInMillis() });
  };

  return middy<unknown, O, Error, Context>(run, {
    ...(options.timeoutEarlyInMillis === undefined ? {} : { timeoutEarlyInMillis: options.timeoutEarlyInMillis }),
  })
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(observeJob(job, logger, metrics));
}

/** One log line per run (no payloads: they carry facility ids and amounts), then the metrics flush. */
function observeJob(job: JobSpec, logger: Logger, metrics: Metrics): MiddlewareObj<unknown, unknown, Error, Context> {
  const started = new WeakMap<Context, number>();
  const finish = ({ context }: { context: Context }) => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    return { job: job.name, latencyMs: Math.round(performance.now() - (started.get(context) ?? performance.now())) };
  };
  return {
    before: ({ context }) => {
      started.set(context, performance.now());
    },
    after: (request) => logger.info('job completed', finish(request)),
    onError: (request) => logger.error('job failed', { ...finish(request), error: request.error }),
  };
}
