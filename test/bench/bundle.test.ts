import { describe, expect, it } from 'vitest';
import { type Bundle, displayChain, esbuildOptionsFrom, foreignRoutes, groupOf, operations, run, strayImports } from '../../bench/bundle.ts';
import { toJson } from '../../bench/report.ts';

describe('bundle benchmark (quick mode)', () => {
  it('returns bundle-size (≤ 1.35×) and bundle-init (≤ 1.2×), lower is better, with a size for every function (no timing assertions)', { timeout: 120_000 }, async () => {
    const rows = await run({ quick: true, log: () => {} });
    expect(rows.map((r) => r.id)).toEqual(['bundle-size', 'bundle-init']);
    const json = JSON.parse(JSON.stringify(toJson(rows))) as Record<string, Record<string, any>>;
    const size = json['bundle-size']!;
    const init = json['bundle-init']!;
    expect(size).toMatchObject({ target: 1.35, better: 'lower' });
    expect(init).toMatchObject({ target: 1.2, better: 'lower' });
    expect(Object.keys(size['perFunction']).sort()).toEqual(operations());
    expect(size['largestFunction']).toBe(init['largestFunction']);
    const largest = size['perFunction'][size['largestFunction']];
    expect(size['ours'].bytes).toBe(largest.bytes);
    expect(size['ratio']).toBeCloseTo(largest.bytes / size['baseline'].bytes, 10);
    for (const f of Object.values<{ bytes: number; ratio: number }>(size['perFunction'])) expect(f.bytes).toBeLessThanOrEqual(largest.bytes);
    expect(size['strayImports']).toEqual({});
    // Each handler imports its own route by name: no other route's definition (and schemas) rides along.
    expect(size['foreignRoutes']).toEqual({});
    expect(init['ours']).toMatchObject({ unit: 'ms', processes: 3 });
    expect(init['baseline'].value).toBeGreaterThan(0);
    expect(init['roundRatios']).toHaveLength(3);
    // Over the target, the metafile names what the largest function carries beyond the baseline.
    if (size['functionsOverTarget'].length > 0) expect(size['excessOverBaseline'][0]).toMatchObject({ group: expect.any(String), bytes: expect.any(Number) });
  });
});

describe('bundle benchmark helpers', () => {
  it("translates the construct's BundlingOptions as aws-lambda-nodejs does, and refuses one it cannot reproduce", () => {
    const { options, extension } = esbuildOptionsFrom({ format: 'esm', target: 'node24', minify: true, charset: 'utf8', sourceMap: true, sourcesContent: false, externalModules: [], banner: '/* b */', forceDockerBundling: false }, 'test');
    expect(extension).toBe('.mjs');
    expect(options).toMatchObject({ bundle: true, platform: 'node', format: 'esm', target: 'node24', minify: true, charset: 'utf8', sourcemap: true, sourcesContent: false, external: [], banner: { js: '/* b */' } });
    // Unset: CommonJS, and the SDK left to the runtime, as aws-lambda-nodejs defaults.
    expect(esbuildOptionsFrom({}, 'test')).toMatchObject({ extension: '.js', options: { format: 'cjs', external: ['@aws-sdk/*'] } });
    expect(() => esbuildOptionsFrom({ nodeModules: ['zod'] }, 'test')).toThrow(/nodeModules/);
  });

  it('groups modules by package or source folder, and shortens import chains', () => {
    expect(groupOf('node_modules/@aws-sdk/client-dynamodb/dist-es/index.js')).toBe('@aws-sdk/client-dynamodb');
    expect(groupOf('node_modules/zod/v4/core/schemas.js')).toBe('zod');
    expect(groupOf('shared/domain/money.ts')).toBe('shared/domain');
    expect(displayChain(['functions/x/handler.ts', 'node_modules/zod/mini/index.js', 'node_modules/zod/v4/core/core.js'])).toBe('functions/x/handler.ts → zod');
  });

  it("flags another route's definition in a function's bundle, except in openapi's", () => {
    const registry = [
      { operation: 'drawdown', path: '/v1/facilities/{facilityId}/drawdowns' },
      { operation: 'repayment', path: '/v1/facilities/{facilityId}/repayments' },
      { operation: 'ops-eod', path: '/v1/ops/eod/{date}' },
      { operation: 'ops-put-profile', path: '/v1/ops/borrowers/{borrowerId}/profile' },
      { operation: 'ops-get-profile', path: '/v1/ops/borrowers/{borrowerId}/profile' },
    ];
    expect(foreignRoutes('drawdown', 'var r={operation:"drawdown",path:"/v1/facilities/{facilityId}/drawdowns"},d={operation:"ops-eod"}', registry)).toEqual([]);
    expect(foreignRoutes('drawdown', 'var s={path:"/v1/facilities/{facilityId}/repayments"},t={path:`/v1/ops/eod/{date}`}', registry)).toEqual(['repayment', 'ops-eod']);
    // The same path with another method is not told apart.
    expect(foreignRoutes('ops-get-profile', 'var r={path:"/v1/ops/borrowers/{borrowerId}/profile"}', registry)).toEqual([]);
    expect(foreignRoutes('openapi', 'var s={path:"/v1/facilities/{facilityId}/repayments"}', registry)).toEqual([]);
  });

  it('flags a stray import: full zod, the Tracer, dev-only code', () => {
    const bundle = {
      inputs: { 'node_modules/zod/v4/classic/schemas.js': 1, 'node_modules/zod/v4/mini/schemas.js': 1, 'shared/ledger/embedded-store.ts': 1, 'shared/domain/money.ts': 1 },
    } as unknown as Bundle;
    expect(strayImports(bundle).map((s) => s.module)).toEqual(['node_modules/zod/v4/classic/schemas.js', 'shared/ledger/embedded-store.ts']);
  });
});
