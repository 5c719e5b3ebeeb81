/**
 * The benchmarks `npm run bench` knows. Adding one: a module under bench/ exporting
 * `run(context): ResultRow[] | Promise<ResultRow[]>` (see harness.ts), and one line here naming the
 * row ids it returns, so `--only` can pick it without loading the others.
 */
import type { BenchmarkModule } from './harness.ts';

export interface RegistryEntry {
  id: string;
  /** Ids of the rows (and JSON keys) the module returns. */
  rows: readonly string[];
  load(): Promise<BenchmarkModule>;
}

export const BENCHMARKS: readonly RegistryEntry[] = [
  { id: 'accrual', rows: ['accrual-vs-decimal', 'accrual-vs-float'], load: () => import('./accrual.ts') },
  { id: 'drawdown', rows: ['drawdown-vs-store'], load: () => import('./drawdown.ts') },
  { id: 'eod', rows: ['eod-vs-read'], load: () => import('./eod.ts') },
  { id: 'eod-scale', rows: ['eod-scale'], load: () => import('./eod-scale.ts') },
  { id: 'report-month', rows: ['report-month'], load: () => import('./report-month.ts') },
  { id: 'bundle', rows: ['bundle-size', 'bundle-init'], load: () => import('./bundle.ts') },
  { id: 'web', rows: ['web-sme-js', 'web-ops-js'], load: () => import('./web.ts') },
];
