/**
 * Builds the two web apps with esbuild into web/dist/ (not committed): the SME app at the
 * site's root and the operations console under ops/. `npm start` builds before serving, CDK
 * before deploying, `npm run bench` to weigh them and the browser tests to drive them.
 *
 *   dist/index.html  dist/app.js  dist/app.css            SME self-service
 *   dist/ops/index.html  dist/ops/app.js  dist/ops/app.css operations console
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, buildSync, type BuildOptions } from 'esbuild';

const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');

export const APPS = {
  sme: { entry: 'src/sme/main.tsx', html: 'src/sme/index.html', out: '' },
  ops: { entry: 'src/ops/main.tsx', html: 'src/ops/index.html', out: 'ops' },
} as const;
export type AppName = keyof typeof APPS;

export interface AppSize {
  /** Minified JS bytes, and the same gzipped (what a browser downloads). */
  readonly jsBytes: number;
  readonly jsGzipBytes: number;
  readonly cssGzipBytes: number;
}

export function esbuildOptions(outDir: string): BuildOptions {
  return {
    entryPoints: Object.values(APPS).map((app) => ({ in: join(WEB_DIR, app.entry), out: join(app.out, 'app') })),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome111', 'safari16.4', 'firefox115'],
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.css': 'css' },
    legalComments: 'none',
    tsconfig: join(WEB_DIR, 'tsconfig.json'),
    logLevel: 'warning',
  };
}

/** Builds both apps into `outDir` (default web/dist) and returns their sizes. */
export async function buildWeb(outDir: string = DIST_DIR): Promise<Record<AppName, AppSize>> {
  rmSync(outDir, { recursive: true, force: true });
  await build(esbuildOptions(outDir));
  return finish(outDir);
}

/** The same, synchronously: for CDK, whose constructs hash their assets as they are built. */
export function buildWebSync(outDir: string = DIST_DIR): Record<AppName, AppSize> {
  rmSync(outDir, { recursive: true, force: true });
  buildSync(esbuildOptions(outDir));
  return finish(outDir);
}

/** Puts each app's index.html beside its bundle and weighs the bundles. */
function finish(outDir: string): Record<AppName, AppSize> {
  const sizes = {} as Record<AppName, AppSize>;
  for (const [name, app] of Object.entries(APPS) as [AppName, (typeof APPS)[AppName]][]) {
    const dir = join(outDir, app.out);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(WEB_DIR, app.html), join(dir, 'index.html'));
    const js = readFileSync(join(dir, 'app.js'));
    const css = readFileSync(join(dir, 'app.css'));
    sizes[name] = { jsBytes: js.length, jsGzipBytes: gzipSync(js, { level: 9 }).length, cssGzipBytes: gzipSync(css, { level: 9 }).length };
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildWeb();
  for (const [name, size] of Object.entries(sizes)) console.log(`${name}: ${size.jsBytes} B JS, ${size.jsGzipBytes} B gzipped; CSS ${size.cssGzipBytes} B gzipped`);
}
