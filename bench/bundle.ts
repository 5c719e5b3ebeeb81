/**
 * Per-function bundles against a minimal middy + DynamoDB handler (the design's targets: ≤ 1.35× in size and
 * ≤ 1.2× in import + init time), both built in the same run with the same esbuild options.
 *
 *   ours      every functions/<operation>/handler.ts, bundled as infra's function construct bundles
 *             it (its exported BUNDLING options, translated to esbuild's API: minified ESM for
 *             node24, AWS SDK inside). The rows report the largest.
 *   baseline  a handler importing only @middy/core and @aws-sdk/client-dynamodb, each used (a
 *             middy handler sending a GetItem), bundled with the same options.
 *
 * Init time: a fresh Node process per measurement imports the bundle (with --enable-source-maps,
 * as the construct's NODE_OPTIONS has it, and the environment a deployed function gets) and calls
 * nothing; the import is timed inside the process. Baseline and largest function alternate,
 * one of each per round; the ratio is the median of the per-round ratios.
 *
 * For a function over the target, the metafile says why: the modules it has beyond the baseline,
 * grouped by package or source folder, and the import chain that brings in each big group. Every
 * function's bundle must hold its own route's definition only (foreignRoutes): a handler that
 * imports the whole registry carries every route's schemas.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { AWS_REGION_ENV, IAM_PRINCIPALS_ENV, METRICS_NAMESPACE_ENV, SERVICE_NAME_ENV, TABLE_NAME_ENV } from '#config/env.ts';
import { type BenchContext, type Figures, type ResultRow, median } from './harness.ts';

const run$ = promisify(execFile);

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FUNCTIONS_DIR = join(ROOT, 'functions');
const CONSTRUCT = join(ROOT, 'infra', 'constructs', 'api-function.ts');

/** Init rounds (one baseline and one largest-function process each). Full: ~10 s on a shared 2-core machine. */
export const SIZES = {
  full: { initRounds: 15 },
  quick: { initRounds: 3 },
} as const;

/** The largest function's bundle over the baseline's. */
export const SIZE_TARGET = 1.35;
/** The largest function's import + init time over the baseline's. */
export const INIT_TARGET = 1.2;
/** A child that takes longer than this to import a bundle is stuck, not slow. */
const SPAWN_TIMEOUT_MS = 30_000;
/** Groups listed when explaining a function's excess over the baseline. */
const EXCESS_GROUPS_LISTED = 12;

/** What the minimal handler is: middy around a DynamoDB GetItem, so neither is tree-shaken away. */
export const BASELINE_SOURCE = `
import middy from '@middy/core';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = middy(async (event) => {
  const out = await client.send(new GetItemCommand({ TableName: process.env.LEDGER_TABLE_NAME, Key: { pk: { S: String(event.id) } } }));
  return { statusCode: 200, body: JSON.stringify(out.Item ?? null) };
});
`;

/** Modules no handler should ever carry; finding one is a stray import. */
export const NEVER_IN_A_HANDLER: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /node_modules\/zod\/v4\/classic\//, why: 'full zod (≈440 KB): import * as z from shared/api/z.ts (zod/mini)' },
  { pattern: /node_modules\/@aws-lambda-powertools\/tracer\//, why: 'Powertools Tracer bundles the X-Ray SDK; tracing is Lambda active tracing' },
  { pattern: /node_modules\/(aws-cdk-lib|constructs|dynalite|esbuild|decimal\.js|vitest|fast-check)\//, why: 'build, test or local-only dependency' },
  { pattern: /(^|\/)(infra|local|test|bench)\//, why: 'infra/, local/, test/ or bench/ code' },
  { pattern: /shared\/ledger\/embedded-store\.ts$/, why: 'the embedded store is dev tooling' },
];

// ---- the construct's bundling options ----

/** The subset of aws-lambda-nodejs BundlingOptions this benchmark can reproduce with esbuild's API. */
interface CdkBundling {
  format?: string;
  target?: string;
  mainFields?: readonly string[];
  minify?: boolean;
  charset?: string;
  sourceMap?: boolean;
  sourceMapMode?: string;
  sourcesContent?: boolean;
  externalModules?: readonly string[];
  banner?: string;
  footer?: string;
  define?: Readonly<Record<string, string>>;
  loader?: Readonly<Record<string, string>>;
  keepNames?: boolean;
  logLevel?: string;
}

/** Options that do not change the bundle (how and where it is built, not what it holds). */
const IGNORED = new Set(['forceDockerBundling', 'logLevel', 'metafile', 'dockerImage', 'buildArgs', 'network', 'environment', 'commandHooks']);
const UNDERSTOOD = new Set([...IGNORED, 'format', 'target', 'mainFields', 'minify', 'charset', 'sourceMap', 'sourceMapMode', 'sourcesContent', 'externalModules', 'banner', 'footer', 'define', 'loader', 'keepNames']);

export interface BuildSettings {
  /** Where they came from: the construct, or the fallback when infra has none. */
  source: string;
  options: esbuild.BuildOptions;
  /** ESM bundles are index.mjs, CommonJS ones index.js (as aws-lambda-nodejs names them). */
  extension: '.mjs' | '.js';
}

/**
 * esbuild options equal to what aws-lambda-nodejs runs for these BundlingOptions (bundling.js:
 * `--bundle --platform=node --target --format --minify --sourcemap --external …`). An option it
 * does not know makes it throw: silently building something else than what deploys would be worse.
 */
export function esbuildOptionsFrom(bundling: Readonly<Record<string, unknown>>, source: string): BuildSettings {
  const unknown = Object.keys(bundling).filter((key) => !UNDERSTOOD.has(key));
  if (unknown.length > 0) throw new Error(`bundle benchmark: ${source} sets bundling options it cannot reproduce: ${unknown.join(', ')}`);
  const b = bundling as CdkBundling;
  const format = (b.format ?? 'cjs') as esbuild.Format;
  const sourcemap = b.sourceMapMode !== undefined ? (b.sourceMapMode === 'default' ? true : (b.sourceMapMode as 'external' | 'inline' | 'both')) : b.sourceMap === true;
  return {
    source,
    extension: format === 'esm' ? '.mjs' : '.js',
    options: {
      bundle: true,
      platform: 'node',
      // aws-lambda-nodejs derives the target from the runtime: nodejs24.x.
      target: b.target ?? 'node24',
      format,
      minify: b.minify === true,
      ...(b.charset === undefined ? {} : { charset: b.charset as esbuild.Charset }),
      sourcemap,
      ...(b.sourcesContent === false ? { sourcesContent: false } : {}),
      // aws-lambda-nodejs leaves the SDK to the runtime unless externalModules says otherwise.
      external: [...(b.externalModules ?? ['@aws-sdk/*'])],
      ...(b.mainFields === undefined ? {} : { mainFields: [...b.mainFields] }),
      ...(b.banner === undefined ? {} : { banner: { js: b.banner } }),
      ...(b.footer === undefined ? {} : { footer: { js: b.footer } }),
      ...(b.define === undefined ? {} : { define: { ...b.define } }),
      ...(b.loader === undefined ? {} : { loader: { ...b.loader } as Record<string, esbuild.Loader> }),
      ...(b.keepNames === true ? { keepNames: true } : {}),
    },
  };
}

/** The construct's options when infra has the construct, else the brief's minimum (minified ESM bundle). */
export async function buildSettings(): Promise<BuildSettings> {
  if (!existsSync(CONSTRUCT)) {
    return esbuildOptionsFrom({ format: 'esm', minify: true, externalModules: [] }, 'fallback (no infra/constructs/api-function.ts): minify, ESM, bundle, SDK inside');
  }
  const { BUNDLING } = (await import(pathToFileURL(CONSTRUCT).href)) as { BUNDLING?: Record<string, unknown> };
  if (BUNDLING === undefined) throw new Error('infra/constructs/api-function.ts no longer exports BUNDLING: the bundle benchmark cannot build what deploys');
  return esbuildOptionsFrom(BUNDLING, 'infra/constructs/api-function.ts BUNDLING');
}

// ---- building ----

export function operations(): string[] {
  return readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FUNCTIONS_DIR, d.name, 'handler.ts')))
    .map((d) => d.name)
    .sort();
}

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
  /** Bytes in the output per input module (repository-relative paths). */
  inputs: Record<string, number>;
  metafile: esbuild.Metafile;
  entry: string;
}

function bundlesOf(result: esbuild.BuildResult & { metafile: esbuild.Metafile }, outdir: string, extension: string): Bundle[] {
  const bundles: Bundle[] = [];
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith(extension)) continue;
    const absolute = join(ROOT, file);
    const name = absolute.slice(outdir.length + 1).split('/')[0]!;
    const inputs = Object.fromEntries(Object.entries(output.inputs).map(([input, info]) => [input, info.bytesInOutput]));
    bundles.push({ name, file: absolute, bytes: output.bytes, inputs, metafile: result.metafile, entry: output.entryPoint ?? '' });
  }
  return bundles;
}

/** Every function in one esbuild call (no code splitting: each output is a whole bundle, as a separate build makes it). */
export async function buildFunctions(settings: BuildSettings, outdir: string, names: readonly string[] = operations()): Promise<Bundle[]> {
  const result = await esbuild.build({
    ...settings.options,
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(names.map((op) => [`${op}/index`, join('functions', op, 'handler.ts')])),
    outdir,
    outExtension: { '.js': settings.extension },
    metafile: true,
    logLevel: 'error',
    write: true,
  });
  return bundlesOf(result, outdir, settings.extension);
}

export async function buildBaseline(settings: BuildSettings, outdir: string): Promise<Bundle> {
  const result = await esbuild.build({
    ...settings.options,
    absWorkingDir: ROOT,
    stdin: { contents: BASELINE_SOURCE, resolveDir: ROOT, sourcefile: 'baseline-handler.mjs', loader: 'js' },
    outfile: join(outdir, 'baseline', `index${settings.extension}`),
    metafile: true,
    logLevel: 'error',
    write: true,
  });
  return bundlesOf(result, outdir, settings.extension)[0]!;
}

// ---- explaining a size ----

/** node_modules/<package> or the source folder (shared/domain, functions/routes, …) a module belongs to. */
export function groupOf(input: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (pkg !== null) return pkg[1]!;
  const parts = input.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : input;
}

export function bytesByGroup(bundle: Bundle): Map<string, number> {
  const groups = new Map<string, number>();
  for (const [input, bytes] of Object.entries(bundle.inputs)) groups.set(groupOf(input), (groups.get(groupOf(input)) ?? 0) + bytes);
  return groups;
}

/** The shortest chain of imports from the bundle's entry to the first module of `group`. */
export function importChain(bundle: Bundle, group: string): string[] {
  const inputs = bundle.metafile.inputs;
  const start = Object.keys(inputs).find((input) => input === bundle.entry) ?? bundle.entry;
  const previous = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (groupOf(current) === group && current !== start) {
      const chain: string[] = [];
      for (let at: string | null | undefined = current; at != null; at = previous.get(at)) chain.unshift(at);
      return chain;
    }
    for (const next of inputs[current]?.imports ?? []) {
      if (next.external || previous.has(next.path)) continue;
      previous.set(next.path, current);
      queue.push(next.path);
    }
  }
  return [];
}

export interface Excess {
  group: string;
  bytes: number;
  /** entry → … → first module of the group */
  via: string[];
}

/** What the function carries beyond the baseline, biggest first (groups that shrank are left out). */
export function excessOver(bundle: Bundle, baseline: Bundle): Excess[] {
  const ours = bytesByGroup(bundle);
  const theirs = bytesByGroup(baseline);
  return [...ours.entries()]
    .map(([group, bytes]) => ({ group, bytes: bytes - (theirs.get(group) ?? 0) }))
    .filter((e) => e.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, EXCESS_GROUPS_LISTED)
    .map((e) => ({ ...e, via: importChain(bundle, e.group) }));
}

/**
 * Other operations whose route definition is in this bundle: their path template is in the code
 * (routes sharing this function's path, e.g. PUT and GET of one resource, are told apart by
 * nothing here and left out). Only the openapi function, which serves the whole registry, may hold
 * them all. (The freeze/unfreeze routes build their path from a template and escape this check.)
 */
export function foreignRoutes(name: string, code: string, registry: readonly { operation: string; path: string }[]): string[] {
  if (name === 'openapi') return [];
  const own = registry.find((route) => route.operation === name)?.path;
  return registry
    .filter((route) => route.operation !== name && route.path !== own && [`"${route.path}"`, `'${route.path}'`, `\`${route.path}\``].some((literal) => code.includes(literal)))
    .map((route) => route.operation);
}

export function strayImports(bundle: Bundle): { module: string; why: string }[] {
  const found: { module: string; why: string }[] = [];
  for (const input of Object.keys(bundle.inputs)) {
    const hit = NEVER_IN_A_HANDLER.find((rule) => rule.pattern.test(input));
    if (hit !== undefined) found.push({ module: input, why: hit.why });
  }
  return found;
}

// ---- import + init time ----

/** What a deployed function's environment holds (infra's serviceEnvironment, the table, the IAM map). */
const FUNCTION_ENV = {
  [AWS_REGION_ENV]: 'cn-north-1',
  [TABLE_NAME_ENV]: 'credit-ledger',
  [IAM_PRINCIPALS_ENV]: '{}',
  [METRICS_NAMESPACE_ENV]: 'CreditService',
  [SERVICE_NAME_ENV]: 'credit-service',
};

/** One fresh process: import the bundle, call nothing. Returns the import time measured inside, and the process's wall time. */
export async function measureInit(file: string): Promise<{ importMs: number; processMs: number }> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(JSON.stringify({ importMs: performance.now() - t }));`;
  const started = performance.now();
  const { stdout } = await run$(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    cwd: tmpdir(),
    env: { PATH: process.env['PATH'] ?? '', ...FUNCTION_ENV },
    timeout: SPAWN_TIMEOUT_MS,
  });
  const processMs = performance.now() - started;
  const { importMs } = JSON.parse(stdout.slice(stdout.lastIndexOf('{"importMs"'))) as { importMs: number };
  return { importMs, processMs };
}

/** Alternating rounds: forward on even rounds, reverse on odd ones, as the harness does. */
export async function measureInitRounds(ours: string, baseline: string, rounds: number, log: (m: string) => void): Promise<{ ours: number[]; baseline: number[]; oursProcess: number[]; baselineProcess: number[] }> {
  const out = { ours: [] as number[], baseline: [] as number[], oursProcess: [] as number[], baselineProcess: [] as number[] };
  // One untimed import of each first: the file cache, not the function, would otherwise pay the first read.
  await measureInit(baseline);
  await measureInit(ours);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
    for (const who of order) {
      const m = await measureInit(who === 'ours' ? ours : baseline);
      out[who].push(m.importMs);
      out[who === 'ours' ? 'oursProcess' : 'baselineProcess'].push(m.processMs);
    }
    log(`  init round ${round + 1}/${rounds}: largest ${out.ours.at(-1)!.toFixed(1)} ms, baseline ${out.baseline.at(-1)!.toFixed(1)} ms`);
  }
  return out;
}

// ---- the rows ----

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** entry → … → module, with node_modules paths shortened to their package and repeats of one package folded. */
export function displayChain(chain: readonly string[]): string {
  const hops: string[] = [];
  for (const module of chain) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(module)?.[1];
    const hop = pkg ?? module;
    if (hops.at(-1) !== hop) hops.push(hop);
  }
  return hops.join(' → ');
}

export async function run(context: BenchContext): Promise<ResultRow[]> {
  const size = context.quick ? SIZES.quick : SIZES.full;
  const outdir = mkdtempSync(join(tmpdir(), 'credit-bench-bundles-'));
  try {
    let started = performance.now();
    const settings = await buildSettings();
    const functions = await buildFunctions(settings, outdir);
    const baseline = await buildBaseline(settings, outdir);
    context.log(`bundle: ${functions.length} functions + baseline built in ${(performance.now() - started).toFixed(0)} ms (${settings.source})`);
    if (functions.length === 0) throw new Error('no functions/<operation>/handler.ts found');

    functions.sort((a, b) => b.bytes - a.bytes);
    const largest = functions[0]!;
    const over = functions.filter((f) => f.bytes / baseline.bytes > SIZE_TARGET);
    const stray = Object.fromEntries(functions.map((f) => [f.name, strayImports(f)]).filter(([, found]) => (found as unknown[]).length > 0));
    const registry = (await import('../functions/routes.ts')).routes.map(({ operation, path }) => ({ operation, path }));
    const foreign = Object.fromEntries(functions.map((f) => [f.name, foreignRoutes(f.name, readFileSync(f.file, 'utf8'), registry)]).filter(([, found]) => (found as unknown[]).length > 0));
    const excess = over.length > 0 ? excessOver(largest, baseline) : [];

    started = performance.now();
    const init = await measureInitRounds(largest.file, baseline.file, size.initRounds, context.log);
    context.log(`bundle: init measured in ${(performance.now() - started).toFixed(0)} ms`);
    const initRatios = init.ours.map((ms, i) => ms / init.baseline[i]!);

    const perFunction = Object.fromEntries(functions.map((f) => [f.name, { bytes: f.bytes, ratio: f.bytes / baseline.bytes }]));
    const sizeFigures = (label: string, b: Bundle): Figures => ({ label, value: b.bytes / 1000, unit: 'KB', bytes: b.bytes });
    const initFigures = (label: string, importMs: number[], processMs: number[]): Figures => ({
      label,
      value: median(importMs),
      unit: 'ms',
      min: Math.min(...importMs),
      max: Math.max(...importMs),
      processWallMs: median(processMs),
      processes: importMs.length,
    });
    const table = [
      'per-function bundle sizes (minified; the baseline is 1.00×):',
      ...functions.map((f) => `    ${f.name.padEnd(24)} ${kb(f.bytes).padStart(9)}  ${(f.bytes / baseline.bytes).toFixed(2)}×${f.bytes / baseline.bytes > SIZE_TARGET ? '  over' : ''}`),
      `    ${'(baseline: middy + DynamoDB)'.padEnd(24)} ${kb(baseline.bytes).padStart(9)}`,
    ];
    const why =
      excess.length === 0
        ? []
        : [
            `${largest.name} beyond the baseline, by package or folder (bytes in the bundle; the import chain that brings each in):`,
            ...excess.map((e) => `    +${kb(e.bytes).padStart(9)}  ${e.group.padEnd(32)} ${e.via.length === 0 ? '(the handler itself)' : displayChain(e.via)}`),
          ];
    // The original size target measured its ≈530 KB baseline with esbuild's default resolution (CommonJS `main`
    // first); the construct prefers `module`, which tree-shakes the SDK. Both, so the two agree.
    let otherResolution: Record<string, unknown> | undefined;
    if (!context.quick && settings.options.mainFields !== undefined) {
      const { mainFields: _, ...defaults } = settings.options;
      const other: BuildSettings = { ...settings, options: defaults, source: `${settings.source} without mainFields` };
      const otherLargest = (await buildFunctions(other, join(outdir, 'default-main-fields'), [largest.name]))[0]!;
      const otherBaseline = await buildBaseline(other, join(outdir, 'default-main-fields'));
      otherResolution = {
        mainFields: "esbuild's default for platform node (main before module)",
        largestBytes: otherLargest.bytes,
        baselineBytes: otherBaseline.bytes,
        ratio: otherLargest.bytes / otherBaseline.bytes,
      };
    }
    const strayNotes = Object.keys(stray).length === 0 ? ['no stray imports (full zod, Tracer, CDK, dynalite, dev code) in any bundle'] : [`STRAY IMPORTS: ${JSON.stringify(stray)}`];
    const foreignNotes = Object.keys(foreign).length === 0 ? ['every function bundles its own route only (openapi: the whole registry)'] : [`OTHER ROUTES IN A BUNDLE: ${JSON.stringify(foreign)}`];
    const common = { build: settings.source, functions: functions.length, largestFunction: largest.name, functionsOverTarget: over.map((f) => f.name), strayImports: stray, foreignRoutes: foreign };
    return [
      {
        id: 'bundle-size',
        title: `largest function bundle (${largest.name}) vs a minimal middy + DynamoDB handler`,
        ratio: largest.bytes / baseline.bytes,
        target: SIZE_TARGET,
        better: 'lower',
        ours: sizeFigures(`functions/${largest.name} bundle`, largest),
        baseline: sizeFigures('middy + @aws-sdk/client-dynamodb bundle', baseline),
        details: { ...common, perFunction, excessOverBaseline: excess, ...(otherResolution === undefined ? {} : { withDefaultMainFields: otherResolution }) },
        notes: [
          ...table,
          ...why,
          ...strayNotes,
          ...foreignNotes,
          ...(otherResolution === undefined
            ? []
            : [
                `with esbuild's default main fields (CommonJS first, as the ≈530 KB baseline of the original size target was measured): ${largest.name} ${kb(otherResolution['largestBytes'] as number)}, ` +
                  `baseline ${kb(otherResolution['baselineBytes'] as number)}, ${(otherResolution['ratio'] as number).toFixed(2)}×`,
              ]),
        ],
      },
      {
        id: 'bundle-init',
        title: `import + init of the largest bundle (${largest.name}) vs the minimal handler's, fresh process each`,
        ratio: median(initRatios),
        target: INIT_TARGET,
        better: 'lower',
        ours: initFigures(`import of functions/${largest.name} bundle`, init.ours, init.oursProcess),
        baseline: initFigures('import of the middy + DynamoDB bundle', init.baseline, init.baselineProcess),
        details: { ...common, nodeFlags: ['--enable-source-maps'], roundRatios: initRatios },
      },
    ];
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
