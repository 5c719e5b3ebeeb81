/**
 * The web apps' weight (DESIGN §12: ≤ 150 KB of JS each, gzipped): both apps built by
 * web/build.ts (minified, everything bundled, nothing from a CDN) into a scratch folder and
 * gzipped at level 9, as a browser downloads them. The ratio is the gzipped JS over the budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWeb, type AppName } from '../web/build.ts';
import type { BenchContext, ResultRow } from './harness.ts';

export const WEB_JS_BUDGET_BYTES = 150 * 1024;

const TITLES: Record<AppName, string> = { sme: 'SME app JS (gzipped) vs its 150 KB budget', ops: 'operations console JS (gzipped) vs its 150 KB budget' };

export async function run(context: BenchContext): Promise<ResultRow[]> {
  const out = mkdtempSync(join(tmpdir(), 'bench-web-'));
  try {
    context.log('web: building both apps');
    const sizes = await buildWeb(out);
    return (Object.keys(sizes) as AppName[]).map((app) => {
      const size = sizes[app];
      return {
        id: `web-${app}-js`,
        title: TITLES[app],
        ratio: size.jsGzipBytes / WEB_JS_BUDGET_BYTES,
        target: 1,
        better: 'lower',
        ours: { label: `${app} app.js gzipped`, value: size.jsGzipBytes, unit: 'B', minifiedBytes: size.jsBytes, cssGzipBytes: size.cssGzipBytes },
        baseline: { label: 'budget', value: WEB_JS_BUDGET_BYTES, unit: 'B' },
        notes: [`${app}: ${(size.jsBytes / 1024).toFixed(1)} KB minified, ${(size.jsGzipBytes / 1024).toFixed(1)} KB gzipped; CSS ${(size.cssGzipBytes / 1024).toFixed(1)} KB gzipped`],
      } satisfies ResultRow;
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
