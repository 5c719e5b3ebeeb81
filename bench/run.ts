/**
 * `npm run bench [-- --json] [--only <id>] [--quick]`: runs the benchmarks in registry.ts.
 *   --json        exactly one JSON object on stdout, keyed by row id; progress goes to stderr
 *   --only <id>   a benchmark id or a row id (repeatable)
 *   --quick       smoke-run sizes
 *   --eod-scale   the end-of-day scale model only (same as --only eod-scale)
 * Through npm use `npm run -s bench -- --json`: without -s, npm prints its own banner on stdout.
 * Exit code 0 even when a target is missed (a measurement, not a test); 1 when a benchmark fails
 * (a correctness check, a crash); 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import type { BenchContext, ResultRow } from './harness.ts';
import { BENCHMARKS, type RegistryEntry } from './registry.ts';
import { formatTable, toJson } from './report.ts';

const USAGE = 'usage: node bench/run.ts [--json] [--quick] [--eod-scale] [--only <id>]...';

export async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({
      args: [...argv],
      options: { json: { type: 'boolean' }, quick: { type: 'boolean' }, 'eod-scale': { type: 'boolean' }, only: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help === true) {
    process.stdout.write(`${USAGE}\nbenchmarks:\n${BENCHMARKS.map((b) => `  ${b.id}: ${b.rows.join(', ')}`).join('\n')}\n`);
    return 0;
  }
  const only = [...(options.only ?? []), ...(options['eod-scale'] === true ? ['eod-scale'] : [])];
  const unknown = only.filter((id) => !BENCHMARKS.some((b) => b.id === id || b.rows.includes(id)));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark id: ${unknown.join(', ')}; known: ${BENCHMARKS.flatMap((b) => [b.id, ...b.rows]).join(', ')}\n`);
    return 2;
  }
  const selected = only.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => only.includes(b.id) || b.rows.some((r) => only.includes(r)));

  const json = options.json === true;
  // stdout belongs to the report; a library that logs while a benchmark runs must not corrupt it.
  const restoreConsole = json ? divertConsoleToStderr() : () => {};
  const context: BenchContext = { quick: options.quick === true, log: (message) => process.stderr.write(`${message}\n`) };
  const rows: ResultRow[] = [];
  const failed: string[] = [];
  try {
    for (const entry of selected) {
      try {
        rows.push(...(await runOne(entry, context)).filter((row) => only.length === 0 || only.includes(entry.id) || only.includes(row.id)));
      } catch (error) {
        failed.push(entry.id);
        process.stderr.write(`\n✗ benchmark ${entry.id} FAILED — no figures for it:\n${(error as Error).stack ?? String(error)}\n\n`);
      }
    }
  } finally {
    restoreConsole();
  }
  process.stdout.write(json ? `${JSON.stringify(toJson(rows))}\n` : `\n${formatTable(rows)}\n`);
  if (failed.length > 0) process.stderr.write(`FAILED: ${failed.join(', ')}\n`);
  return failed.length > 0 ? 1 : 0;
}

async function runOne(entry: RegistryEntry, context: BenchContext): Promise<ResultRow[]> {
  context.log(`— ${entry.id}${context.quick ? ' (quick)' : ''}`);
  const rows = await (await entry.load()).run(context);
  const missing = entry.rows.filter((id) => !rows.some((row) => row.id === id));
  const extra = rows.filter((row) => !entry.rows.includes(row.id)).map((row) => row.id);
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`registry says ${entry.id} returns ${entry.rows.join(', ')}; missing ${missing.join(', ') || 'none'}, unexpected ${extra.join(', ') || 'none'}`);
  }
  for (const row of rows) {
    if (!(Number.isFinite(row.ratio) && row.ratio > 0)) throw new Error(`${row.id}: ratio ${row.ratio} is not a positive number`);
  }
  return rows;
}

function divertConsoleToStderr(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  return () => Object.assign(console, saved);
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
