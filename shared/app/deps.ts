/**
 * What the use-cases need from the outside world, injected once per process: the ledger
 * store, time and randomness for retries, and the product configuration.
 */
import type { ProductConfig } from '#domain/product.ts';
import type { LedgerStore } from '#ledger/journal.ts';
import type { LedgerRuntime } from '#ledger/runtime.ts';
import { LprLookup } from './lpr.ts';

export interface AppDeps {
  readonly store: LedgerStore;
  readonly runtime: LedgerRuntime;
  readonly product: ProductConfig;
  /** The per-process LPR cache. */
  readonly lpr: LprLookup;
}

/** Who asked, for the journal's `actor` and the idempotency scope. */
interface Caller {
  /** e.g. `channel:mobile-bank`, `sme:B001`, `ops:alice`. */
  readonly actor: string;
}

/** The business date of a request (Asia/Shanghai), resolved by the HTTP layer from the clock. */
export interface CommandContext extends Caller {
  readonly date: string;
  readonly idempotencyKey: string;
}

export function createAppDeps(deps: Omit<AppDeps, 'lpr'>): AppDeps {
  return { ...deps, lpr: new LprLookup(deps.store, deps.runtime.clock) };
}
