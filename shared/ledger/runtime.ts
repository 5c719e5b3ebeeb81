/**
 * Time and randomness as explicit dependencies: logic receives them, tests pass fixed
 * ones, and only `systemRuntime` (used at the edges: handlers, local tools) touches the
 * wall clock, Math.random and real timers.
 */
import { systemClock, type Clock } from '#domain/calendar.ts';
import { invariant } from '#domain/errors.ts';

/** A number in [0, 1). */
export type Jitter = () => number;
type Sleep = (ms: number) => Promise<void>;

export interface RetryRuntime {
  readonly jitter: Jitter;
  readonly sleep: Sleep;
}

export interface LedgerRuntime extends RetryRuntime {
  readonly clock: Clock;
}

export const systemRuntime: LedgerRuntime = {
  clock: systemClock,
  jitter: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * "Full jitter" exponential backoff: uniform in [0, min(cap, base·2^(attempt−1))), which
 * spreads competing writers apart better than a fixed or equal-jitter delay.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, jitter: Jitter): number {
  invariant(Number.isSafeInteger(attempt) && attempt >= 1, `attempt must be a positive integer: ${attempt}`);
  const r = jitter();
  invariant(r >= 0 && r < 1, `jitter must be in [0, 1): ${r}`);
  const ceilingMs = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(r * ceilingMs);
}
