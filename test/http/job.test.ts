/** The stack of the functions no HTTP request reaches: input checked, one log line, metrics flushed. */
import { describe, expect, it, vi } from 'vitest';
import { BusinessDate } from '#api/primitives.ts';
import * as z from '#api/z.ts';
import { defineJob, jobHandler, NON_RETRYABLE_ERRORS } from '#http/job.ts';
import { context, quietObservability } from './support.ts';

const job = defineJob({ name: 'sample-job', summary: 'Sample', input: z.strictObject({ date: BusinessDate, n: z.int() }) });

describe('jobHandler', () => {
  it('hands the validated input to the job, emits its metrics once and logs one line without the payload', async () => {
    const { logger, metrics } = quietObservability();
    const publish = vi.spyOn(metrics, 'publishStoredMetrics');
    const info = vi.spyOn(logger, 'info');
    const handler = jobHandler(
      job,
      async (input, ctx) => {
        ctx.metrics.add('EodFacilitiesProcessed', input.n);
        return { seen: input };
      },
      { logger, metrics, timeoutEarlyInMillis: 0 },
    );
    expect(await handler({ date: '2026-01-20', n: 7 }, context)).toEqual({ seen: { date: '2026-01-20', n: 7 } });
    expect(publish).toHaveBeenCalledTimes(1);
    expect(info).toHaveBeenCalledTimes(1);
    expect(info.mock.calls[0]![0]).toBe('job completed');
    expect(JSON.stringify(info.mock.calls[0])).not.toContain('2026-01-20');
  });

  it('refuses a bad input with ValidationError (which the state machine does not retry), before the job runs', async () => {
    const { logger, metrics } = quietObservability();
    const fn = vi.fn(async () => 'ran');
    const handler = jobHandler(job, fn, { logger, metrics, timeoutEarlyInMillis: 0 });
    await expect(handler({ date: '2026-02-30', n: 1.5 }, context)).rejects.toMatchObject({ name: 'ValidationError', issues: [{ path: 'date' }, { path: 'n' }] });
    await expect(handler(null, context)).rejects.toMatchObject({ name: 'ValidationError' });
    expect(fn).not.toHaveBeenCalled();
    expect(NON_RETRYABLE_ERRORS).toEqual(['ValidationError', 'InvariantViolation', 'EodDateInFuture']);
  });

  it('logs a failure and lets it through, so the state machine sees the error and retries it', async () => {
    const { logger, metrics } = quietObservability();
    const error = vi.spyOn(logger, 'error');
    const handler = jobHandler(job, async () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })), { logger, metrics, timeoutEarlyInMillis: 0 });
    await expect(handler({ date: '2026-01-20', n: 1 }, context)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(error).toHaveBeenCalledWith('job failed', expect.objectContaining({ job: 'sample-job' }));
  });

  it('refuses a job name that cannot be a folder of functions/', () => {
    expect(() => defineJob({ name: 'Bad Name', summary: 'x', input: z.strictObject({}) })).toThrow(/lower-case/);
  });
});
